/** Number formatting for the charts (statistics live in src/core/unlearn/stats.ts). */
export function fmt(x: number | undefined, digits = 3): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(1);
  return x.toFixed(digits);
}

/** A ratio such as a speed-up: whole numbers from 10, one decimal from 1, two below ("0.91×"). */
export function fmtRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return `${x >= 9.95 ? x.toFixed(0) : x >= 0.995 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** A time with about three significant digits (15.6 ms, 226 ms, 9.30 s), so a ratio printed beside two
 *  times agrees with their quotient to its own two digits ("16 ms … 15×" next to 226 ms did not). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}
