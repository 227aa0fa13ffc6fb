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
  yDigits?: number;
  height?: number;
  label: string;
}

const W = 420;
const PAD = { left: 48, right: 10, top: 8, bottom: 36 };

function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

export function LiveChart({ series, length, yDomain, yDigits = 3, height = 210, label }: Props) {
  const finite = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  let [lo, hi] = yDomain ?? [Math.min(...finite), Math.max(...finite)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const n = Math.max(2, length);
  const x = (i: number) => PAD.left + ((i - 1) / (n - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (height - PAD.top - PAD.bottom);
  const xTicks = niceTicks(1, n, 6).filter((t) => Number.isInteger(t));
  return (
    <svg viewBox={`0 0 ${W} ${height}`} className="live-chart" role="img" aria-label={label}>
      {niceTicks(lo, hi, 4).map((t) => (
        <g key={`y${t}`}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#e3e6ea" />
          <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" fontSize={11} fill="#555">
            {t.toFixed(yDigits)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={`x${t}`} x={x(t)} y={height - 20} textAnchor="middle" fontSize={11} fill="#555">
          {t}
        </text>
      ))}
      <text x={(PAD.left + W - PAD.right) / 2} y={height - 3} textAnchor="middle" fontSize={10} fill="#777">
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
