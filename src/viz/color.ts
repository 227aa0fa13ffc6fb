/** Viridis, sampled: a sequential scale that stays readable for colour-blind viewers and in greyscale. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

export function viridis(t: number): string {
  if (!Number.isFinite(t)) return '#bbbbbb';
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(VIRIDIS[i]);
  const b = hex(VIRIDIS[i + 1]);
  const mix = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
}

function hex(h: string): number[] {
  return [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16));
}

export const VIRIDIS_STOPS = VIRIDIS;

/**
 * A logarithmic colour scale for movements that span decades (the spillover picture: hop 1 moves
 * ≈ 0.1, hop 3 ≈ 0.004 — on a linear scale everything past hop 1 is as dark as no movement). `hi` is
 * the 95th percentile of `top`, the values that should reach the bright end (there: hop 1's; a few
 * outliers saturate instead of darkening the rest), and the scale spans `decades` below it; values at
 * or below `lo`, 0 included, take the darkest colour.
 * `ticks`: 1× and 3× each power of ten between them.
 */
export interface LogScale {
  lo: number;
  hi: number;
  /** Position 0..1 on the scale. */
  at(v: number): number;
  colour(v: number): string;
  ticks: number[];
}

export function logScale(top: ArrayLike<number>, decades = 2): LogScale {
  const positive = Array.from(top).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  const hi = positive.length ? positive[Math.floor(0.95 * (positive.length - 1))] : 1;
  const lo = hi / 10 ** decades;
  const at = (v: number) => (Number.isFinite(v) ? (v <= lo ? 0 : v >= hi ? 1 : Math.log(v / lo) / Math.log(hi / lo)) : NaN);
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 3]) {
      const t = Number((m * 10 ** e).toPrecision(6));
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(t);
    }
  }
  return { lo, hi, at, colour: (v) => viridis(at(v)), ticks };
}
