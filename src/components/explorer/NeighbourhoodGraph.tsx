import { useMemo } from 'react';
import type { ExplorerResult } from '../../../workers/protocol';
import { PALETTE } from '../../palette';
import { viridis } from '../../viz/color';
import { fmt } from '../../viz/stats';
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

  return (
    <Figure
      id="neighbourhood"
      title="Spillover through the graph"
      look="Colour = how far each node moved. The deletion reaches beyond the user: their items (hop 1), users who share them (hop 2), and those users' items (hop 3)."
      actions={
        <select aria-label="Colour nodes by" value={series} onChange={(e) => onSeries(e.target.value)}>
          {options.map((o) => (
            <option key={o.name} value={o.name}>
              {o.label}
            </option>
          ))}
        </select>
      }
    >
      <svg viewBox={`0 0 ${SIZE + 150} ${SIZE}`} role="img" aria-label="Neighbourhood graph coloured by movement">
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
        <g transform={`translate(${SIZE + 20}, 40)`}>
          <text fontSize={11} fill="#333">
            movement
          </text>
          {Array.from({ length: 10 }, (_, s) => (
            <rect key={s} x={0} y={10 + (9 - s) * 16} width={16} height={16} fill={viridis(s / 9)} />
          ))}
          <text x={22} y={22} fontSize={11}>
            ≥ {fmt(top, 3)}
          </text>
          <text x={22} y={170} fontSize={11}>
            0
          </text>
          <circle cx={8} cy={200} r={6} fill="#888" />
          <text x={22} y={204} fontSize={11}>
            user
          </text>
          <rect x={2} y={214} width={12} height={12} fill="#888" />
          <text x={22} y={224} fontSize={11}>
            item
          </text>
          <rect x={2} y={234} width={12} height={12} fill="#fff" stroke={PALETTE.vermillion} strokeWidth={2.5} />
          <text x={22} y={244} fontSize={11}>
            forgotten
          </text>
          <text y={266} fontSize={10} fill="#555">
            shown / in the graph
          </text>
          {view.totals.map((t, h) => (
            <text key={h} y={280 + 13 * h} fontSize={10} fill="#555">
              {`hop ${h + 1}: ${countHop(view.hop, h + 1)} / ${t}`}
            </text>
          ))}
        </g>
      </svg>
    </Figure>
  );
}

function countHop(hop: Int8Array, h: number): number {
  let c = 0;
  for (let k = 0; k < hop.length; k++) if (hop[k] === h) c++;
  return c;
}

