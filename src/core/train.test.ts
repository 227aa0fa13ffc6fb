import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { buildGraph } from './graph';
import { initEmbeddings, propagateCpu } from './lightgcn';
import { makeRng } from './rng';
import { AdamCpu, trainEmbeddings, trainLightGCN } from './train';
import { CancelledError, type Dataset, type LightGCNConfig } from './types';

/** Two communities: users of group g mostly like items of group g. */
function communities(seed: number): Dataset {
  const rng = makeRng(seed);
  const nUsers = 60;
  const nItems = 40;
  const tu: number[] = [];
  const ti: number[] = [];
  const su: number[] = [];
  const si: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      const p = u % 2 === i % 2 ? 0.35 : 0.03;
      if (rng.next() >= p) continue;
      if (rng.next() < 0.8) {
        tu.push(u);
        ti.push(i);
      } else {
        su.push(u);
        si.push(i);
      }
    }
  }
  const ids = (n: number) => Array.from({ length: n }, (_, k) => String(k));
  return {
    name: 'communities',
    nUsers,
    nItems,
    userIds: ids(nUsers),
    itemIds: ids(nItems),
    train: { u: Int32Array.from(tu), i: Int32Array.from(ti) },
    test: { u: Int32Array.from(su), i: Int32Array.from(si) },
  };
}

const cfg: LightGCNConfig = {
  dim: 16,
  layers: 2,
  lr: 0.01,
  reg: 1e-4,
  batch: 128,
  epochs: 12,
  seed: 7,
  initStd: 0.1,
  evalEvery: 4,
};

describe('trainLightGCN', () => {
  const ds = communities(3);

  it.each(['typed', 'tfjs'] as const)('(%s engine) lowers the loss, beats the untrained model, reports, leaks no tensors', async (engine) => {
    await tf.setBackend('cpu');
    const start = tf.memory().numTensors;
    const seen: number[] = [];
    const r = await trainLightGCN(ds, cfg, { engine, onEpoch: (e) => void seen.push(e.epoch) });
    expect(r.engine).toBe(engine);
    expect(tf.memory().numTensors).toBe(start);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    expect(r.reports[11].loss).toBeLessThan(r.reports[0].loss * 0.8);
    expect(r.reports.filter((e) => e.metrics).map((e) => e.epoch)).toEqual([4, 8, 12]);
    expect(r.metrics).toEqual(r.reports[11].metrics);
    const g = buildGraph(ds.nUsers, ds.nItems, ds.train);
    const E0 = initEmbeddings(g.n, cfg.dim, cfg.initStd, cfg.seed);
    const before = evaluate(propagateCpu(g, E0, cfg.dim, cfg.layers), cfg.dim, ds, { seed: cfg.seed });
    expect(r.metrics.recall).toBeGreaterThan(before.recall + 0.1);
    expect(r.metrics.auc).toBeGreaterThan(0.8);
    expect(r.backend).toBe('cpu');
    expect(r.msPerEpochMedian).toBeGreaterThan(0);
  });

  it('is deterministic by seed; tfjs on cpu, tfjs on wasm and the typed engine agree', async () => {
    const short = { ...cfg, epochs: 3, evalEvery: 0 };
    const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((mx, v, k) => Math.max(mx, Math.abs(v - y[k])), 0);
    await tf.setBackend('cpu');
    const a = await trainLightGCN(ds, short, { engine: 'tfjs' });
    const b = await trainLightGCN(ds, short, { engine: 'tfjs' });
    expect(Array.from(a.E0)).toEqual(Array.from(b.E0));
    const c = await trainLightGCN(ds, { ...short, seed: 8 }, { engine: 'tfjs' });
    expect(maxDiff(a.E0, c.E0)).toBeGreaterThan(0.01);
    const t1 = await trainLightGCN(ds, short, { engine: 'typed' });
    const t2 = await trainLightGCN(ds, short);
    expect(t2.engine).toBe('typed');
    expect(Array.from(t1.E0)).toEqual(Array.from(t2.E0));
    expect(maxDiff(a.E0, t1.E0)).toBeLessThan(1e-4);
    const seeded = initEmbeddings(a.E0.length / cfg.dim, cfg.dim, cfg.initStd, cfg.seed);
    expect(maxDiff(a.E0, seeded)).toBeGreaterThan(0.01);
    // Both engines hand back the seeded start untouched (unlearning resets deleted users' rows to it).
    expect(Array.from(a.seededInit!)).toEqual(Array.from(seeded));
    expect(Array.from(t1.seededInit!)).toEqual(Array.from(seeded));
    await tf.setBackend('wasm');
    const start = tf.memory().numTensors;
    const w = await trainLightGCN(ds, short, { engine: 'tfjs' });
    expect(w.backend).toBe('wasm');
    expect(tf.memory().numTensors).toBe(start);
    expect(maxDiff(a.E0, w.E0)).toBeLessThan(1e-4);
  });

  it('AdamCpu follows tf.train.adam', async () => {
    await tf.setBackend('cpu');
    const theta = Float32Array.from([0.5, -1, 2, 0]);
    const v = tf.variable(tf.tensor1d(theta.slice())); // the cpu backend would alias theta
    const opt = tf.train.adam(0.1, 0.9, 0.999, 1e-8);
    const adam = new AdamCpu(4, 0.1);
    const grads = [[1, -2, 0.5, 0], [0.3, 0.1, -4, 1e-3], [-1, -1, 1, 2]];
    for (const g of grads) {
      adam.step(theta, Float32Array.from(g));
      tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(g) }]));
    }
    const want = v.dataSync();
    for (let k = 0; k < 4; k++) expect(theta[k]).toBeCloseTo(want[k], 5); // float32 vs float64 rounding
    expect(theta[0]).not.toBeCloseTo(0.5, 2);
    opt.dispose();
    v.dispose();
  });

  it.each(['typed', 'tfjs'] as const)('(%s engine) stops at a cancel between batches without leaking', async (engine) => {
    await tf.setBackend('cpu');
    const start = tf.memory().numTensors;
    const token = { cancelled: false };
    const epochs: number[] = [];
    const run = trainLightGCN(ds, { ...cfg, epochs: 50 }, { engine, token, onEpoch: (e) => void epochs.push(e.epoch) });
    // Runs at the trainer's first yield, i.e. after its first batch of epoch 1.
    setImmediate(() => (token.cancelled = true));
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(epochs).toEqual([]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('continues from given initial embeddings', async () => {
    await tf.setBackend('cpu');
    const g = buildGraph(ds.nUsers, ds.nItems, ds.train);
    const init = initEmbeddings(g.n, cfg.dim, 0.1, 99);
    for (const engine of ['typed', 'tfjs'] as const) {
      const r = await trainLightGCN(ds, { ...cfg, epochs: 1, evalEvery: 0, lr: 0 }, { init, graph: g, engine });
      expect(Array.from(r.E0)).toEqual(Array.from(init));
      expect(r.graph).toBe(g);
      expect(r.seededInit).toBeUndefined();
    }
    const r = await trainLightGCN(ds, { ...cfg, epochs: 1, evalEvery: 0 }, { init, graph: g });
    expect(r.E0).not.toBe(init);
    expect(Array.from(r.E0)).not.toEqual(Array.from(init));
    expect(r.graph).toBe(g);
  });

  it('trainEmbeddings is the same training without the final evaluation (what Retrain is timed on)', async () => {
    const ds = communities(3);
    const c = { ...cfg, epochs: 3, evalEvery: 0 };
    const bare = await trainEmbeddings(ds, c);
    const full = await trainLightGCN(ds, c);
    expect(bare.metrics).toBeUndefined();
    expect(Array.from(bare.E0)).toEqual(Array.from(full.E0));
    expect(full.metrics).toEqual(evaluate(propagateCpu(full.graph, full.E0, c.dim, c.layers), c.dim, ds, { seed: c.seed }));
    expect(bare.msPerEpochMean).toBeCloseTo(bare.reports.reduce((a, r) => a + r.ms, 0) / 3, 9);
    // An evaluation on the last epoch is kept (and not repeated).
    const evaluated = await trainEmbeddings(ds, { ...c, evalEvery: 3 });
    expect(evaluated.metrics).toEqual(evaluated.reports[2].metrics);
  });

  it.each(['typed', 'tfjs'] as const)('(%s engine) keepAt: the copy after epoch e of a longer run is the model trained for e epochs', async (engine) => {
    await tf.setBackend('cpu');
    const ds = communities(4);
    const c = { ...cfg, epochs: 4, evalEvery: 0 };
    const long = await trainEmbeddings(ds, c, { engine, keepAt: [1, 3, 4] });
    expect([...long.kept!.keys()]).toEqual([1, 3, 4]);
    for (const e of [1, 3]) {
      const short = await trainEmbeddings(ds, { ...c, epochs: e }, { engine });
      expect(Array.from(long.kept!.get(e)!)).toEqual(Array.from(short.E0));
    }
    expect(Array.from(long.kept!.get(4)!)).toEqual(Array.from(long.E0));
    // Copies, not views of the live table.
    expect(Array.from(long.kept!.get(1)!)).not.toEqual(Array.from(long.E0));
    expect((await trainEmbeddings(ds, c, { engine })).kept).toBeUndefined();
  });

  it('(tfjs engine) reports each epoch in order, one epoch late, with the metrics of that epoch’s model', async () => {
    await tf.setBackend('cpu');
    const ds = communities(5);
    const c = { ...cfg, epochs: 4, evalEvery: 2 };
    const seen: number[] = [];
    const long = await trainLightGCN(ds, c, { engine: 'tfjs', onEpoch: (r) => void seen.push(r.epoch) });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(long.reports.map((r) => r.metrics !== undefined)).toEqual([false, true, false, true]);
    // Epochs 1–2 of the 4-epoch run are the 2-epoch run (same seed): its model's metrics.
    const short = await trainLightGCN(ds, { ...c, epochs: 2 }, { engine: 'tfjs' });
    expect(long.reports[1].metrics).toEqual(short.metrics);
    expect(long.reports.every((r) => r.ms > 0 && Number.isFinite(r.loss))).toBe(true);
  });
});
