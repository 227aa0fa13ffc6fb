import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../graph';
import { initEmbeddings, propagateCpu } from '../../lightgcn';
import { makeRng } from '../../rng';
import { graphTensors } from '../../spmm';
import { DEFAULT_LIGHTGCN } from '../../types';
import { prepareRequest, prepareUnlearning } from '../context';
import { exactGradientAndHessian, hostHessian } from './hostHessian';
import { objectiveGradientHost } from '../objective/hostObjective';
import { exactHvp, fixedNegatives, triplesOf, tripleTensors, type ObjectiveSpec } from '../objective/objective';
import { DenseObjective, TINY, denseP, matVec, relErr, tinyDataset } from '../tiny.fixture';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exact host Hessian Pᵀ H_E P + Λ', () => {
  it('equals the float64 dense Hessian (central differences of the analytic gradient) on the tiny problem', () => {
    const ds = tinyDataset();
    const n = TINY.nUsers + TINY.nItems;
    const d = TINY.dim;
    const triples = triplesOf(ds.train, fixedNegatives(ds.nUsers, ds.nItems, ds.train, 7));
    const g = buildGraph(ds.nUsers, ds.nItems, ds.train);
    const theta = initEmbeddings(n, d, 0.5, 3);
    const E = propagateCpu(g, theta, d, TINY.layers);
    const H = hostHessian(g, E, d, ds.nUsers, triples, TINY.reg, ds.train.u.length, TINY.layers);
    const dense = new DenseObjective(denseP(TINY.nUsers, TINY.nItems, ds.train, TINY.layers), n, d, TINY.nUsers, triples, TINY.reg, ds.train.u.length);
    const Hd = dense.hessian(Float64Array.from(theta));
    for (const seed of [1, 2]) {
      const v = initEmbeddings(n, d, 1, seed);
      expect(relErr(H.hvpFull(v), matVec(Hd, v))).toBeLessThan(1e-4);
    }
    // A row subset is the principal block of the same matrix.
    // Single rows, runs of consecutive rows (copied as blocks by the gather/scatter kernels), all
    // rows but one, all rows.
    const all = Int32Array.from({ length: n }, (_, r) => r);
    for (const rows of [Int32Array.of(0, 3, 9, 15), Int32Array.of(1, 2, 3, 7, 8, 16, 17), all.filter((r) => r !== 4), all]) {
      const v = initEmbeddings(rows.length, d, 1, 5);
      const full = new Float64Array(n * d);
      rows.forEach((r, k) => full.set(v.subarray(k * d, k * d + d), r * d));
      const want = matVec(Hd, full);
      const block = Float64Array.from({ length: rows.length * d }, (_, k) => want[rows[Math.floor(k / d)] * d + (k % d)]);
      expect(relErr(H.hvpRows(rows, v), block)).toBeLessThan(1e-4);
    }
  });

  it('matches finite differences of the host gradient and the tfjs double backward at d = 16 (SIMD propagation)', async () => {
    const nUsers = 40, nItems = 60, m = 700, d = 16, layers = 3, reg = 1e-2;
    const rng = makeRng('host-hessian:d16');
    const edges = { u: Int32Array.from({ length: m }, () => rng.int(nUsers)), i: Int32Array.from({ length: m }, () => rng.int(nItems)) };
    const triples = triplesOf(edges, fixedNegatives(nUsers, nItems, edges, 2));
    const g = buildGraph(nUsers, nItems, edges);
    const nNodes = nUsers + nItems;
    const theta = initEmbeddings(nNodes, d, 0.5, 4);
    const spec: ObjectiveSpec = { nUsers, layers, reg, n: m };
    const H = hostHessian(g, propagateCpu(g, theta, d, layers), d, nUsers, triples, reg, m, layers);
    const v = initEmbeddings(nNodes, d, 1, 6);
    const hv = H.hvpFull(v);

    // Central differences of the gradient along v (float32 gradients: a moderate step).
    const h = 1e-2;
    const plus = theta.map((x, k) => x + h * v[k]);
    const minus = theta.map((x, k) => x - h * v[k]);
    const gp = objectiveGradientHost(g, plus, d, triples, spec).grad;
    const gm = objectiveGradientHost(g, minus, d, triples, spec).grad;
    expect(relErr(hv, gp.map((x, k) => (x - gm[k]) / (2 * h)))).toBeLessThan(2e-3);

    const gt = graphTensors(g);
    const tt = tripleTensors(triples);
    const before = tf.memory().numTensors;
    const want = tf.tidy(() => exactHvp(gt, tf.tensor2d(theta, [nNodes, d]), tt, spec, tf.tensor2d(v, [nNodes, d])));
    const wantData = (await want.data()) as Float32Array;
    want.dispose();
    expect(tf.memory().numTensors).toBe(before);
    gt.dispose();
    tt.dispose();
    expect(relErr(hv, wantData)).toBeLessThan(1e-4);
    // It is not the fast raw-row Hessian: the propagation matters.
    const raw = hostHessian(g, theta, d, nUsers, triples, reg, m, 0).hvpFull(v);
    expect(relErr(raw, wantData)).toBeGreaterThan(0.1);
  });
});

describe('gradient and Hessian from one layout', () => {
  // d = 6 has no SIMD layout (d % 4 ≠ 0): the float64 JS kernels; d = 8: the SIMD one.
  it.each([6, 8])('at d = %i equals the separate gradient and the tfjs double backward', async (d) => {
    const nUsers = 20, nItems = 30, m = 300, layers = 2, reg = 1e-2;
    const edges = randomEdges(nUsers, nItems, m, 3);
    const triples = triplesOf(edges, fixedNegatives(nUsers, nItems, edges, 4));
    const g = buildGraph(nUsers, nItems, edges);
    const nNodes = nUsers + nItems;
    const theta = initEmbeddings(nNodes, d, 0.5, 5);
    const spec: ObjectiveSpec = { nUsers, layers, reg, n: m };
    const { grad, hessian } = exactGradientAndHessian(g, theta, propagateCpu(g, theta, d, layers), d, triples, spec);
    expect(relErr(grad, objectiveGradientHost(g, theta, d, triples, spec).grad)).toBeLessThan(1e-5);
    const v = initEmbeddings(nNodes, d, 1, 6);
    const gt = graphTensors(g);
    const tt = tripleTensors(triples);
    const want = tf.tidy(() => exactHvp(gt, tf.tensor2d(theta, [nNodes, d]), tt, spec, tf.tensor2d(v, [nNodes, d])));
    const wantData = (await want.data()) as Float32Array;
    tf.dispose([want]);
    gt.dispose();
    tt.dispose();
    expect(relErr(hessian.hvpFull(v), wantData)).toBeLessThan(1e-4);
    // Two products in a row do not leak state through the shared buffers.
    expect(relErr(hessian.hvpFull(v), wantData)).toBeLessThan(1e-4);
  });
});

describe('the per-model cache (one pass over the triples at E)', () => {
  it('builds ∇L_D(θ̂; Â) and the exact Hessian from the same scores as the separate computations', async () => {
    await tf.setBackend('wasm');
    const nUsers = 30, nItems = 40, m = 400, d = 8, layers = 2;
    const g = randomEdges(nUsers, nItems, m, 11);
    const ds = { name: 't', nUsers, nItems, userIds: ids(nUsers), itemIds: ids(nItems), train: g, test: { u: Int32Array.of(0), i: Int32Array.of(1) } };
    const cfg = { ...DEFAULT_LIGHTGCN, dim: d, layers, reg: 1e-3, seed: 5 };
    const theta = initEmbeddings(nUsers + nItems, d, 0.5, 4);
    const tensors = tf.memory().numTensors;
    const prep = await prepareUnlearning(ds, { E0: theta }, cfg);
    const graph = buildGraph(nUsers, nItems, g);
    const triples = triplesOf(g, fixedNegatives(nUsers, nItems, g, cfg.seed));
    const spec: ObjectiveSpec = { nUsers, layers, reg: cfg.reg, n: m };
    expect(relErr(prep.gradOld, objectiveGradientHost(graph, theta, d, triples, spec).grad)).toBeLessThan(1e-6);
    const separate = hostHessian(graph, propagateCpu(graph, theta, d, layers), d, nUsers, triples, cfg.reg, m, layers);
    for (const seed of [1, 2]) {
      const v = initEmbeddings(nUsers + nItems, d, 1, seed);
      expect(relErr(prep.exactHessian.hvpFull(v), separate.hvpFull(v))).toBeLessThan(1e-5);
    }
    // The tensors are made on first use only, and disposed with the cache.
    expect(tf.memory().numTensors).toBe(tensors);
    expect(prep.thetaT.shape).toEqual([nUsers + nItems, d]);
    prep.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    await tf.setBackend('cpu');
  });
});

describe('the gradient on Â′ from the cache\'s layout (kernel pool, d = 16)', () => {
  it('equals the gradient over D_r\'s own triples, for a whole user and for some items', async () => {
    const nUsers = 30, nItems = 40, m = 500, d = 16, layers = 3;
    const g = randomEdges(nUsers, nItems, m, 21);
    const ds = { name: 't', nUsers, nItems, userIds: ids(nUsers), itemIds: ids(nItems), train: g, test: { u: Int32Array.of(0), i: Int32Array.of(1) } };
    const cfg = { ...DEFAULT_LIGHTGCN, dim: d, layers, reg: 1e-3, seed: 5 };
    const theta = initEmbeddings(nUsers + nItems, d, 0.5, 6);
    const prep = await prepareUnlearning(ds, { E0: theta }, cfg);
    expect(prep.exactHessian.dataGradientOn).toBeDefined();
    const user = g.u[0];
    const items = Array.from(g.i.filter((_, k) => g.u[k] === user)).slice(0, 2);
    for (const request of [{ kind: 'user' as const, user }, { kind: 'items' as const, user, items }]) {
      const req = prepareRequest(prep, request);
      const got = prep.exactHessian.dataGradientOn!(req.graphNew, theta, req.split.forgetIdx);
      const want = objectiveGradientHost(req.graphNew, theta, d, req.remain, { ...prep.spec, reg: 0 }, undefined, false).grad;
      expect(relErr(got, want)).toBeLessThan(1e-6);
      // …and not the gradient over all of D on Â′ (the forgotten triples really are left out).
      const all = objectiveGradientHost(req.graphNew, theta, d, prep.all, { ...prep.spec, reg: 0 }, undefined, false).grad;
      expect(relErr(all, want)).toBeGreaterThan(1e-3);
      req.dispose();
    }
    prep.dispose();
  });
});

function ids(n: number): string[] {
  return Array.from({ length: n }, (_, k) => String(k));
}

function randomEdges(nUsers: number, nItems: number, m: number, seed: number): { u: Int32Array; i: Int32Array } {
  const rng = makeRng(seed);
  const seen = new Set<number>();
  const u: number[] = [];
  const i: number[] = [];
  while (u.length < m) {
    const a = rng.int(nUsers), b = rng.int(nItems);
    if (seen.has(a * nItems + b)) continue;
    seen.add(a * nItems + b);
    u.push(a);
    i.push(b);
  }
  return { u: Int32Array.from(u), i: Int32Array.from(i) };
}
