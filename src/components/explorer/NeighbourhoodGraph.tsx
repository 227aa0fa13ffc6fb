import { useMemo } from 'react';
import type { ExplorerResult } from '../../../workers/protocol';
import { PALETTE } from '../../palette';
import { viridis } from '../../viz/color';
import { fmt } from '../../viz/stats';
import { useMinFont } from '../useMinFont';
import { Figure } from './Figure';

const SIZE = 440;
const R = SIZE / 2 - 18;

export function seriesNorms(result: ExplorerResult, series: string): Float32Array | null {
  if (series === 'reference') return result.reference?.norms ?? null;
  return result.movement[series]?.norms ?? null;
}

/** The forgotten user in the centre; hop-1 items, hop-2 users, hop-3 items on rings (capped, sampled by
 *  seed). Colour = how far each node's embedding moved under the chosen series. */
export function NeighbourhoodGraph({ result, series, onSeries }: { result: ExplorerResult; series: string; onSeries: (s: string) => void }) {
  const { view } = result;
  const options = [
    ...(result.reference ? [{ name: 'reference', label: 'Proximal reference (retraining within μ)' }] : []),
    ...result.methods.filter((m) => m.name !== 'retrain'),
  ];
  // One colour scale for every series, so switching shows which moves more. Its top is the 95th
  // percentile (a few outliers would otherwise turn everything else dark); larger values saturate.
  const top = useMemo(() => {
    const values: number[] = [];
    for (const o of options) {
      const n = seriesNorms(result, o.name);
      if (!n) continue;
      for (let k = 1; k < view.index.length; k++) {
        const i = view.index[k];
        if (i >= 0 && Number.isFinite(n[i])) values.push(n[i]);
      }
    }
    values.sort((a, b) => a - b);
    return values[Math.floor(0.95 * (values.length - 1))] || 1;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result]);
  const norms = seriesNorms(result, series);
  const forgotten = new Set(result.forgottenItems);
  const px = (k: number) => SIZE / 2 + view.x[k] * R;
  const py = (k: number) => SIZE / 2 + view.y[k] * R;
  const whole = result.report.removedUsers > 0;
  const { ref, font } = useMinFont(SIZE);
  // The key sits under the graph, in rows as tall as the text is (the text grows on a narrow screen).
  const line = font * 1.5;
  const legendTop = SIZE + 6;
  const height = legendTop + 4 * line + 4;
  const seriesLabel = options.find((o) => o.name === series)?.label ?? series;
  const hops = view.totals.map((total, h) => {
    let shown = 0;
    let sum = 0;
    let n = 0;
    let forgottenShown = 0;
    for (let k = 1; k < view.nodes.length; k++) {
      if (view.hop[k] !== h + 1) continue;
      shown++;
      const i = view.index[k];
      const v = norms && i >= 0 ? norms[i] : NaN;
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
      if (h === 0 && forgotten.has(view.labels[k])) forgottenShown++;
    }
    return { hop: `hop ${h + 1}`, shown, total, mean: n ? sum / n : NaN, forgottenShown };
  });
  const topLabel = `≥ ${fmt(top, 3)} moved`;
  // Text is about 0.6 em per character: the colour bar takes what the two labels leave.
  const swatch = (SIZE - font * (1.6 + 0.62 * topLabel.length)) / 10;

  return (
    <Figure
      id="neighbourhood"
      title="Spillover through the graph"
      look="Colour = how far each node moved. The deletion reaches beyond the user: their items (hop 1), users who share them (hop 2), and those users' items (hop 3)."
      actions={
        <label className="inline-select">
          Colour nodes by{' '}
          <select value={series} onChange={(e) => onSeries(e.target.value)}>
            {options.map((o) => (
              <option key={o.name} value={o.name}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      }
      data={{
        columns: ['hop', 'nodes shown', 'in the graph', `mean movement (${seriesLabel})`, 'forgotten items shown'],
        rows: hops.map((h, k) => [h.hop, h.shown, h.total, h.mean, k === 0 ? h.forgottenShown : '–']),
      }}
    >
      <svg ref={ref} viewBox={`0 0 ${SIZE} ${height}`} role="img" aria-label={`Neighbourhood graph of user ${result.centreUser}, nodes coloured by how far ${seriesLabel} moved them`}>
        {[1, 2, 3].map((h) => (
          <circle key={h} cx={SIZE / 2} cy={SIZE / 2} r={(R * h) / 3} fill="none" stroke="#e3e6ea" />
        ))}
        {Array.from({ length: view.edges.length / 2 }, (_, e) => {
          const a = view.edges[2 * e];
          const b = view.edges[2 * e + 1];
          return <line key={e} x1={px(a)} y1={py(a)} x2={px(b)} y2={py(b)} stroke="#c9ced4" strokeWidth={0.6} />;
        })}
        {Array.from(view.nodes, (_, k) => {
          const i = view.index[k];
          const v = norms && i >= 0 ? norms[i] : NaN;
          const isItem = view.hop[k] % 2 === 1;
          const isForgotten = view.hop[k] === 1 && forgotten.has(view.labels[k]);
          if (k === 0) {
            return (
              <g key={k}>
                <circle cx={px(k)} cy={py(k)} r={11} fill={whole ? '#fff' : PALETTE.grey} stroke="#000" strokeWidth={2} strokeDasharray={whole ? '3 2' : undefined}>
                  <title>{`user ${result.centreUser}${whole ? ' — deleted (excluded from movement)' : ''}`}</title>
                </circle>
              </g>
            );
          }
          const r = isItem ? 5 : 6;
          return (
            <g key={k}>
              {isItem ? (
                <rect x={px(k) - r} y={py(k) - r} width={2 * r} height={2 * r} fill={viridis(v / top)} stroke={isForgotten ? PALETTE.vermillion : '#333'} strokeWidth={isForgotten ? 2.5 : 0.5}>
                  <title>{`item, hop ${view.hop[k]}: moved ${fmt(v, 4)}${isForgotten ? ' (forgotten)' : ''}`}</title>
                </rect>
              ) : (
                <circle cx={px(k)} cy={py(k)} r={r} fill={viridis(v / top)} stroke="#333" strokeWidth={0.5}>
                  <title>{`user, hop ${view.hop[k]}: moved ${fmt(v, 4)}`}</title>
                </circle>
              )}
            </g>
          );
        })}
        <g transform={`translate(0, ${legendTop})`} fontSize={font} fill="#333">
          <text x={0} y={font}>
            0
          </text>
          {Array.from({ length: 10 }, (_, k) => (
            <rect key={k} x={font * 1.2 + k * swatch} y={2} width={swatch} height={font} fill={viridis(k / 9)} />
          ))}
          <text x={font * 1.4 + 10 * swatch} y={font}>
            {topLabel}
          </text>
          <g transform={`translate(0, ${line})`}>
            <circle cx={font / 2} cy={font * 0.65} r={font * 0.4} fill="#888" />
            <text x={font * 1.3} y={font}>
              user
            </text>
            <rect x={font * 5} y={font * 0.25} width={font * 0.8} height={font * 0.8} fill="#888" />
            <text x={font * 6.2} y={font}>
              item
            </text>
            <rect x={font * 10} y={font * 0.25} width={font * 0.8} height={font * 0.8} fill="#fff" stroke={PALETTE.vermillion} strokeWidth={2.5} />
            <text x={font * 11.2} y={font}>
              forgotten item
            </text>
          </g>
          <text x={0} y={2 * line + font} fill="#444">
            nodes shown / in the graph:
          </text>
          <text x={0} y={3 * line + font} fill="#444">
            {hops.map((h) => `${h.hop}: ${h.shown} / ${h.total}`).join(' · ')}
          </text>
        </g>
      </svg>
    </Figure>
  );
}


