import { describe, expect, it } from 'vitest';
import { denseAdjacency, randomGraph } from '../graph';
import { makeRng } from '../rng';
import { gatherRowsCpu, propagateMeanCpu, propagateMeanJs, scatterAddRowsCpu, scatterRowsCpu, spmmCpu, spmmJs } from './kernel';
import { kernelPool } from './threads';


function denseMatmul(a: Float64Array, n: number, x: Float32Array, d: number): Float64Array {
  const y = new Float64Array(n * d);
  for (let r = 0; r < n; r++)
    for (let k = 0; k < n; k++) {
      const v = a[r * n + k];
      if (v !== 0) for (let c = 0; c < d; c++) y[r * d + c] += v * x[k * d + c];
    }
  return y;
}

describe('spmmCpu', () => {
  for (const d of [1, 8, 13, 64]) {
    it(`equals dense Â·X (d = ${d})`, () => {
      const g = randomGraph(7, 11, 30, d);
      const rng = makeRng(99);
      const x = Float32Array.from({ length: g.n * d }, () => rng.normal());
      const want = denseMatmul(denseAdjacency(g), g.n, x, d);
      const got = spmmCpu(g, x, d);
      for (let k = 0; k < want.length; k++) expect(got[k]).toBeCloseTo(want[k], 5);
    });
  }

  it('writes into a given output buffer and overwrites old contents', () => {
    const g = randomGraph(3, 4, 6, 1);
    const x = Float32Array.from({ length: g.n * 8 }, (_, k) => k % 5);
    const out = new Float32Array(g.n * 8).fill(123);
    expect(spmmCpu(g, x, 8, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(spmmCpu(g, x, 8)));
  });
});

describe('propagateMeanCpu', () => {
  it('equals (X + ÂX + Â²X + Â³X)/4 computed densely', () => {
    const g = randomGraph(5, 6, 14, 3);
    const d = 9;
    const rng = makeRng(5);
    const x = Float32Array.from({ length: g.n * d }, () => rng.normal());
    const a = denseAdjacency(g);
    let cur: Float64Array = Float64Array.from(x);
    const acc = Float64Array.from(x);
    for (let k = 0; k < 3; k++) {
      cur = denseMatmul(a, g.n, Float32Array.from(cur), d);
      for (let j = 0; j < acc.length; j++) acc[j] += cur[j];
    }
    const got = propagateMeanCpu(g, x, d, 3);
    for (let j = 0; j < acc.length; j++) expect(got[j]).toBeCloseTo(acc[j] / 4, 5);
    expect(Array.from(propagateMeanCpu(g, x, d, 0))).toEqual(Array.from(x));
  });
});

describe('gatherRowsCpu / scatterAddRowsCpu', () => {
  it('gather picks rows; scatter is its adjoint (<G x, y> = <x, Gᵀ y>)', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3 rows × 2
    const idx = Int32Array.from([2, 0, 2]);
    expect(Array.from(gatherRowsCpu(x, 2, idx))).toEqual([5, 6, 1, 2, 5, 6]);
    const y = Float32Array.from([1, -1, 2, 0.5, 3, 3]);
    expect(Array.from(scatterAddRowsCpu(y, 2, idx, 3))).toEqual([2, 0.5, 0, 0, 4, 2]);
    const gx = gatherRowsCpu(x, 2, idx);
    const sy = scatterAddRowsCpu(y, 2, idx, 3);
    let lhs = 0;
    let rhs = 0;
    for (let k = 0; k < 6; k++) {
      lhs += gx[k] * y[k];
      rhs += x[k] * sy[k];
    }
    expect(lhs).toBeCloseTo(rhs, 6);
    expect(() => gatherRowsCpu(x, 2, Int32Array.from([3]))).toThrow();
  });

  it('runs of consecutive rows (block copies) give the row-by-row answer; scatterRows lays out distinct rows', () => {
    const n = 9, d = 3;
    const x = Float32Array.from({ length: n * d }, (_, k) => k + 1);
    const idx = Int32Array.of(0, 1, 2, 5, 7, 8, 4);
    const rowByRow = Array.from(idx).flatMap((r) => Array.from(x.subarray(r * d, r * d + d)));
    expect(Array.from(gatherRowsCpu(x, d, idx))).toEqual(rowByRow);
    const compact = Float32Array.from(rowByRow);
    const laid = scatterRowsCpu(compact, d, idx, n, new Float32Array(n * d).fill(7)); // old contents cleared
    expect(Array.from(laid)).toEqual(Array.from(scatterAddRowsCpu(compact, d, idx, n)));
    expect(Array.from(gatherRowsCpu(laid, d, idx))).toEqual(rowByRow);
    // A run that ends past the last row is refused, naming that row.
    expect(() => gatherRowsCpu(x, d, Int32Array.of(7, 8, 9))).toThrow(/index 9 /);
    expect(() => scatterRowsCpu(compact.subarray(0, 6), d, Int32Array.of(8, 9), n)).toThrow(/index 9 /);
  });
});

describe('WebAssembly SIMD kernels (the pool, one thread)', () => {
  it('are available in Node and agree with the plain-JS kernels', () => {
    expect(kernelPool()).not.toBeNull();
    for (const d of [16, 64]) {
      const g = randomGraph(40, 70, 600, d);
      const rng = makeRng(d + 1);
      const x = Float32Array.from({ length: g.n * d }, () => rng.normal());
      const js = spmmJs(g, x, d);
      const w = spmmCpu(g, x, d);
      for (let k = 0; k < js.length; k++) expect(Math.abs(w[k] - js[k])).toBeLessThan(1e-5 * (1 + Math.abs(js[k])));
      const pj = propagateMeanJs(g, x, d, 3);
      const pw = propagateMeanCpu(g, x, d, 3);
      for (let k = 0; k < pj.length; k++) expect(Math.abs(pw[k] - pj[k])).toBeLessThan(1e-5 * (1 + Math.abs(pj[k])));
      expect(Array.from(propagateMeanCpu(g, x, d, 0))).toEqual(Array.from(x));
    }
  });

  it('grow the memory for a larger graph, stay correct after a smaller one, and free what they took', () => {
    const pool = kernelPool()!;
    const small = randomGraph(3, 4, 6, 1);
    const big = randomGraph(3000, 4000, 60000, 2);
    for (const g of [small, big, small]) {
      const before = pool.allocatedBytes;
      const x = Float32Array.from({ length: g.n * 16 }, (_, k) => (k % 7) - 3);
      const js = propagateMeanJs(g, x, 16, 2);
      const w = propagateMeanCpu(g, x, 16, 2);
      let err = 0;
      for (let k = 0; k < js.length; k++) err = Math.max(err, Math.abs(w[k] - js[k]));
      expect(err).toBeLessThan(1e-4);
      // Only the graph stays resident (its CSR arrays); the vectors were returned.
      expect(pool.allocatedBytes - before).toBeLessThanOrEqual(g.indptr.byteLength + g.indices.byteLength + g.values.byteLength + 3 * 64);
    }
    expect(() => spmmCpu(small, new Float32Array(small.n * 16 + 1), 16)).toThrow(/expected/);
  });
});
