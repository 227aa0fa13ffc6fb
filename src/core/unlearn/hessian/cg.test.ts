import { describe, expect, it } from 'vitest';
import { solveHvp } from './cg';

describe('solveHvp', () => {
  // SPD 3×3 matrix; CG is exact in n steps.
  const A = [
    [4, 1, 0],
    [1, 3, 1],
    [0, 1, 2],
  ];
  const hvp = (v: Float32Array) => Float32Array.from(A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0)));

  it('solves (A + μI) x = b exactly in n iterations', async () => {
    const b = Float32Array.from([1, 2, 3]);
    const mu = 0.5;
    const r = await solveHvp(hvp, b, { damping: mu, maxIter: 10, tol: 1e-5 });
    const ax = hvp(r.x);
    for (let k = 0; k < 3; k++) expect(ax[k] + mu * r.x[k]).toBeCloseTo(b[k], 5);
    expect(r.iters).toBeLessThanOrEqual(3);
    expect(r.hvps).toBe(r.iters);
    expect(r.residual).toBeLessThan(1e-5);
    expect(r.negativeCurvature).toBe(false);
  });

  it('respects the iteration cap and reports the residual', async () => {
    const r = await solveHvp(hvp, Float32Array.from([1, 2, 3]), { damping: 0, maxIter: 1, tol: 0 });
    expect(r.iters).toBe(1);
    expect(r.residual).toBeGreaterThan(1e-3);
  });

  it('stops on negative curvature without stepping', async () => {
    const neg = (v: Float32Array) => v.map((x) => -x);
    const r = await solveHvp(neg, Float32Array.from([1, 1]), { damping: 0.1, maxIter: 5, tol: 0 });
    expect(r.negativeCurvature).toBe(true);
    expect(Array.from(r.x)).toEqual([0, 0]);
  });

  it('with raiseDampingOnNegativeStart, a negative first curvature raises μ to μ + 2|ρ| and steps', async () => {
    const neg = (v: Float32Array) => v.map((x) => -x); // ρ = −1 along any b
    const r = await solveHvp(neg, Float32Array.from([1, 1]), { damping: 0.1, maxIter: 5, tol: 1e-9, raiseDampingOnNegativeStart: true });
    expect(r.damping).toBeCloseTo(2.1, 10);
    // (H + 2.1 I) = 1.1 I: solved in one step.
    for (const x of r.x) expect(x).toBeCloseTo(1 / 1.1, 6);
    expect(r.negativeCurvature).toBe(false);
    expect(r.iters).toBe(1);
    // Positive curvature along b: μ is left alone even if H is indefinite.
    const indefinite = (v: Float32Array) => Float32Array.from([2 * v[0], -v[1]]);
    const s = await solveHvp(indefinite, Float32Array.from([1, 1]), { damping: 0.1, maxIter: 1, tol: 0, raiseDampingOnNegativeStart: true });
    expect(s.damping).toBe(0.1);
    expect(s.x[0]).toBeCloseTo(2 / 1.2, 5); // α = bᵀb / bᵀ(H + μI)b = 2 / 1.2
  });

  it('is cancellable', async () => {
    await expect(
      solveHvp(hvp, Float32Array.from([1, 2, 3]), { damping: 0, maxIter: 5, tol: 0, token: { cancelled: true } }),
    ).rejects.toThrow('cancelled');
  });
});
