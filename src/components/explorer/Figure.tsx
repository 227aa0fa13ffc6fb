import { useRef, type ReactNode } from 'react';
import { download, svgText, svgToPng } from '../../viz/export';

interface Props {
  id: string;
  title: string;
  /** One line: what to look for. */
  look: string;
  children: ReactNode;
  actions?: ReactNode;
  wide?: boolean;
}

/** A chart with its title, the one line that says what to look for, and SVG / PNG export. */
export function Figure({ id, title, look, children, actions, wide }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const svg = () => {
    // The largest SVG of the figure is the chart (recharts also draws small legend icons).
    const all = [...(ref.current?.querySelectorAll('svg') ?? [])] as SVGSVGElement[];
    return all.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width)[0];
  };
  return (
    <figure className={`panel figure${wide ? ' wide' : ''}`} data-testid={`fig-${id}`} aria-labelledby={`${id}-t`}>
      <div className="figure-head">
        <h3 id={`${id}-t`}>{title}</h3>
        <div className="figure-actions">
          {actions}
          <button type="button" className="small" onClick={() => svg() && download(`${id}.svg`, new Blob([svgText(svg()!)], { type: 'image/svg+xml' }))}>
            SVG
          </button>
          <button type="button" className="small" onClick={async () => svg() && download(`${id}.png`, await svgToPng(svg()!))}>
            PNG
          </button>
        </div>
      </div>
      <figcaption className="look">{look}</figcaption>
      <div ref={ref} className="figure-body">
        {children}
      </div>
    </figure>
  );
}
