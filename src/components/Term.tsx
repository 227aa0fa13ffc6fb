import { useId, type ReactNode } from 'react';
import { glossary, GLOSSARY } from '../glossary';

/**
 * A term with its definition one click away: the "?" button opens a popover (the browser's top layer, so
 * no table or scroll box clips it; Escape or a click elsewhere closes it). `name` is a glossary key or name.
 */
export function Term({ name, children }: { name: string; children?: ReactNode }) {
  const id = useId();
  const entry = glossary(name);
  if (!entry) return <>{children ?? name}</>;
  const shown = children ?? name;
  return (
    <span className="term">
      <span title={entry.text}>{shown}</span>
      <button type="button" className="term-help" popoverTarget={`${id}-def`} aria-label={`What is ${typeof shown === 'string' ? shown : entry.term}?`}>
        ?
      </button>
      <span id={`${id}-def`} popover="auto" className="term-pop" role="note">
        <strong>{entry.term}</strong>
        <span className="term-text">{entry.text}</span>
        <button type="button" className="small" popoverTarget={`${id}-def`} popoverTargetAction="hide">
          Close
        </button>
      </span>
    </span>
  );
}

/** Every term in one list, at the foot of the page and opened from the header. */
export function Glossary() {
  return (
    <details className="panel glossary" id="glossary">
      <summary>
        <h2>Glossary</h2>
      </summary>
      <dl>
        {GLOSSARY.map((e) => (
          <div key={e.key} id={`glossary-${e.key}`}>
            <dt>{e.term}</dt>
            <dd>{e.text}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** Opens the glossary and moves focus to it. */
export function openGlossary(): void {
  const d = document.getElementById('glossary') as HTMLDetailsElement | null;
  if (!d) return;
  d.open = true;
  d.scrollIntoView({ block: 'start' });
  d.querySelector('summary')?.focus();
}
