import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, generateSynthetic } from '../data';
import { pairSet } from '../common/sampling';
import { makeRng } from '../rng';
import type { Dataset } from '../types';
import { splitForget } from '../common/request';
import { disposeAttentionLora, e2urecTransformer } from './e2urec';
import {
  DEFAULT_TRANSFORMER,
  attentionLoraParamCount,
  disposeTransformer,
  initTransformer,
  transformerParamCount,
  transformerWeights,
  type TransformerParams,
} from './model';
import { forgottenPositions, trainingWindows, userSequences, withoutPositions, type Windows } from './sequences';
import { fitWindows, windowBatch, windowLogits, windowMetrics, type WindowBatch } from './train';

const cfg = { ...DEFAULT_TRANSFORMER, dim: 16, heads: 2, layers: 2, maxLen: 10, ffnDim: 16, batch: 16, lr: 5e-3, seed: 4 };
let ds: Dataset;
let original: TransformerParams;
let forget: Windows;
let retain: Windows;
let seen: Set<number>;
let forgetEval: WindowBatch[];
let retainEval: WindowBatch[];

beforeAll(async () => {
  await tf.setBackend('wasm');
  const { raw } = generateSynthetic(
    { ...generateSynthetic('synthetic-small').config, users: 40, items: 60, interactions: 1000, groups: 3 },
    4,
  );
  ds = buildDataset(raw, { name: 'tiny', seed: 4 }).dataset;
  const count = new Int32Array(ds.nUsers);
  for (const u of ds.train.u) count[u]++;
  const split = splitForget(ds, { kind: 'user', user: count.indexOf(Math.max(...count)) });
  const seqs = userSequences(ds, 4);
  const mark = forgottenPositions(seqs, ds.nItems, split.forgotten);
  forget = trainingWindows(seqs, cfg.maxLen, { targetFilter: mark });
  retain = trainingWindows(withoutPositions(seqs, mark), cfg.maxLen);
  seen = pairSet(ds.nItems, ds.train);
  original = initTransformer(ds.nItems, cfg);
  const losses = await fitWindows(original, trainingWindows(seqs, cfg.maxLen), ds.nItems, seen, { epochs: 12, lr: cfg.lr, batch: 16, seed: 4 });
  expect(losses[losses.length - 1]).toBeLessThan(losses[0] - 0.1);
  const rng = makeRng(1);
  forgetEval = [windowBatch(forget, Array.from({ length: forget.count }, (_, k) => k), ds.nItems, seen, rng)];
  retainEval = [windowBatch(retain, Array.from({ length: 32 }, (_, k) => k), ds.nItems, seen, rng)];
});

afterAll(() => disposeTransformer(original));

const quick = { epochs: 4, stepsPerEpoch: 8, batch: 16, forgetBatch: 16, augSteps: 15, augLr: 1e-2, seed: 2 };

describe('e2urecTransformer', () => {
  it('trains only the q/v LoRA (layers·4·d·r parameters); the base weights stay bit-identical; no leak', async () => {
    const before = transformerWeights(original).map((w) => w.slice());
    const start = tf.memory().numTensors;
    const r = await e2urecTransformer(original, forget, retain, seen, { ...quick, rank: 4 });
    disposeAttentionLora(r.lora);
    expect(tf.memory().numTensors).toBe(start);
    expect(transformerWeights(original)).toEqual(before);
    expect(r.trainableParams).toBe(2 * 4 * 16 * 4);
    expect(r.trainableParams).toBeLessThan(transformerParamCount(ds.nItems, cfg) / 5);
    expect(attentionLoraParamCount(cfg, 4)).toBe(r.trainableParams);
  });

  it('the forget KL falls and the student forgets the forget windows (AUC there drops)', async () => {
    const r = await e2urecTransformer(original, forget, retain, seen, quick);
    const first = r.history[0].forgetKl;
    const last = r.history.slice(-8).reduce((s, h) => s + h.forgetKl, 0) / 8;
    expect(last).toBeLessThan(0.6 * first);
    const base = await windowMetrics(original, forgetEval);
    const student = await windowMetrics(original, forgetEval, r.lora);
    expect(student.auc).toBeLessThan(base.auc - 0.1);
    disposeAttentionLora(r.lora);
  });

  it('with α = 0 and w = 1 the student stays near the original', async () => {
    const drift = (b: WindowBatch, lora: Parameters<typeof windowLogits>[2]) =>
      tf.tidy(() => {
        const w = tf.tensor1d(Float32Array.from([...b.mask, ...b.mask]));
        const base = windowLogits(original, b);
        const diff = windowLogits(original, b, lora).sub(base).abs();
        return [diff.mul(w).sum().div(w.sum()).dataSync()[0], base.abs().mul(w).sum().div(w.sum()).dataSync()[0]];
      });
    const still = await e2urecTransformer(original, forget, retain, seen, { ...quick, alpha: 0, w: 1 });
    const paper = await e2urecTransformer(original, forget, retain, seen, quick);
    const [retainDrift, retainScale] = drift(retainEval[0], still.lora);
    expect(retainDrift).toBeLessThan(0.15 * retainScale);
    expect(drift(forgetEval[0], still.lora)[0]).toBeLessThan(0.5 * drift(forgetEval[0], paper.lora)[0]);
    disposeAttentionLora(still.lora);
    disposeAttentionLora(paper.lora);
  });
});
