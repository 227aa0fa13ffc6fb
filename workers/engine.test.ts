import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Engine } from './engine';
import { DEFAULT_LIGHTGCN, isCancelled } from '../src/core/types';

function ratingsFile(name: string, users: number, perUser: number): File {
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= users; u++) for (let k = 0; k < perUser; k++) lines.push(`${u},${(u * 7 + k * 3) % 60},4,0`);
  return new File([lines.join('\n')], name);
}

const opts = { testFraction: 0.2, seed: 1 };
const cfg = { ...DEFAULT_LIGHTGCN, dim: 8, epochs: 3, lr: 0.01, batch: 128, evalEvery: 1 };

describe('Engine (the worker behind comlink)', () => {
  it('keeps the loaded data when a bad file arrives, trains, unlearns and leaks no tensors', async () => {
    const engine = new Engine();
    const info = await engine.init('cpu');
    expect(info.backend).toBe('cpu');
    const ok = await engine.loadFile(ratingsFile('ratings.csv', 30, 12), opts);
    expect(ok).toMatchObject({ users: 30, name: 'ratings.csv' });

    await expect(engine.loadFile(new File(['\u0000\u0001\u0002binary'], 'blob.bin'), opts)).rejects.toThrow(/blob\.bin/);
    await expect(engine.loadFile(new File(['user,item\n'], 'header.csv'), opts)).rejects.toThrow(/header\.csv/);
    expect((await engine.users()).ids).toHaveLength(30); // the earlier data set is still there

    const epochs: number[] = [];
    const summary = await engine.train(cfg, (e) => e.type === 'epoch' && epochs.push(e.report.epoch));
    expect(epochs).toEqual([1, 2, 3]);
    expect(summary.metrics.recall).toBeGreaterThan(0);

    const map = await engine.map();
    expect(map.xy).toHaveLength(2 * (30 + map.nItems));
    // NegGrad runs on tensors on every backend (the others run on typed arrays here on cpu).
    const methods = ['retrain', 'ifru', 'neggrad'];
    const result = await engine.unlearn('user:5', methods, () => undefined);
    expect(Object.keys(result.report.methods)).toEqual(methods);
    expect(result.centreUser).toBe('5');
    expect(result.view.nodes[0]).toBe((await engine.users()).ids.indexOf('5'));
    expect(result.arrows.before).toHaveLength(2 * result.view.nodes.length);
    expect(result.forgottenItems.length).toBeGreaterThan(0);
    // The first request built the per-model cache; a second request leaves the count where it was.
    const afterFirst = tf.memory().numTensors;
    await engine.unlearn('user:7', methods, () => undefined);
    expect(tf.memory().numTensors).toBe(afterFirst);
  }, 120_000);

  it('cancels training between batches', async () => {
    const engine = new Engine();
    await engine.init('cpu');
    await engine.loadFile(ratingsFile('ratings.csv', 30, 12), opts);
    const trained = await engine.train(cfg);
    const epochs: number[] = [];
    const run = engine.train({ ...cfg, epochs: 200 }, (e) => {
      if (e.type === 'epoch') epochs.push(e.report.epoch);
      if (e.type === 'epoch' && e.report.epoch === 2) engine.cancel();
    });
    // A cancel is an error that says so (isCancelled), never a summary of a model that was not trained.
    const err = await run.then(() => null, (e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect(epochs).toEqual([1, 2]);
    // The model trained before stays.
    expect(engine.session.trained.cfg.epochs).toBe(trained.epochs);
  }, 60_000);
});

describe('Engine lessons', () => {
  it('runs each lesson through the session with progress, cancels one, and keeps the model', async () => {
    const engine = new Engine();
    await engine.init('cpu');
    await engine.loadFile(ratingsFile('ratings.csv', 30, 12), opts);
    await engine.train({ ...cfg, evalEvery: 0 });
    const seen: string[] = [];
    const size = await engine.lesson('size', 'user:5', (p) => void seen.push(p.stage));
    // Each lesson after the first leaves the tensor count where the first left it.
    const start = tf.memory().numTensors;
    expect(seen).toContain('size');
    expect(size[0].forgotten).toBe(1);
    expect(size.map((p) => p.family)).toContain('random');
    const horizon = await engine.lesson('horizon', 'items:5:' + (await engine.userItems('5')).slice(0, 2).join(','));
    expect(horizon.map((p) => p.mu)).toEqual([1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6]);
    expect(horizon[0].fidelity['ifru-recentred'].paramRelErr).toBeGreaterThanOrEqual(0);
    // The horizon chart's random baseline is the reference's row norms at every μ (≈ √2; measured
    // 1.48–1.50), never a method's, whose norms grow as μ shrinks.
    for (const p of horizon) expect(Math.abs(p.fidelity.random.paramRelErr - Math.SQRT2), `μ ${p.mu}`).toBeLessThan(0.15);
    let stopped = false;
    const run = engine.lesson('convergence', 'user:5', (p) => {
      if (!stopped && p.fraction > 0.05) {
        stopped = true;
        engine.cancel();
      }
    });
    expect(isCancelled(await run.then(() => null, (e: unknown) => e))).toBe(true);
    expect(engine.session.trained.cfg.epochs).toBe(cfg.epochs);
    const convergence = await engine.lesson('convergence', 'user:5');
    expect(convergence.map((p) => p.epochs)).toEqual([1, 2, 3, 5, 6]);
    expect(tf.memory().numTensors).toBe(start);
  }, 120_000);
});

describe('Engine loading', () => {
  it('a cancelled load keeps the data set loaded before', async () => {
    const engine = new Engine();
    await engine.init('cpu');
    await engine.loadFile(ratingsFile('first.csv', 30, 12), opts);
    // A 9 MB file is read in 4 MB slices: cancelling after the first slice stops the load.
    const big = ratingsFile('big.csv', 60_000, 12);
    let slices = 0;
    const load = engine.loadFile(big, opts, () => {
      if (++slices === 1) engine.cancel();
    });
    await expect(load).rejects.toThrow('cancelled');
    expect(slices).toBe(1);
    expect((await engine.users()).ids).toHaveLength(30);
  }, 60_000);
});
