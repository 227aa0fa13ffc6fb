import { describe, expect, it } from 'vitest';
import { makeRng } from '../rng';
import { tripleKernels } from './triples';

describe('triple kernels (WebAssembly SIMD)', () => {
  it('dotDiff and scatter equal their definitions, with repeated and shared rows, for d = 4 and 64', () => {
    const k = tripleKernels();
    expect(k).not.toBeNull();
    for (const d of [4, 64]) {
      const rng = makeRng(`triples:${d}`);
      const rows = 9, m = 40;
      const pX = k!.alloc(rows * d), pG = k!.alloc(rows * d);
      const idx = [0, 1, 2, 3, 4, 5].map(() => k!.alloc(m));
      const pOut = k!.alloc(m), pCoef = k!.alloc(m);
      const X = k!.f32(pX, rows * d);
      for (let c = 0; c < X.length; c++) X[c] = rng.normal();
      // Rows drawn with repeats; the last row is a shared "dummy" written by several roles at once.
      const pick = Array.from({ length: 6 }, () => Int32Array.from({ length: m }, () => rng.int(rows)));
      pick.forEach((p, a) => k!.i32(idx[a], m).set(Array.from(p, (r) => (a < 3 ? pG : pX) + r * d * 4)));
      const coef = Float64Array.from({ length: m }, () => rng.normal());
      k!.f32(pCoef, m).set(coef);
      const [gu, gi, gj, xu, xi, xj] = pick;
      k!.dotDiff(idx[3], idx[4], idx[5], m, d, pOut);
      const dots = k!.f32(pOut, m);
      for (let z = 0; z < m; z++) {
        let want = 0;
        for (let c = 0; c < d; c++) want += X[xu[z] * d + c] * (X[xi[z] * d + c] - X[xj[z] * d + c]);
        expect(Math.abs(dots[z] - want)).toBeLessThan(1e-5 * (1 + Math.abs(want)) * Math.sqrt(d));
      }
      k!.scatter([idx[0], idx[1], idx[2]], [idx[3], idx[4], idx[5]], pCoef, m, d);
      const want = new Float64Array(rows * d);
      for (let z = 0; z < m; z++) {
        const cz = Math.fround(coef[z]);
        for (let c = 0; c < d; c++) {
          want[gu[z] * d + c] += cz * (X[xi[z] * d + c] - X[xj[z] * d + c]);
          want[gi[z] * d + c] += cz * X[xu[z] * d + c];
          want[gj[z] * d + c] -= cz * X[xu[z] * d + c];
        }
      }
      const G = k!.f32(pG, rows * d);
      for (let c = 0; c < G.length; c++) expect(Math.abs(G[c] - want[c])).toBeLessThan(1e-4 * (1 + Math.abs(want[c])));
      expect(() => k!.dotDiff(idx[3], idx[4], idx[5], m, 6, pOut)).toThrow();
      k!.reset();
      expect(Array.from(k!.f32(k!.alloc(8), 8))).toEqual(new Array(8).fill(0)); // reused memory comes back zeroed
    }
  });

  it('rowAddresses: base + idx · rowBytes for every m (lanes of 4 and a tail), also in place', () => {
    const k = tripleKernels()!;
    for (const m of [1, 3, 4, 7, 1001]) {
      k.reset();
      const src = k.alloc(m), dst = k.alloc(m), after = k.alloc(4);
      const idx = Int32Array.from({ length: m }, (_, z) => (z * 37) % 2625);
      k.i32(src, m).set(idx);
      k.i32(after, 4).fill(-1);
      k.rowAddresses(src, dst, m, 4096, 256);
      expect(Array.from(k.i32(dst, m))).toEqual(Array.from(idx, (i) => 4096 + i * 256));
      expect(Array.from(k.i32(after, 4))).toEqual([-1, -1, -1, -1]); // the tail lane stays in its padding
      k.rowAddresses(src, src, m, 16, 4);
      expect(Array.from(k.i32(src, m))).toEqual(Array.from(idx, (i) => 16 + i * 4));
    }
  });

  it('gives each instance its own memory', () => {
    const a = tripleKernels()!, b = tripleKernels()!;
    const pa = a.alloc(4), pb = b.alloc(4);
    a.f32(pa, 4).fill(7);
    expect(Array.from(b.f32(pb, 4))).toEqual([0, 0, 0, 0]);
  });
});
