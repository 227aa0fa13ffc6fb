import { describe, expect, it } from 'vitest';
import { makeRng } from '../../rng';
import { lbfgs } from './lbfgs';
import { matVec, solveDense } from '../tiny.fixture';

const rosenbrock = (x: Float64Array) => {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) {
    const a = x[k + 1] - x[k] * x[k];
    const b = 1 - x[k];
    value += 100 * a * a + b * b;
    grad[k] += -400 * x[k] * a - 2 * b;
    grad[k + 1] += 200 * a;
  }
  return { value, grad };
};

describe('L-BFGS', () => {
  it('finds the Rosenbrock minimum (1, …, 1) from the classic start', async () => {
    const x0 = Float64Array.from({ length: 6 }, (_, k) => (k % 2 === 0 ? -1.2 : 1));
    const r = await lbfgs(rosenbrock, x0, { memory: 10, maxIter: 500, gradTol: 1e-9 });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 6);
    expect(r.curve[r.curve.length - 1]).toBe(r.gradNorm);
  });

  it('solves an ill-conditioned quadratic to its exact optimum A⁻¹b, far faster than gradient descent', async () => {
    const p = 40;
    const rng = makeRng('lbfgs-quadratic');
    // A = Q diag(λ) Q with a Householder reflection Q and eigenvalues 1 … 1e-3 (condition 1e3).
    const w = Float64Array.from({ length: p }, () => rng.normal());
    const ww = w.reduce((s, v) => s + v * v, 0);
    const Q = Float64Array.from({ length: p * p }, (_, k) => (Math.floor(k / p) === k % p ? 1 : 0) - (2 * w[Math.floor(k / p)] * w[k % p]) / ww);
    const A = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
      let s = 0;
      for (let c = 0; c < p; c++) s += Q[a * p + c] * 10 ** ((-3 * c) / (p - 1)) * Q[b * p + c];
      A[a * p + b] = s;
    }
    const b = Float64Array.from({ length: p }, () => rng.normal());
    const f = (x: Float64Array) => {
      const Ax = matVec(A, x);
      let value = 0;
      for (let k = 0; k < p; k++) value += 0.5 * x[k] * Ax[k] - b[k] * x[k];
      return { value, grad: Ax.map((v, k) => v - b[k]) };
    };
    const want = solveDense(A, b);
    const r = await lbfgs(f, new Float64Array(p), { memory: 10, maxIter: 2000, gradTol: 1e-10 });
    expect(r.converged).toBe(true);
    // Gradient descent with the best fixed step needs ~ condition × ln(‖g₀‖ / tol) ≈ 25,000 steps here.
    expect(r.iterations).toBeLessThan(500);
    const err = Math.hypot(...r.x.map((v, k) => v - want[k])) / Math.hypot(...want);
    expect(err).toBeLessThan(1e-6);
  });

  it('stops at the iteration cap, reports it, and is cancellable', async () => {
    const r = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { memory: 5, maxIter: 3, gradTol: 1e-12 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(r.curve).toHaveLength(4);
    await expect(lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { memory: 5, maxIter: 3, gradTol: 0, token: { cancelled: true } })).rejects.toThrow(/cancel/);
  });
});
