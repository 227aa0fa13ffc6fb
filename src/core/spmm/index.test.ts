import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomGraph } from '../graph';
import { makeRng } from '../rng';
import {
  gatherRows,
  graphTensors,
  propagateMean,
  propagateMeanCpu,
  registerSpmmKernels,
  rowDot,
  scatterAddRows,
  spmm,
  spmmCpu,
  type GraphTensors,
} from './index';


function randn(n: number, seed: number, scale = 1): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

describe.each(['cpu', 'wasm'])('spmm ops on %s', (backend) => {
  const g = randomGraph(6, 9, 28, 7);
  const d = 5;
  let gt: GraphTensors;
  let start = 0;

  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
    registerSpmmKernels();
    registerSpmmKernels(); // idempotent
    start = tf.memory().numTensors;
    gt = graphTensors(g);
  });
  afterAll(() => {
    gt.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('spmm and propagateMean match the typed-array kernels', () => {
    const xs = randn(g.n * d, 1);
    const x = tf.tensor2d(xs, [g.n, d]);
    const y = spmm(gt, x);
    const p = propagateMean(gt, x, 3);
    const want = spmmCpu(g, xs, d);
    const wantP = propagateMeanCpu(g, xs, d, 3);
    const got = y.dataSync();
    const gotP = p.dataSync();
    for (let k = 0; k < want.length; k++) {
      expect(got[k]).toBeCloseTo(want[k], 5);
      expect(gotP[k]).toBeCloseTo(wantP[k], 5);
    }
    tf.dispose([x, y, p]);
  });

  it('gatherRows / scatterAddRows', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const idx = tf.tensor1d([2, 0, 2], 'int32');
    const gth = gatherRows(x, idx);
    expect(Array.from(gth.dataSync())).toEqual([5, 6, 1, 2, 5, 6]);
    const sc = scatterAddRows(gth, idx, 4);
    expect(Array.from(sc.dataSync())).toEqual([1, 2, 0, 0, 10, 12, 0, 0]);
    tf.dispose([x, idx, gth, sc]);
  });

  it('rowDot: row-wise dot products, and its gradient (and second derivative) match tf.sum(tf.mul)', () => {
    const [rows, d] = [7, 5];
    const a = tf.tensor2d(randn(rows * d, 11), [rows, d]);
    const c = tf.tensor2d(randn(rows * d, 12), [rows, d]);
    const w = tf.tensor1d(randn(rows, 13));
    const ours = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.softplus(rowDot(x as tf.Tensor2D, y as tf.Tensor2D)), w)) as tf.Scalar;
    const theirs = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.softplus(tf.sum(tf.mul(x, y), 1)), w)) as tf.Scalar;
    const close = (p: tf.Tensor, q: tf.Tensor) => {
      const [pv, qv] = [p.dataSync(), q.dataSync()];
      expect(pv.length).toBe(qv.length);
      for (let k = 0; k < pv.length; k++) expect(pv[k]).toBeCloseTo(qv[k], 5);
    };
    tf.tidy(() => {
      close(rowDot(a, c), tf.sum(tf.mul(a, c), 1));
      const [ga, gc] = tf.grads(ours)([a, c]);
      const [ta, tc] = tf.grads(theirs)([a, c]);
      close(ga, ta);
      close(gc, tc);
      // Hessian-vector product in a by double backward.
      const v = tf.tensor2d(randn(rows * d, 14), [rows, d]);
      const hv = (f: typeof ours) => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.grad((y: tf.Tensor) => f(y, c))(x), v)) as tf.Scalar)(a);
      close(hv(ours), hv(theirs));
    });
    tf.dispose([a, c, w]);
  });

  it('gradient of a nonlinear loss through propagate and gatherRows matches central differences', () => {
    const xs = randn(g.n * d, 2, 0.5);
    const w = tf.tensor2d(randn(g.n * d, 3), [g.n, d]);
    const idx = tf.tensor1d([0, 3, 7, 7, 12], 'int32');
    const loss = (x: tf.Tensor) =>
      tf.tidy(() => {
        const e = propagateMean(gt, spmm(gt, x as tf.Tensor2D), 2);
        const rows = gatherRows(tf.tanh(e) as tf.Tensor2D, idx);
        return tf.add(tf.sum(tf.mul(e, w)), tf.sum(tf.square(rows))) as tf.Scalar;
      });
    const x = tf.tensor2d(xs, [g.n, d]);
    const grad = tf.grad(loss)(x);
    const gv = grad.dataSync();
    const eps = 1e-2;
    for (const k of [0, 3, 17, 20, 40, 41, 74]) {
      const plus = xs.slice();
      plus[k] += eps;
      const minus = xs.slice();
      minus[k] -= eps;
      const lp = tf.tidy(() => loss(tf.tensor2d(plus, [g.n, d])).dataSync()[0]);
      const lm = tf.tidy(() => loss(tf.tensor2d(minus, [g.n, d])).dataSync()[0]);
      const fd = (lp - lm) / (2 * eps);
      expect(Math.abs(gv[k] - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
    tf.dispose([w, idx, x, grad]);
  });

  it('double backward: Hessian-vector product equals a finite difference of gradients', () => {
    const xs = randn(g.n * d, 4, 0.5);
    const vs = randn(g.n * d, 5);
    const idx = tf.tensor1d([1, 4, 9, 14], 'int32');
    const f = (x: tf.Tensor) => {
      const e = propagateMean(gt, x as tf.Tensor2D, 3);
      const rows = gatherRows(e, idx);
      // softplus, not logSigmoid: tf.logSigmoid is a customGrad op and has no second derivative.
      return tf.sum(tf.softplus(tf.sum(tf.mul(rows, tf.reverse(rows, 0)), 1))) as tf.Scalar;
    };
    const gradF = tf.grad(f);
    const v = tf.tensor2d(vs, [g.n, d]);
    const x0 = tf.tensor2d(xs, [g.n, d]);
    const hvp = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gradF(x), v)) as tf.Scalar)(x0);
    const eps = 1e-2;
    const gradAt = (s: number) =>
      tf.tidy(() => gradF(tf.tensor2d(xs.map((a, k) => a + s * eps * vs[k]), [g.n, d])).dataSync());
    const gp = gradAt(1);
    const gm = gradAt(-1);
    const h = hvp.dataSync();
    let num = 0;
    let den = 0;
    for (let k = 0; k < h.length; k++) {
      const fd = (gp[k] - gm[k]) / (2 * eps);
      num += (h[k] - fd) ** 2;
      den += fd ** 2;
    }
    expect(den).toBeGreaterThan(1e-4);
    expect(Math.sqrt(num / den)).toBeLessThan(1e-2);
    tf.dispose([idx, v, x0, hvp]);
  });
});
