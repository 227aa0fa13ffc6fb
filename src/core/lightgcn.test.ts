import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph';
import { bprDataGradCpu, bprLoss, bprRegGradCpu, hasItem, initEmbeddings, propagate, propagateCpu, sampleNegatives, userItems } from './lightgcn';
import { makeRng } from './rng';
import { graphTensors, propagateMeanCpu } from './spmm';

describe('initEmbeddings', () => {
  it('is seeded and has the requested spread', () => {
    const a = initEmbeddings(200, 16, 0.1, 3);
    expect(Array.from(a)).toEqual(Array.from(initEmbeddings(200, 16, 0.1, 3)));
    expect(Array.from(a)).not.toEqual(Array.from(initEmbeddings(200, 16, 0.1, 4)));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeGreaterThan(0.09);
    expect(std).toBeLessThan(0.11);
  });
});

describe('bprLoss', () => {
  it('equals the hand-computed value', async () => {
    await tf.setBackend('cpu');
    // 1 user, 2 items, dim 2. E: u = (1, 2), i0 = (3, 0), i1 = (0, 1). E0 = 2·E.
    const E = tf.tensor2d([1, 2, 3, 0, 0, 1], [3, 2]);
    const E0 = tf.mul(E, 2) as tf.Tensor2D;
    const users = tf.tensor1d([0, 0], 'int32');
    const pos = tf.tensor1d([0, 1], 'int32');
    const neg = tf.tensor1d([1, 0], 'int32');
    // x = s(u,p) − s(u,n): batch 0: 3 − 2 = 1; batch 1: 2 − 3 = −1.
    const data = (Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(1))) / 2;
    // ‖E0 rows‖²: u 20, i0 36, i1 4 → per batch 20 + 36 + 4 = 60, twice → 120; reg/2·120/2.
    const reg = 0.1;
    const want = data + (reg / 2) * (120 / 2);
    const loss = bprLoss(E, E0, 1, users, pos, neg, reg);
    expect(loss.dataSync()[0]).toBeCloseTo(want, 5);
    tf.dispose([E, E0, users, pos, neg, loss]);
  });

  it('gradient through propagate matches central differences (cpu and wasm)', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      const rng = makeRng(11);
      const m = 25;
      const edges = { u: Int32Array.from({ length: m }, () => rng.int(5)), i: Int32Array.from({ length: m }, () => rng.int(7)) };
      const g = buildGraph(5, 7, edges);
      const gt = graphTensors(g);
      const d = 4;
      const xs = initEmbeddings(g.n, d, 0.5, 2);
      const users = tf.tensor1d([0, 1, 4, 2], 'int32');
      const pos = tf.tensor1d([0, 3, 6, 2], 'int32');
      const neg = tf.tensor1d([5, 1, 1, 4], 'int32');
      const f = (x: tf.Tensor) => bprLoss(propagate(gt, x as tf.Tensor2D, 3), x as tf.Tensor2D, 5, users, pos, neg, 0.3);
      const x = tf.tensor2d(xs, [g.n, d]);
      const grad = tf.grad(f)(x);
      const gv = grad.dataSync();
      const eps = 1e-2;
      for (const k of [0, 5, 13, 22, 30, 47]) {
        const at = (s: number) => tf.tidy(() => f(tf.tensor2d(xs.map((v, j) => (j === k ? v + s * eps : v)), [g.n, d])).dataSync()[0]);
        const fd = (at(1) - at(-1)) / (2 * eps);
        expect(Math.abs(gv[k] - fd)).toBeLessThan(1e-3 + 2e-2 * Math.abs(fd));
      }
      tf.dispose([users, pos, neg, x, grad]);
      gt.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it('propagate (tfjs) equals propagateCpu', async () => {
    await tf.setBackend('cpu');
    const g = buildGraph(3, 4, { u: Int32Array.from([0, 1, 2, 2]), i: Int32Array.from([0, 1, 2, 3]) });
    const gt = graphTensors(g);
    const xs = initEmbeddings(g.n, 3, 1, 9);
    const e = tf.tidy(() => propagate(gt, tf.tensor2d(xs, [g.n, 3]), 2).dataSync());
    const want = propagateCpu(g, xs, 3, 2);
    for (let k = 0; k < want.length; k++) expect(e[k]).toBeCloseTo(want[k], 6);
    gt.dispose();
  });
});

describe('sampleNegatives', () => {
  it('never returns a positive of the interaction\'s user, and is seeded', () => {
    const rng = makeRng(1);
    const m = 200; // ~20 of 30 items per user: most draws hit a positive and must be redrawn
    const edges = { u: Int32Array.from({ length: m }, () => rng.int(10)), i: Int32Array.from({ length: m }, () => rng.int(30)) };
    const pos = userItems(10, edges);
    const a = sampleNegatives(edges, 30, makeRng(5), 2);
    const b = sampleNegatives(edges, 30, makeRng(5), 2, pos);
    expect(a.length).toBe(2 * m);
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let k = 0; k < m; k++) {
      for (let c = 0; c < 2; c++) {
        const j = a[k * 2 + c];
        expect(j).toBeGreaterThanOrEqual(0);
        expect(j).toBeLessThan(30);
        expect(hasItem(pos, edges.u[k], j)).toBe(false);
      }
    }
  });
});

describe('userItems / hasItem', () => {
  it('answers membership the same from the bit rows and from the sorted lists', () => {
    const rng = makeRng(3);
    const m = 300;
    const edges = { u: Int32Array.from({ length: m }, () => rng.int(12)), i: Int32Array.from({ length: m }, () => rng.int(70)) };
    const ui = userItems(12, edges);
    expect(ui.bits).toBeDefined();
    const lists = { ...ui, bits: undefined };
    const seen = new Set(Array.from(edges.u, (u, k) => u * 100 + edges.i[k]));
    // Items past the largest one seen (a later negative draw can ask for them) are never members.
    for (let u = 0; u < 12; u++) {
      for (let i = 0; i < 100; i++) {
        expect(hasItem(ui, u, i)).toBe(seen.has(u * 100 + i));
        expect(hasItem(lists, u, i)).toBe(seen.has(u * 100 + i));
      }
    }
    // Past BITSET_MAX_BYTES only the lists are kept.
    const big = userItems(20000, { u: Int32Array.of(0, 19999), i: Int32Array.of(5, 2000) });
    expect(big.bits).toBeUndefined();
    expect(hasItem(big, 19999, 2000)).toBe(true);
    expect(hasItem(big, 19999, 5)).toBe(false);
  });
});

describe('bprDataGradCpu + bprRegGradCpu', () => {
  it('give the loss and the autodiff gradient of bprLoss through propagate', async () => {
    await tf.setBackend('cpu');
    const rng = makeRng(21);
    const nUsers = 6;
    const nItems = 9;
    const m = 30;
    const edges = { u: Int32Array.from({ length: m }, () => rng.int(nUsers)), i: Int32Array.from({ length: m }, () => rng.int(nItems)) };
    const g = buildGraph(nUsers, nItems, edges);
    const gt = graphTensors(g);
    const d = 16;
    const E0 = initEmbeddings(g.n, d, 0.5, 4);
    const users = Int32Array.from([0, 2, 5, 5, 1]);
    const pos = Int32Array.from([1, 8, 0, 3, 3]);
    const neg = Int32Array.from([7, 2, 2, 6, 0]);
    const reg = 0.05;
    const E = propagateMeanCpu(g, E0, d, 3);
    const gradE = new Float32Array(E0.length);
    const data = bprDataGradCpu(E, d, nUsers, users, pos, neg, gradE);
    const grad = propagateMeanCpu(g, gradE, d, 3);
    const penalty = bprRegGradCpu(E0, d, nUsers, users, pos, neg, reg, grad);
    const u = tf.tensor1d(users, 'int32');
    const p = tf.tensor1d(pos, 'int32');
    const n = tf.tensor1d(neg, 'int32');
    const x = tf.tensor2d(E0, [g.n, d]);
    const f = (e: tf.Tensor) => bprLoss(propagate(gt, e as tf.Tensor2D, 3), e as tf.Tensor2D, nUsers, u, p, n, reg);
    const { value, grad: auto } = tf.valueAndGrad(f)(x);
    expect(data + penalty).toBeCloseTo(value.dataSync()[0], 5);
    const av = auto.dataSync();
    let maxAbs = 0;
    for (let k = 0; k < av.length; k++) {
      expect(Math.abs(grad[k] - av[k])).toBeLessThan(1e-6 + 1e-4 * Math.abs(av[k]));
      maxAbs = Math.max(maxAbs, Math.abs(av[k]));
    }
    expect(maxAbs).toBeGreaterThan(1e-3);
    tf.dispose([u, p, n, x, value, auto]);
    gt.dispose();
  });
});
