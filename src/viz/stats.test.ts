import { describe, expect, it } from 'vitest';
import { fmt, fmtMs } from './stats';

describe('chart number formats', () => {
  it('fmt switches to exponent for tiny values', () => {
    expect(fmt(0.00012)).toBe('1.2e-4');
    expect(fmt(0.5, 2)).toBe('0.50');
  });
  it('fmtMs picks a readable unit', () => {
    expect(fmtMs(0.25)).toBe('0.25 ms');
    expect(fmtMs(42.4)).toBe('42.4 ms');
    expect(fmtMs(7.04)).toBe('7.04 ms');
    expect(fmtMs(226.3)).toBe('226 ms');
    expect(fmtMs(9300)).toBe('9.30 s');
    expect(fmtMs(18700)).toBe('18.7 s');
  });
  it('prints times precisely enough that a speed-up beside them is their quotient', () => {
    // Retrain 226 ms against 15.6 ms: 14.5×. Printed "16 ms", the quotient read 14 beside a "15×".
    const shown = (ms: number) => Number(fmtMs(ms).replace(/ ms$/, ''));
    for (const [a, b] of [[226.3, 15.6], [221.4, 56.19], [18700, 153.4], [900, 7.04]]) {
      const q = (a < 1000 ? shown(a) : a) / shown(b);
      expect(Math.abs(q / (a / b) - 1)).toBeLessThan(0.01);
    }
  });
});
