import { describe, expect, it } from 'vitest';
import { decimalsOf, logTicks, niceTicks } from './ticks';

describe('niceTicks', () => {
  it('labels quarter steps with two decimals, so 0.25 does not print as 0.3', () => {
    const { ticks, digits } = niceTicks(0, 1, 4);
    expect(ticks).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ticks.map((t) => t.toFixed(digits))).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
  });

  it('prints every tick of any range distinctly and exactly', () => {
    for (const [lo, hi] of [
      [0.4913, 0.6931],
      [0, 0.0042],
      [12, 987],
      [-3.2, 7.7],
      [0.5, 0.5000001],
    ]) {
      const { ticks, digits } = niceTicks(lo, hi, 4);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(t).toBeLessThanOrEqual(hi + 1e-12);
        expect(Number(t.toFixed(digits))).toBeCloseTo(t, 12);
      }
      expect(new Set(ticks.map((t) => t.toFixed(digits))).size).toBe(ticks.length);
    }
  });

  it('counts decimals', () => {
    expect([decimalsOf(0.25), decimalsOf(2.5), decimalsOf(20), decimalsOf(0.001), decimalsOf(5e-4)]).toEqual([2, 1, 0, 3, 4]);
  });
});

describe('logTicks', () => {
  it('spans the values with whole decades, ending on a decade at or beyond each end', () => {
    expect(logTicks([0.02, 0.3])).toEqual([0.01, 0.1, 1]);
    expect(logTicks([1, 10])).toEqual([1, 10]);
    expect(logTicks([4.2, 180, 2400])).toEqual([1, 10, 100, 1000, 10000]);
    expect(logTicks([0.0005])).toEqual([0.0001, 0.001]);
  });
});
