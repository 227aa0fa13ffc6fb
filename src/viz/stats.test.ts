import { describe, expect, it } from 'vitest';
import { fmt, fmtMs } from './stats';

describe('chart number formats', () => {
  it('fmt switches to exponent for tiny values', () => {
    expect(fmt(0.00012)).toBe('1.2e-4');
    expect(fmt(0.5, 2)).toBe('0.50');
  });
  it('fmtMs picks a readable unit', () => {
    expect(fmtMs(0.25)).toBe('0.25 ms');
    expect(fmtMs(42.4)).toBe('42 ms');
    expect(fmtMs(9300)).toBe('9.3 s');
  });
});
