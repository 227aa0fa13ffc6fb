import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, generateSynthetic, SYNTHETIC_PRESETS } from '../../data';
import { evaluate } from '../../evaluate';
import { trainEmbeddings } from '../../train';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning } from '../context';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { checkpointEpochs, convergence } from './convergence';
import { LESSON_BASELINES, LESSON_METHODS, lessonPoint } from './point';

// A small generated problem with a test split (Recall@20 needs one).
const { raw } = generateSynthetic({ ...SYNTHETIC_PRESETS['synthetic-small'], users: 40, items: 70, interactions: 900, minPerUser: 12 }, 5);
const ds = buildDataset(raw, { name: 'lesson', testFraction: 0.2, seed: 5 }).dataset;
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, batch: 128, epochs: 6, lr: 0.02, evalEvery: 0 };
const request = { kind: 'user' as const, user: 3 };
const options = { ...DEFAULT_UNLEARN_OPTIONS, damping: 1e-3 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the convergence lesson', () => {
  it('checkpoints at 10 %–200 % of the epochs, at least one epoch, without repeats', () => {
    expect(checkpointEpochs(20)).toEqual([2, 5, 10, 20, 30, 40]);
    expect(checkpointEpochs(3)).toEqual([1, 2, 3, 5, 6]);
  });

  it("answers the request at every checkpoint against that checkpoint's own reference, as a direct computation on that model does", async () => {
    const tensors = tf.memory().numTensors;
    const fractions: number[] = [];
    const points = await convergence(ds, cfg, request, { options, onProgress: (f) => fractions.push(f) });
    expect(points.map((p) => p.epochs)).toEqual([1, 2, 3, 6, 9, 12]);
    for (const p of points) expect(Object.keys(p.fidelity).sort()).toEqual([...LESSON_METHODS, ...LESSON_BASELINES].sort());
    // The checkpoint at the model's own epochs is the model (training is deterministic by seed).
    const model = await trainEmbeddings(ds, cfg);
    const prep = await prepareUnlearning(ds, { E0: model.E0, seededInit: model.seededInit }, cfg);
    const req = prepareRequest(prep, request);
    const direct = await lessonPoint(prep, req, { methods: LESSON_METHODS, options });
    const atModel = points.find((p) => p.epochs === cfg.epochs)!;
    expect(atModel.recall20).toBe(evaluate(prep.Eold, cfg.dim, ds, { seed: cfg.seed }).recall);
    for (const k of Object.keys(direct.fidelity)) expect(atModel.fidelity[k].paramRelErr).toBeCloseTo(direct.fidelity[k].paramRelErr, 6);
    expect(atModel.stationarity).toEqual(direct.stationarity);
    req.dispose();
    prep.dispose();
    // Training more brings the model nearer a minimum of its own loss.
    expect(points[points.length - 1].stationarity.gradOverSignal).toBeLessThan(points[0].stationarity.gradOverSignal);
    expect(points[points.length - 1].recall20).not.toBe(points[0].recall20);
    expect(fractions.every((f, k) => k === 0 || f >= fractions[k - 1] - 1e-12)).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('is cancellable while it trains and while it measures', async () => {
    await expect(convergence(ds, cfg, request, { options, token: { cancelled: true } })).rejects.toThrow(/cancel/);
    const token = { cancelled: false };
    const late = convergence(ds, cfg, request, { options, token, onProgress: (f) => void (f > 0.5 && (token.cancelled = true)) });
    await expect(late).rejects.toThrow(/cancel/);
  }, 60_000);
});
