import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, generateSynthetic } from '../data';
import { buildGraph } from '../graph';
import { makeRng } from '../rng';
import { trainLightGCN } from '../train';
import { DEFAULT_LIGHTGCN, type Dataset } from '../types';
import { splitForget, type ForgetSplit } from '../common/request';
import { bceFromLogits, bprFromLogits, e2urecLightGCN, lightgcnPairLogits, type LightGCNWeights } from './lightgcn';
import { labelledPairs, pairSet } from '../common/sampling';

const DIM = 16;
const LAYERS = 2;
let ds: Dataset;
let split: ForgetSplit;
let model: LightGCNWeights;

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0) / a.length;
const positiveLogits = (E0: Float32Array, graph = buildGraph(ds.nUsers, ds.nItems, split.remaining)) =>
  lightgcnPairLogits(E0, DIM, LAYERS, graph, split.forgotten.u, split.forgotten.i);

beforeAll(async () => {
  await tf.setBackend('cpu');
  const { raw } = generateSynthetic(
    { ...generateSynthetic('synthetic-small').config, users: 60, items: 120, interactions: 1800, groups: 4 },
    3,
  );
  ds = buildDataset(raw, { name: 'tiny', seed: 3 }).dataset;
  const cfg = { ...DEFAULT_LIGHTGCN, dim: DIM, layers: LAYERS, epochs: 25, batch: 512, lr: 1e-2, evalEvery: 0, seed: 3 };
  const trained = await trainLightGCN(ds, cfg);
  model = { E0: trained.E0, dim: DIM, layers: LAYERS };
  const count = new Int32Array(ds.nUsers);
  for (const u of ds.train.u) count[u]++;
  split = splitForget(ds, { kind: 'user', user: count.indexOf(Math.max(...count)) });
});

const quick = { epochs: 4, stepsPerEpoch: 10, batch: 256, augSteps: 15, seed: 1 };

describe('pair losses on logits [pos …, neg …]', () => {
  it('bprFromLogits and bceFromLogits match hand computation', () => {
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const z = [2, 0.5, 1, 1.5];
    expect(tf.tidy(() => bprFromLogits(tf.tensor1d(z)).dataSync()[0])).toBeCloseTo((sp(-(2 - 1)) + sp(-(0.5 - 1.5))) / 2, 6);
    expect(tf.tidy(() => bceFromLogits(tf.tensor1d(z)).dataSync()[0])).toBeCloseTo((sp(-2) + sp(-0.5) + sp(1) + sp(1.5)) / 4, 6);
  });
});

describe('e2urecLightGCN', () => {
  it('trains only r·(n+d) LoRA parameters, leaves E⁽⁰⁾ bit-identical and leaks no tensor', async () => {
    const before = model.E0.slice();
    const start = tf.memory().numTensors;
    const r = await e2urecLightGCN(model, ds, split, { ...quick, rank: 4 });
    expect(tf.memory().numTensors).toBe(start);
    expect(model.E0).toEqual(before);
    const n = ds.nUsers + ds.nItems;
    expect(r.trainableParams).toBe(4 * (n + DIM));
    expect(r.fullParams).toBe(n * DIM);
    expect(r.E0).not.toEqual(before);
    expect(r.history).toHaveLength(40);
  });

  it('with no step the zero-initialised LoRA reproduces the original exactly', async () => {
    const r = await e2urecLightGCN(model, ds, split, { ...quick, epochs: 0 });
    expect(r.E0).toEqual(model.E0);
    expect(r.history).toHaveLength(0);
  });

  it('the augmented model over-fits D_f; the student moves toward the forgetting teacher (forget KL falls)', async () => {
    const r = await e2urecLightGCN(model, ds, split, quick);
    const gOld = buildGraph(ds.nUsers, ds.nItems, ds.train);
    const orig = positiveLogits(model.E0, gOld);
    const aug = positiveLogits(r.augmentedE0, gOld);
    expect(mean(aug)).toBeGreaterThan(mean(orig) + 0.5);
    const teacher = orig.map((o, k) => o - Math.max(0, aug[k] - o));
    const student = positiveLogits(r.E0);
    const gap = (x: Float32Array) => mean(x.map((v, k) => Math.abs(v - teacher[k])));
    expect(gap(student)).toBeLessThan(0.6 * gap(positiveLogits(model.E0)));
    const first = r.history[0].forgetKl;
    const last = mean(r.history.slice(-10).map((h) => h.forgetKl));
    expect(last).toBeLessThan(0.5 * first);
    // The remembering terms enter after the forget-only epoch, and only then.
    expect(r.history.slice(0, 10).every((h) => h.retainKl === null && h.retainTask === null)).toBe(true);
    expect(r.history.slice(10).every((h) => Number.isFinite(h.retainKl) && Number.isFinite(h.retainTask))).toBe(true);
  });

  it('with α = 0 and w = 1 the student stays near the original', async () => {
    const gNew = buildGraph(ds.nUsers, ds.nItems, split.remaining);
    const pairs = labelledPairs(ds.test, ds, pairSet(ds.nItems, ds.train, ds.test), makeRng(9));
    const testLogits = (E0: Float32Array) => lightgcnPairLogits(E0, DIM, LAYERS, gNew, pairs.users, pairs.items);
    const base = testLogits(model.E0);
    const drift = (E0: Float32Array) => mean(testLogits(E0).map((v, k) => Math.abs(v - base[k])));
    const still = await e2urecLightGCN(model, ds, split, { ...quick, alpha: 0, w: 1 });
    const moved = await e2urecLightGCN(model, ds, split, { ...quick, alpha: 1, w: 0 });
    expect(drift(still.E0)).toBeLessThan(0.05 * mean(base.map(Math.abs)));
    const forgetDrift = (E0: Float32Array) => mean(positiveLogits(E0).map((v, k) => Math.abs(v - positiveLogits(model.E0)[k])));
    expect(forgetDrift(still.E0)).toBeLessThan(0.5 * forgetDrift(moved.E0));
  });

  it('stops on a cancelled token without leaking tensors', async () => {
    const start = tf.memory().numTensors;
    const token = { cancelled: false };
    const run = e2urecLightGCN(model, ds, split, quick, {
      token,
      onStep: (s) => {
        if (s.step === 3) token.cancelled = true;
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(start);
  });
});
