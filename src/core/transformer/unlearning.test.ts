import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, generateSynthetic } from '../data';
import type { Dataset } from '../types';
import { attentionLoraParamCount, transformerParamCount } from './model';
import { runTransformerUnlearning, TRANSFORMER_METHODS } from './unlearning';

let ds: Dataset;

beforeAll(async () => {
  await tf.setBackend('wasm');
  const { raw } = generateSynthetic(
    { ...generateSynthetic('synthetic-small').config, users: 40, items: 60, interactions: 1000, groups: 3 },
    6,
  );
  ds = buildDataset(raw, { name: 'tiny', seed: 6 }).dataset;
});

describe('runTransformerUnlearning', () => {
  it('reports every method as plain JSON: metrics on test and forget set, time, trainable parameters', async () => {
    const start = tf.memory().numTensors;
    const config = { dim: 16, heads: 2, layers: 2, maxLen: 10, maxWindows: 3, ffnDim: 16, batch: 16, lr: 5e-3 };
    const stages = new Set<string>();
    const count = new Int32Array(ds.nUsers);
    for (const u of ds.train.u) count[u]++;
    const user = count.indexOf(Math.max(...count));
    const rep = await runTransformerUnlearning(ds, { kind: 'user', user }, {
      methods: [...TRANSFORMER_METHODS],
      epochs: 12,
      seed: 3,
      config,
      neggradSteps: 4,
      e2urec: { epochs: 4, stepsPerEpoch: 6, batch: 16, forgetBatch: 16, augSteps: 15, augLr: 1e-2, rank: 4 },
      onProgress: (p) => stages.add(p.stage),
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(JSON.parse(JSON.stringify(rep))).toEqual(rep);
    expect([...stages].sort()).toEqual(['e2urec', 'finetune', 'neggrad', 'original', 'retrain']);
    expect(rep.forget.interactions).toBe(count[user]);
    expect(rep.forget.users).toBe(1);
    const cfg = rep.config;
    expect(rep.fullParams).toBe(transformerParamCount(ds.nItems, cfg));
    for (const m of TRANSFORMER_METHODS) {
      const r = rep.methods[m]!;
      for (const part of [r.test, r.forget]) {
        expect(part.auc).toBeGreaterThanOrEqual(0);
        expect(part.auc).toBeLessThanOrEqual(1);
        expect(Number.isFinite(part.logloss)).toBe(true);
        expect(part.n).toBeGreaterThan(0);
      }
      expect(r.ms).toBeGreaterThan(0);
      expect(r.trainableParams).toBe(m === 'e2urec' ? attentionLoraParamCount(cfg, 4) : rep.fullParams);
    }
    // The original has learnt something, and has memorised its training targets more than Retrain.
    expect(rep.original.test.auc).toBeGreaterThan(0.6);
    expect(rep.methods.retrain!.forget.auc).toBeLessThan(rep.original.forget.auc);
    // The forgetting methods lower the forget-set AUC below the original's.
    expect(rep.methods.neggrad!.forget.auc).toBeLessThan(rep.original.forget.auc);
    expect(rep.methods.e2urec!.forget.auc).toBeLessThan(rep.original.forget.auc);
    // Fine-tune continues the original on D_r: it moves (its figures are not the original's), it keeps
    // most of what the original memorised (forget AUC near the original's 0.86, far above Retrain's 0.68),
    // and training on D_r alone does not raise it (measured 0.853).
    const ft = rep.methods.finetune!;
    expect(ft.forget.logloss).not.toBe(rep.original.forget.logloss);
    expect(ft.forget.auc).toBeLessThan(rep.original.forget.auc);
    expect(ft.forget.auc).toBeGreaterThan(rep.original.forget.auc - 0.05);
    expect(ft.forget.auc - rep.methods.retrain!.forget.auc).toBeGreaterThan(0.1);
    expect(Math.abs(ft.test.auc - rep.original.test.auc)).toBeLessThan(0.02);
  });

  it('stops on a cancelled token without leaking tensors', async () => {
    const start = tf.memory().numTensors;
    const token = { cancelled: false };
    const run = runTransformerUnlearning(ds, { kind: 'random', fraction: 0.1, seed: 1 }, {
      methods: ['e2urec'],
      epochs: 1,
      seed: 3,
      config: { dim: 8, heads: 2, maxLen: 10, ffnDim: 8 },
      token,
      onProgress: (p) => {
        if (p.stage === 'e2urec') token.cancelled = true;
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(start);
  });

  it('names the methods it knows when given another', async () => {
    const methods = ['retrain', 'ifru'] as unknown as ('retrain' | 'e2urec')[];
    await expect(runTransformerUnlearning(ds, { kind: 'user', user: 0 }, { methods, seed: 1 })).rejects.toThrow(
      'unknown transformer unlearning method "ifru" (known: retrain, finetune, neggrad, e2urec)',
    );
  });
});
