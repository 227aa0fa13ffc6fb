/**
 * SISA and RecEraser are exact: after a request, the ensemble equals the one trained from the start
 * without D_f (the same partition, the same seeds), bit for bit; only the shards that held D_f are
 * retrained; the shard models are trained once per model and charged to every request's first-request
 * cost; a cancel leaves nothing half-built in the cache.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainLightGCN } from '../../train';
import { CancelFlag, DEFAULT_LIGHTGCN, isCancelled, type Dataset, type LightGCNConfig } from '../../types';
import { datasetWithout, splitForget, type ForgetRequest } from '../../common/request';
import { prepareRequest, prepareUnlearning, type UnlearnOptions, type UnlearnPrep } from '../context';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { trainEnsemble } from '../shards/ensemble';
import { balancedInteractionPartition, balancedUserPartition, randomUserPartition } from '../shards/partition';
import { tinyDataset } from '../tiny.fixture';
import { receraser, sisa } from './sharded';
import { Session } from '../../session';
import { DEFAULT_SHARDS, defaultShards } from '../defaults';

const ds: Dataset = tinyDataset(18, 20, 5, 4);
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, reg: 1e-3, batch: 16, epochs: 3, lr: 0.05, initStd: 0.3, evalEvery: 0 };
const k = 3;
const options: UnlearnOptions = { ...DEFAULT_UNLEARN_OPTIONS, shards: k };
let prep: UnlearnPrep;
let tensorsAtStart: number;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tensorsAtStart = tf.memory().numTensors;
  prep = await prepareUnlearning(ds, await trainLightGCN(ds, cfg), cfg);
});
afterAll(() => {
  prep.dispose();
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

async function forget(method: typeof sisa, request: ForgetRequest, opts: UnlearnOptions = options, token?: CancelFlag) {
  const req = prepareRequest(prep, request);
  try {
    return await method.run({ prep, req, options: opts, token });
  } finally {
    req.dispose();
  }
}

/** The ensemble trained from the start on D without D_f: its partition made afresh on that data. */
async function fromScratch(name: 'sisa' | 'receraser', request: ForgetRequest, partitionKind: 'user' | 'interaction' = 'user') {
  const split = splitForget(ds, request);
  const dsR = datasetWithout(ds, split);
  if (name === 'sisa') return trainEnsemble(dsR, cfg, randomUserPartition(dsR, k, cfg.seed), 'average');
  // RecEraser's partition is computed once from the original model and kept (its interactions' shards).
  const onD = partitionKind === 'user' ? balancedUserPartition(ds, prep.Eold, cfg.dim, k, cfg.seed) : balancedInteractionPartition(ds, prep.Eold, cfg.dim, k, cfg.seed);
  const shardOf = Int32Array.from(split.keepIdx, (z) => onD.shardOf[z]);
  return trainEnsemble(dsR, cfg, { ...onD, shardOf }, 'attention');
}

describe('SISA and RecEraser: exact unlearning by shards', () => {
  it('SISA: a whole user retrains one shard, and the ensemble equals the one trained without them', async () => {
    const request: ForgetRequest = { kind: 'user', user: 4 };
    const r = await forget(sisa, request);
    expect(r.exact).toBe(true);
    expect(r.shards).toBe(k);
    expect(r.shardsRetrained).toBe(1);
    expect(r.scoring.dim).toBe(k * cfg.dim);
    const want = await fromScratch('sisa', request);
    expect(Array.from(r.scoring.E)).toEqual(Array.from(want.scoring.E));
    // The ensemble before the deletion is a different model (the retrained shard saw the user).
    expect(Array.from(r.scoring.before!)).not.toEqual(Array.from(r.scoring.E));
  });

  it('SISA averages the shards’ scores: e_u · e_i of its embeddings is the mean of the shard models’ scores', async () => {
    const want = await fromScratch('sisa', { kind: 'user', user: 4 });
    const n = ds.nUsers + ds.nItems, d = cfg.dim;
    const [u, i] = [2, ds.nUsers + 5];
    const mean = want.shards.reduce((s, m) => s + Array.from({ length: d }, (_, c) => m.E[u * d + c] * m.E[i * d + c]).reduce((a, b) => a + b, 0), 0) / k;
    const dot = Array.from({ length: k * d }, (_, c) => want.scoring.E[u * k * d + c] * want.scoring.E[i * k * d + c]).reduce((a, b) => a + b, 0);
    expect(dot).toBeCloseTo(mean, 6);
    expect(want.scoring.E.length).toBe(n * k * d);
  });

  it('RecEraser: the same for its balanced partition and its attention aggregator (retrained on D_r)', async () => {
    const request: ForgetRequest = { kind: 'items', user: 7, items: [ds.train.i[ds.train.u.indexOf(7)]] };
    const opts = { ...options };
    const req = prepareRequest(prep, request);
    const r = await receraser.run({ prep, req, options: opts });
    req.dispose();
    expect(r.exact).toBe(true);
    expect(r.shardsRetrained).toBe(1);
    expect(r.scoring.dim).toBe(cfg.dim);
    const want = await fromScratch('receraser', request);
    expect(Array.from(r.scoring.E)).toEqual(Array.from(want.scoring.E));
  }, 30_000);

  it('a random fraction touches most shards: SISA retrains them all', async () => {
    const r = await forget(sisa, { kind: 'random', fraction: 0.2, seed: 3 });
    expect(r.shardsRetrained).toBe(k);
    expect(Array.from(r.scoring.E)).toEqual(Array.from((await fromScratch('sisa', { kind: 'random', fraction: 0.2, seed: 3 })).scoring.E));
  });

  it('the shard models are trained once per model and charged to every request as modelPrepMs', async () => {
    const a = await forget(sisa, { kind: 'user', user: 1 });
    const b = await forget(sisa, { kind: 'user', user: 2 });
    expect(a.shardTrainMs).toBeGreaterThan(0);
    expect(b.shardTrainMs).toBe(a.shardTrainMs);
    expect(b.modelPrepMs).toBe(b.shardTrainMs);
    // Another k is another ensemble, trained afresh.
    const c = await forget(sisa, { kind: 'user', user: 2 }, { ...options, shards: 2 });
    expect(c.shards).toBe(2);
    expect(c.shardTrainMs).not.toBe(a.shardTrainMs);
  });

  it("RecEraser's interaction-based partition is an option, exact too", async () => {
    const request: ForgetRequest = { kind: 'user', user: 5 };
    const req = prepareRequest(prep, request);
    const r = await receraser.run({ prep, req, options: { ...options, receraserPartition: 'interaction' } });
    req.dispose();
    expect(r.notes[0]).toMatch(/balanced-interaction/);
    expect(r.shardsRetrained).toBeGreaterThanOrEqual(1);
    expect(Array.from(r.scoring.E)).toEqual(Array.from((await fromScratch('receraser', request, 'interaction')).scoring.E));
  }, 30_000);

  it("the Session gives each data set its default k (the small preset's 3), and the experiment's k wins", async () => {
    const session = new Session();
    session.setDataset({ ...ds, name: 'synthetic-small' });
    session.adoptModel({ E0: prep.theta, cfg });
    const request = { kind: 'user', user: 4 } as const;
    const byDefault = await session.forget(request, ['sisa'], { reference: false, noiseFloor: false });
    expect(byDefault.report.settings.shards).toBe(defaultShards('synthetic-small'));
    expect(byDefault.report.methods.sisa.shards).toBe(3);
    const chosen = await session.forget(request, ['sisa'], { reference: false, noiseFloor: false, shards: 2 });
    expect(chosen.report.methods.sisa.shards).toBe(2);
    session.dispose();
    expect(defaultShards('a-file.csv')).toBe(DEFAULT_SHARDS);
  });

  it('a cancel while the shards train rejects and caches nothing', async () => {
    const token = new CancelFlag();
    const fresh = await prepareUnlearning(ds, { E0: prep.theta }, cfg);
    const req = prepareRequest(fresh, { kind: 'user', user: 3 });
    let messages = 0;
    const run = sisa.run({ prep: fresh, req, options, token, onProgress: () => ++messages === 2 && (token.cancelled = true) });
    await expect(run).rejects.toSatisfy(isCancelled);
    expect(messages).toBe(2);
    // The next request trains the whole ensemble again (nothing half-built was kept), then unlearns.
    const said: string[] = [];
    const again = await sisa.run({ prep: fresh, req, options, onProgress: (e) => said.push(e.message ?? '') });
    expect(said.some((m) => /once per model/.test(m))).toBe(true);
    expect(again.shardsRetrained).toBe(1);
    const fractions = said.length;
    expect(fractions).toBeGreaterThan(k * cfg.epochs);
    req.dispose();
    fresh.dispose();
  });
});
