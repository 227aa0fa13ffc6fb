import { describe, expect, it } from 'vitest';
import { makeRng } from './rng';

describe('makeRng', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = makeRng(7), b = makeRng(7), c = makeRng('8');
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(makeRng(5).next()).toBe(makeRng('5').next());
  });

  it('next is in [0,1) and roughly uniform', () => {
    const r = makeRng(1);
    const bins = new Array(10).fill(0);
    for (let k = 0; k < 20000; k++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]++;
    }
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('int covers exactly 0..n-1', () => {
    const r = makeRng(2);
    const seen = new Set<number>();
    for (let k = 0; k < 2000; k++) {
      const x = r.int(7);
      expect(Number.isInteger(x) && x >= 0 && x < 7).toBe(true);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
  });

  it('normal has mean 0, variance 1 and normal tails', () => {
    const r = makeRng(3);
    const n = 40000;
    let s = 0, s2 = 0, beyond2 = 0;
    for (let k = 0; k < n; k++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 1.96) beyond2++;
    }
    const mean = s / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - mean * mean - 1)).toBeLessThan(0.04);
    expect(Math.abs(beyond2 / n - 0.05)).toBeLessThan(0.006);
  });

  it('shuffle is an in-place permutation, deterministic, and uniform over positions', () => {
    const arr = Int32Array.from({ length: 50 }, (_, k) => k);
    const out = makeRng(4).shuffle(arr);
    expect(out).toBe(arr);
    expect(Array.from(arr).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(Array.from(makeRng(4).shuffle(Int32Array.from({ length: 50 }, (_, k) => k)))).toEqual(Array.from(arr));
    // Every element of a 3-array lands in every position about 1/3 of the time.
    const r = makeRng(5);
    const counts = [0, 0, 0];
    for (let t = 0; t < 6000; t++) counts[r.shuffle(['a', 'b', 'c']).indexOf('a')]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(150);
  });
});
