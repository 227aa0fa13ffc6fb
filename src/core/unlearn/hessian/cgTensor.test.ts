import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { solveHvp } from './cg';
import { solveHvpTensor } from './cgTensor';
import { makeRng } from '../../rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A seeded symmetric matrix A = QᵀQ + shift·I (indefinite when shift < 0). */
function matrix(n: number, shift: number, seed: number): number[][] {
  const rng = makeRng(seed);
  const Q = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => Q.reduce((s, row) => s + row[i] * row[j], 0) / n + (i === j ? shift : 0)),
  );
}

async function both(A: number[][], b: number[], opts: { damping: number; maxIter: number; tol: number; raiseDampingOnNegativeStart?: boolean; checkEvery?: number }) {
  const host = await solveHvp((v) => Float32Array.from(A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0))), Float32Array.from(b), opts);
  const At = tf.tensor2d(A);
  const before = tf.memory().numTensors;
  const bt = tf.tensor2d(b, [b.length, 1]);
  const dev = await solveHvpTensor((v) => tf.matMul(At, v), bt, opts);
  const x = Array.from(await dev.x.data());
  const [iters, residual, negative, damping] = Array.from(await dev.stats.data());
  tf.dispose([bt, dev.x, dev.stats]);
  expect(tf.memory().numTensors).toBe(before);
  At.dispose();
  return { host, x, iters, residual, negative: negative > 0, damping, hvps: dev.hvps };
}

describe('solveHvpTensor (no readback inside the loop)', () => {
  it('follows the host CG iterate by iterate on an SPD system', async () => {
    const A = matrix(12, 0.1, 1);
    const b = Array.from({ length: 12 }, (_, k) => Math.sin(k + 1));
    for (const maxIter of [1, 2, 5]) {
      const r = await both(A, b, { damping: 0.05, maxIter, tol: 0 });
      for (let k = 0; k < 12; k++) expect(r.x[k]).toBeCloseTo(r.host.x[k], 4);
      expect(r.iters).toBe(r.host.iters);
      expect(r.residual).toBeCloseTo(r.host.residual, 4);
      expect(r.negative).toBe(false);
    }
  });

  it('freezes once converged (extra iterations change nothing)', async () => {
    const A = matrix(4, 1, 2);
    const b = [1, -2, 0.5, 3];
    const r = await both(A, b, { damping: 0, maxIter: 12, tol: 1e-4 });
    expect(r.iters).toBe(r.host.iters);
    expect(r.iters).toBeLessThanOrEqual(5);
    for (let k = 0; k < 4; k++) expect(r.x[k]).toBeCloseTo(r.host.x[k], 4);
  });

  it('checkEvery stops a converged solve at the next check, with the same answer', async () => {
    const A = matrix(4, 1, 2);
    const b = [1, -2, 0.5, 3];
    const free = await both(A, b, { damping: 0, maxIter: 12, tol: 1e-4 });
    const checked = await both(A, b, { damping: 0, maxIter: 12, tol: 1e-4, checkEvery: 2 });
    expect(free.hvps).toBe(12);
    // Converged after free.iters steps: the first check at or after that stops it.
    expect(checked.hvps).toBe(Math.ceil(free.iters / 2) * 2);
    expect(checked.hvps).toBeLessThan(12);
    expect(checked.iters).toBe(free.iters);
    expect(checked.x).toEqual(free.x);
    // Not converged by the cap: every product runs.
    const open = await both(A, b, { damping: 0, maxIter: 2, tol: 1e-12, checkEvery: 1 });
    expect(open.hvps).toBe(2);
  });

  it('raises μ on a negative first curvature and stops on a later one, as the host solver does', async () => {
    const neg = [[-1, 0], [0, -1]];
    const raised = await both(neg, [1, 1], { damping: 0.1, maxIter: 5, tol: 1e-9, raiseDampingOnNegativeStart: true });
    expect(raised.damping).toBeCloseTo(raised.host.damping, 5);
    for (let k = 0; k < 2; k++) expect(raised.x[k]).toBeCloseTo(raised.host.x[k], 5);
    const stopped = await both(neg, [1, 1], { damping: 0.1, maxIter: 5, tol: 0 });
    expect(stopped.negative).toBe(true);
    expect(stopped.host.negativeCurvature).toBe(true);
    expect(stopped.x).toEqual([0, 0]);
    // Indefinite: positive along b, negative along a later direction.
    const A = matrix(8, -0.6, 3);
    const b = Array.from({ length: 8 }, (_, k) => (k === 0 ? 3 : 0.1 * k));
    const mixed = await both(A, b, { damping: 0, maxIter: 8, tol: 0 });
    expect(mixed.negative).toBe(mixed.host.negativeCurvature);
    expect(mixed.iters).toBe(mixed.host.iters);
    for (let k = 0; k < 8; k++) expect(mixed.x[k]).toBeCloseTo(mixed.host.x[k], 3);
  });
});
