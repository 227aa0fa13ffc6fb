import { useEffect } from 'react';
import { useStore } from '../store';

/** The class-mode switch (part of the experiment link): larger text and marks for a projector, the
 *  lesson's figures first, diagnostics folded away. It changes how the page shows the experiment only. */
export function ClassModeToggle() {
  const on = useStore((s) => s.experiment.class);
  const update = useStore((s) => s.update);
  // The page's text scales from the root font size (rem): the switch sets it for the whole document.
  useEffect(() => {
    document.documentElement.classList.toggle('class-mode', on);
  }, [on]);
  return (
    <button
      type="button"
      className="tour-open"
      aria-pressed={on}
      data-testid="class-mode"
      title="Larger text and marks for a projector; the lesson's figures first, diagnostics folded (kept in the link)"
      onClick={() => update({ class: !on })}
    >
      Class mode{on ? ': on' : ''}
    </button>
  );
}
