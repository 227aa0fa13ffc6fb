/**
 * Retrain is the time every speed-up divides: training from scratch on D_r, without the evaluation
 * that the training path runs when asked (an evaluation is not part of producing a model). The
 * evaluation is spied on, so Retrain switching to the path that evaluates fails here.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { initEmbeddings } from '../../lightgcn';
import { trainEmbeddings, trainLightGCN } from '../../train';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning } from '../context';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { tinyDataset } from '../tiny.fixture';
import { retrain } from './retrain';

const evaluations = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../evaluate', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../evaluate')>();
  return {
    ...real,
    evaluate: (...args: Parameters<typeof real.evaluate>) => {
      evaluations.count++;
      return real.evaluate(...args);
    },
  };
});

const ds = tinyDataset(12, 16, 5, 4);
// The trained model's settings evaluate every epoch, as the page's do: Retrain must not.
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, reg: 1e-3, batch: 16, epochs: 4, lr: 0.05, initStd: 0.3, evalEvery: 1 };
describe('Retrain', () => {
  it('trains from the seeded start on D_r for the same epochs, and evaluates nothing', async () => {
    await tf.setBackend('cpu');
    const prep = await prepareUnlearning(ds, await trainLightGCN(ds, cfg), cfg);
    const req = prepareRequest(prep, { kind: 'user', user: 3 });
    try {
      evaluations.count = 0;
      await trainLightGCN(req.dsR, { ...cfg, epochs: 1 });
      expect(evaluations.count).toBeGreaterThan(0); // the spy sees the training path's evaluation

      evaluations.count = 0;
      const epochs: number[] = [];
      const r = await retrain.run({ prep, req, options: DEFAULT_UNLEARN_OPTIONS, onProgress: (e) => epochs.push(e.fraction) });
      expect(evaluations.count).toBe(0);
      expect(epochs).toEqual([1, 2, 3, 4].map((e) => e / cfg.epochs));
      // The same model a scratch training on D_r gives from the seeded initialisation.
      const init = initEmbeddings(ds.nUsers + ds.nItems, cfg.dim, cfg.initStd, cfg.seed);
      expect(r.E0).toEqual((await trainEmbeddings(req.dsR, { ...cfg, evalEvery: 0 }, { init })).E0);
      expect(r.E0).not.toEqual(prep.theta);
    } finally {
      req.dispose();
      prep.dispose();
    }
  });
});
