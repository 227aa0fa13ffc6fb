import { useRef, type ReactNode } from 'react';
import { download, svgText, svgToPng } from '../../viz/export';
import { ShowData, type ChartData } from '../DataTable';

interface Props {
  id: string;
  title: ReactNode;
  /** One line: what to look for. */
  look: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  wide?: boolean;
  /** The chart's numbers, offered as a table (its text alternative). */
  data?: ChartData;
}

/** A chart with its title, the one line that says what to look for, its numbers as a table, and SVG / PNG export. */
export function Figure({ id, title, look, children, actions, wide, data }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const svg = () => {
    // The largest SVG of the figure is the chart (recharts also draws small legend icons).
    const all = [...(ref.current?.querySelectorAll('svg') ?? [])] as SVGSVGElement[];
    return all.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width)[0];
  };
  const name = typeof title === 'string' ? title : id;
  return (
    <figure className={`panel figure${wide ? ' wide' : ''}`} data-testid={`fig-${id}`} aria-labelledby={`${id}-t`}>
      <div className="figure-head">
        <h3 id={`${id}-t`}>{title}</h3>
        <div className="figure-actions">
          {actions}
          <button type="button" className="small" aria-label={`Download “${name}” as SVG`} onClick={() => svg() && download(`${id}.svg`, new Blob([svgText(svg()!)], { type: 'image/svg+xml' }))}>
            SVG
          </button>
          <button type="button" className="small" aria-label={`Download “${name}” as PNG`} onClick={async () => svg() && download(`${id}.png`, await svgToPng(svg()!))}>
            PNG
          </button>
        </div>
      </div>
      <figcaption className="look">{look}</figcaption>
      <div ref={ref} className="figure-body">
        {children}
      </div>
      {data && <ShowData title={name} data={data} />}
    </figure>
  );
}

/** A recharts chart as one named image: no Tab stop of its own (its numbers are in “Show data”). */
export function ChartImage({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={label} className="chart-image">
      {children}
    </div>
  );
}

/**
 * A figure computed on demand: its Run button (unavailable while anything runs) and Cancel (while it
 * runs). aria-disabled, not disabled: a disabled button drops the keyboard's focus to the top of the
 * page, so Run keeps it while its lesson runs and Cancel keeps it when the run ends.
 */
export function RunButtons({ testId, label, busy, running, onRun, onCancel }: { testId: string; label: string; busy: boolean; running: boolean; onRun: () => void; onCancel: () => void }) {
  return (
    <>
      <button type="button" className="small" data-testid={testId} aria-disabled={busy || undefined} onClick={() => !busy && onRun()}>
        {label}
      </button>
      <button type="button" className="small" aria-disabled={!running || undefined} onClick={() => running && onCancel()}>
        Cancel
      </button>
    </>
  );
}

/** The progress line of an on-demand figure, announced politely. */
export function RunLine({ text, fraction, label }: { text: string; fraction: number; label: string }) {
  return (
    <p className="muted" aria-live="polite">
      {text} <progress value={fraction} max={1} aria-label={label} />
    </p>
  );
}
