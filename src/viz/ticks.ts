/** Axis ticks at "nice" steps (1, 2, 2.5, 5 × 10ⁿ) and the decimals that print every one of them exactly. */
export function niceTicks(lo: number, hi: number, count: number): { ticks: number[]; digits: number } {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-12)) ?? raw;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { ticks, digits: decimalsOf(step) };
}

/** The fewest decimals that write x exactly (up to 10): 0.25 → 2, 2.5 → 1, 20 → 0. */
export function decimalsOf(x: number): number {
  for (let d = 0; d < 10; d++) {
    const scaled = x * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 10;
}

/** Powers of ten from the one at or below the least value to the one at or above the greatest (a log axis' ticks). */
export function logTicks(values: number[]): number[] {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return Array.from({ length: hi - lo + 1 }, (_, k) => Number((10 ** (lo + k)).toPrecision(6)));
}
