import { niceTicks } from '../viz/ticks';

/**
 * A small SVG line chart for curves that update every epoch. The explorer's charts use recharts, but a
 * recharts re-render costs 60–260 ms of main thread in headless Chromium (measured), which would block
 * the page on every progress tick; this one costs well under a millisecond.
 */
export interface LiveSeries {
  key: string;
  label: string;
  colour: string;
  dashed?: boolean;
  values: (number | undefined)[];
}

interface Props {
  series: LiveSeries[];
  /** Number of x positions (epochs), 1-based. */
  length: number;
  yDomain?: [number, number];
  height?: number;
  label: string;
}

const W = 420;
const FONT = 13;

export function LiveChart({ series, length, yDomain, height = 210, label }: Props) {
  // A fixed size, not measured: this chart re-renders every epoch and must stay far under a frame. 13
  // units show as 12–14 px wherever the chart is at least 390 px wide (laptop and projector layouts).
  const font = FONT;
  const finite = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  let [lo, hi] = yDomain ?? [Math.min(...finite), Math.max(...finite)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const y4 = niceTicks(lo, hi, 4);
  const yLabels = y4.ticks.map((t) => t.toFixed(y4.digits));
  // Room for the longest tick label on the left, tick numbers and the axis title below.
  const PAD = { left: font * (0.6 * Math.max(...yLabels.map((l) => l.length)) + 1), right: 10, top: 8, bottom: font * 2.8 };
  const n = Math.max(2, length);
  const x = (i: number) => PAD.left + ((i - 1) / (n - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (height - PAD.top - PAD.bottom);
  const xTicks = niceTicks(1, n, 6).ticks.filter((t) => Number.isInteger(t));
  return (
    <svg viewBox={`0 0 ${W} ${height}`} className="live-chart" role="img" aria-label={label}>
      {y4.ticks.map((t, k) => (
        <g key={`y${t}`}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#e3e6ea" />
          <text x={PAD.left - 5} y={y(t) + font * 0.35} textAnchor="end" fontSize={font} fill="#555">
            {yLabels[k]}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={`x${t}`} x={x(t)} y={height - PAD.bottom + font * 1.1} textAnchor="middle" fontSize={font} fill="#555">
          {t}
        </text>
      ))}
      <text x={(PAD.left + W - PAD.right) / 2} y={height - font * 0.3} textAnchor="middle" fontSize={font} fill="#555">
        epoch
      </text>
      <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={height - PAD.bottom} stroke="#999" />
      <line x1={PAD.left} x2={W - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} stroke="#999" />
      {series.map((s) => {
        const pts = s.values.flatMap((v, i) => (v === undefined || !Number.isFinite(v) ? [] : [`${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`]));
        return (
          <g key={s.key} data-series={s.key}>
            <polyline points={pts.join(' ')} fill="none" stroke={s.colour} strokeWidth={2} strokeDasharray={s.dashed ? '5 3' : undefined} className="live-line" />
            {s.values.map((v, i) =>
              v === undefined || !Number.isFinite(v) ? null : (
                <circle key={i} cx={x(i + 1)} cy={y(v)} r={2.5} fill={s.colour}>
                  <title>{`${s.label}, epoch ${i + 1}: ${v.toFixed(4)}`}</title>
                </circle>
              ),
            )}
          </g>
        );
      })}
    </svg>
  );
}
