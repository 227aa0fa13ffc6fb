import { describe, expect, it } from 'vitest';
import { etaMs, fmtEta } from './eta';

describe('eta', () => {
  it('extrapolates the rate since the phase was first seen', () => {
    // 30% done in 3 s from 0: 7 s left; seen first at 10%: 20% in 3 s, 70% left → 10.5 s.
    expect(etaMs({ t0: 1000, f0: 0 }, 4000, 0.3)).toBeCloseTo(7000, 9);
    expect(etaMs({ t0: 1000, f0: 0.1 }, 4000, 0.3)).toBeCloseTo(10500, 9);
  });
  it('says nothing before there is progress to go on, or once done', () => {
    expect(etaMs({ t0: 0, f0: 0 }, 5000, 0.01)).toBeNull();
    expect(etaMs({ t0: 0, f0: 0 }, 100, 0.5)).toBeNull();
    expect(etaMs({ t0: 0, f0: 0 }, 5000, 1)).toBeNull();
    expect(etaMs({ t0: 0, f0: 0 }, 5000, NaN)).toBeNull();
  });
  it('words', () => {
    expect(fmtEta(null)).toBe('estimating…');
    expect(fmtEta(400)).toBe('less than a second left');
    expect(fmtEta(12_400)).toBe('about 12 s left');
    expect(fmtEta(150_000)).toBe('about 3 min left');
  });
});
