import { describe, expect, it } from 'vitest';
import { fitPca2, projectPca2 } from './pca';
import { makeRng } from './rng';

describe('fitPca2', () => {
  it('recovers the dominant directions of anisotropic data', () => {
    const rng = makeRng(7);
    const dim = 5;
    const n = 2000;
    // Variance 9 along e2, 4 along e4, 0.25 elsewhere; mean (1, 2, 3, 4, 5).
    const X = new Float32Array(n * dim);
    const sd = [0.5, 0.5, 3, 0.5, 2];
    for (let k = 0; k < n; k++) for (let j = 0; j < dim; j++) X[k * dim + j] = j + 1 + sd[j] * rng.normal();
    const p = fitPca2(X, dim);
    expect(Math.abs(p.axes[2])).toBeGreaterThan(0.99);
    expect(Math.abs(p.axes[dim + 4])).toBeGreaterThan(0.99);
    expect(p.variance[0]).toBeGreaterThan(8);
    expect(p.variance[0]).toBeLessThan(10);
    expect(p.variance[1]).toBeGreaterThan(3.5);
    expect(p.variance[1]).toBeLessThan(4.5);
    expect(p.mean[3]).toBeCloseTo(4, 0);
    // Total variance 9 + 4 + 3 × 0.25: the two axes explain ≈ 13 / 13.75 of it, not all of it.
    expect(p.totalVariance).toBeGreaterThan(12.5);
    expect(p.totalVariance).toBeLessThan(15);
    expect((p.variance[0] + p.variance[1]) / p.totalVariance).toBeGreaterThan(0.9);
    expect((p.variance[0] + p.variance[1]) / p.totalVariance).toBeLessThan(0.97);
    // Axes are orthonormal.
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += p.axes[j] * p.axes[dim + j];
    expect(Math.abs(dot)).toBeLessThan(1e-4);
  });

  it('projects the mean to the origin and uses only the chosen rows', () => {
    const dim = 3;
    const X = new Float32Array([0, 0, 0, 2, 0, 0, 4, 1, 0, 100, 100, 100]);
    const p = fitPca2(X, dim, [0, 1, 2]);
    expect(p.mean[0]).toBeCloseTo(2, 5);
    const proj = projectPca2(p, new Float32Array([2, 1 / 3, 0]), [0]);
    expect(Math.abs(proj[0])).toBeLessThan(1e-5);
    expect(Math.abs(proj[1])).toBeLessThan(1e-5);
  });
});
