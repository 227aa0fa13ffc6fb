/**
 * LightGCN training loop: per epoch, the training interactions are shuffled (seeded), each gets
 * one uniformly sampled negative, and Adam minimises the BPR loss batch by batch. Long-running
 * and cooperative: it yields to the event loop between batches and honours a CancelToken.
 */
import * as tf from '@tensorflow/tfjs';
import { evaluate } from './evaluate';
import { yieldToEventLoop } from './common/yielder';
import { buildGraph } from './graph';
import {
  bprDataGradCpu,
  bprLoss,
  bprRegGradCpu,
  initEmbeddings,
  propagate,
  propagateCpu,
  sampleNegatives,
  userItems,
} from './lightgcn';
import { makeRng } from './rng';
import { graphTensors, propagateMeanCpu, registerSpmmKernels } from './spmm';
import {
  throwIfCancelled,
  type CancelToken,
  type Dataset,
  type EpochReport,
  type Graph,
  type LightGCNConfig,
  type Metrics,
} from './types';

export interface TrainResult {
  /** Layer-0 embeddings, (nUsers + nItems) × dim row-major. */
  E0: Float32Array;
  dim: number;
  graph: Graph;
  reports: EpochReport[];
  metrics: Metrics;
  msPerEpochMedian: number;
  /** Mean wall time of an epoch (evaluation excluded): the unit of the unlearning methods' cost. */
  msPerEpochMean: number;
  backend: string;
  /** The seeded initialisation the training started from (absent when TrainOptions.init replaced
   *  it). Unlearning resets a deleted user's row to it, as Retrain leaves that row. */
  seededInit?: Float32Array;
  /** Which implementation of the training step ran (see TrainOptions.engine). */
  engine: 'tfjs' | 'typed';
  /** Copies of the layer-0 embeddings after the epochs of TrainOptions.keepAt (epoch → E⁽⁰⁾). */
  kept?: Map<number, Float32Array>;
}

export interface TrainOptions {
  onEpoch?: (r: EpochReport) => void | Promise<void>;
  token?: CancelToken;
  /** Start from these layer-0 embeddings instead of a seeded initialisation. */
  init?: Float32Array;
  /** Reuse an already built Â of ds.train. */
  graph?: Graph;
  /**
   * 'tfjs': autodiff of bprLoss through the custom ops and tf.train.adam, on the current
   * backend. 'typed': the same step (analytic BPR gradient, Â-propagation of it, Adam with
   * tfjs's update rule) on plain typed arrays with the SIMD SpMM — no per-op overhead; several
   * times faster on cpu/wasm. 'auto' (default): 'typed' unless the backend is webgpu/webgl.
   */
  engine?: 'auto' | 'tfjs' | 'typed';
  /** Keep a copy of E⁽⁰⁾ after each of these epochs (TrainResult.kept): the convergence lesson's
   *  checkpoints. The training itself is unchanged, so epoch e of a longer run is the model trained for e. */
  keepAt?: number[];
}

/** Adam on a flat Float32Array, with tf.train.adam's update rule. */
export class AdamCpu {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    size: number,
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** θ ← θ − lr · m̂ / (√v̂ + ε). */
  step(theta: Float32Array, grad: Float32Array): void {
    this.t++;
    const { m, v, beta1, beta2, epsilon } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const lr = this.lr;
    for (let k = 0; k < theta.length; k++) {
      const g = grad[k];
      const mk = (m[k] = beta1 * m[k] + (1 - beta1) * g);
      const vk = (v[k] = beta2 * v[k] + (1 - beta2) * g * g);
      theta[k] -= (lr * (mk / c1)) / (Math.sqrt(vk / c2) + epsilon);
    }
  }
}

/** One 'typed' training step on batch (users, pos, neg); updates E0 in place; returns the loss. */
export function bprStepCpu(
  graph: Graph,
  E0: Float32Array,
  dim: number,
  layers: number,
  reg: number,
  users: Int32Array,
  pos: Int32Array,
  neg: Int32Array,
  adam: AdamCpu,
  scratch: { E: Float32Array; gradE: Float32Array; grad: Float32Array },
): number {
  const { E, gradE, grad } = scratch;
  propagateMeanCpu(graph, E0, dim, layers, E);
  gradE.fill(0);
  const data = bprDataGradCpu(E, dim, graph.nUsers, users, pos, neg, gradE);
  // ∂loss/∂E⁽⁰⁾ = Mᵀ ∂loss/∂E with M = mean_k Âᵏ symmetric.
  propagateMeanCpu(graph, gradE, dim, layers, grad);
  const penalty = reg === 0 ? 0 : bprRegGradCpu(E0, dim, graph.nUsers, users, pos, neg, reg, grad);
  adam.step(E0, grad);
  return data + penalty;
}

/** What training returns before its final evaluation: metrics only when the last epoch evaluated. */
export type TrainedEmbeddings = Omit<TrainResult, 'metrics'> & { metrics?: Metrics };

/** Trains and evaluates the final model (unless the last epoch already did). */
export async function trainLightGCN(ds: Dataset, cfg: LightGCNConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  const r = await trainEmbeddings(ds, cfg, opts);
  const metrics = r.metrics ?? evaluate(propagateCpu(r.graph, r.E0, cfg.dim, cfg.layers), cfg.dim, ds, { seed: cfg.seed });
  return { ...r, metrics };
}

/**
 * The training itself, without a final evaluation: what Retrain, Fine-tune and the noise floor
 * need (an evaluation is not part of the cost of producing a model).
 */
export async function trainEmbeddings(ds: Dataset, cfg: LightGCNConfig, opts: TrainOptions = {}): Promise<TrainedEmbeddings> {
  registerSpmmKernels();
  const { nUsers, nItems } = ds;
  const n = nUsers + nItems;
  const graph = opts.graph ?? buildGraph(nUsers, nItems, ds.train);
  const init = opts.init ?? initEmbeddings(n, cfg.dim, cfg.initStd, cfg.seed);
  if (init.length !== n * cfg.dim) throw new Error(`trainLightGCN: init has ${init.length} values, expected ${n}×${cfg.dim}`);

  const m = ds.train.u.length;
  const positives = userItems(nUsers, ds.train);
  const rng = makeRng(`${cfg.seed}:train`);
  const evalOf = (E0: Float32Array) =>
    evaluate(propagateCpu(graph, E0, cfg.dim, cfg.layers), cfg.dim, ds, { seed: cfg.seed });

  const backend = tf.getBackend();
  const engine = (opts.engine ?? 'auto') === 'auto' ? (backend === 'webgpu' || backend === 'webgl' ? 'tfjs' : 'typed') : (opts.engine as 'tfjs' | 'typed');
  const reports: EpochReport[] = [];
  let metrics: Metrics | undefined;
  let lastEvaluated = -1;
  const keepAt = new Set(opts.keepAt ?? []);
  const kept = new Map<number, Float32Array>();
  const finish = (E0: Float32Array): TrainedEmbeddings => ({
    E0,
    dim: cfg.dim,
    graph,
    reports,
    metrics: lastEvaluated === cfg.epochs ? metrics : undefined,
    msPerEpochMedian: median(reports.map((r) => r.ms)),
    msPerEpochMean: reports.length ? reports.reduce((a, r) => a + r.ms, 0) / reports.length : 0,
    backend,
    engine,
    ...(opts.init ? {} : { seededInit: init }),
    ...(keepAt.size > 0 ? { kept } : {}),
  });
  const endEpoch = async (epoch: number, loss: number, ms: number, E0: () => Promise<Float32Array>) => {
    const report: EpochReport = { epoch, epochs: cfg.epochs, loss, ms };
    if (keepAt.has(epoch)) kept.set(epoch, (await E0()).slice());
    if (cfg.evalEvery > 0 && epoch % cfg.evalEvery === 0) {
      metrics = evalOf(await E0());
      lastEvaluated = epoch;
      report.metrics = metrics;
    }
    reports.push(report);
    await opts.onEpoch?.(report);
  };
  const order = Int32Array.from({ length: m }, (_, k) => k);
  const bu = new Int32Array(cfg.batch);
  const bp = new Int32Array(cfg.batch);
  const bn = new Int32Array(cfg.batch);
  const fillBatch = (s: number, b: number, negatives: Int32Array) => {
    for (let j = 0; j < b; j++) {
      const k = order[s + j];
      bu[j] = ds.train.u[k];
      bp[j] = ds.train.i[k];
      bn[j] = negatives[k];
    }
  };

  if (engine === 'typed') {
    const E0 = init.slice();
    const adam = new AdamCpu(E0.length, cfg.lr);
    const scratch = { E: new Float32Array(E0.length), gradE: new Float32Array(E0.length), grad: new Float32Array(E0.length) };
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      throwIfCancelled(opts.token);
      const t0 = performance.now();
      rng.shuffle(order);
      const negatives = sampleNegatives(ds.train, nItems, rng, 1, positives);
      let lossSum = 0;
      for (let s = 0; s < m; s += cfg.batch) {
        const b = Math.min(cfg.batch, m - s);
        fillBatch(s, b, negatives);
        const loss = bprStepCpu(graph, E0, cfg.dim, cfg.layers, cfg.reg, bu.subarray(0, b), bp.subarray(0, b), bn.subarray(0, b), adam, scratch);
        lossSum += loss * b;
        await yieldToEventLoop();
        throwIfCancelled(opts.token);
      }
      await endEpoch(epoch, lossSum / m, performance.now() - t0, async () => E0);
    }
    return finish(E0);
  }

  const gt = graphTensors(graph);
  const E0 = tf.tidy(() => tf.variable(tf.tensor2d(init, [n, cfg.dim]), true));
  const optimizer = tf.train.adam(cfg.lr, 0.9, 0.999, 1e-8);
  let lossSum: tf.Scalar | null = null;
  // An epoch's loss and, on evaluation epochs, a snapshot of E⁽⁰⁾ are read back while the next
  // epoch's batches are already queued: the epoch is reported (and evaluated) one epoch late, so on
  // webgpu the GPU never waits for a readback or for the host's evaluation. Its ms runs from its
  // first batch to the moment its loss arrived (the GPU's work included).
  let pending: { epoch: number; t0: number; loss: Promise<{ value: number; at: number }>; snapshot: Promise<Float32Array> | null } | null =
    null;
  const settle = async () => {
    if (!pending) return;
    const p = pending;
    pending = null;
    const { value, at } = await p.loss;
    await endEpoch(p.epoch, value / m, at - p.t0, () => p.snapshot!);
  };
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      throwIfCancelled(opts.token);
      const t0 = performance.now();
      rng.shuffle(order);
      const negatives = sampleNegatives(ds.train, nItems, rng, 1, positives);
      lossSum = tf.keep(tf.scalar(0));
      for (let s = 0; s < m; s += cfg.batch) {
        const b = Math.min(cfg.batch, m - s);
        fillBatch(s, b, negatives);
        const next = tf.tidy(() => {
          const users = tf.tensor1d(bu.subarray(0, b), 'int32');
          const pos = tf.tensor1d(bp.subarray(0, b), 'int32');
          const neg = tf.tensor1d(bn.subarray(0, b), 'int32');
          const cost = optimizer.minimize(
            () => bprLoss(propagate(gt, E0, cfg.layers), E0, nUsers, users, pos, neg, cfg.reg),
            true,
            [E0],
          ) as tf.Scalar;
          return tf.add(lossSum!, tf.mul(cost, b)) as tf.Scalar;
        });
        lossSum!.dispose();
        lossSum = next;
        await yieldToEventLoop();
        throwIfCancelled(opts.token);
      }
      const lossT = lossSum;
      lossSum = null;
      const loss = lossT.data().then((v) => {
        lossT.dispose();
        return { value: v[0], at: performance.now() };
      });
      let snapshot: Promise<Float32Array> | null = null;
      if ((cfg.evalEvery > 0 && epoch % cfg.evalEvery === 0) || keepAt.has(epoch)) {
        const snap = tf.clone(E0);
        snapshot = snap.data().then((v) => {
          snap.dispose();
          return v as Float32Array;
        });
      }
      await settle();
      pending = { epoch, t0, loss, snapshot };
    }
    await settle();
    return finish((await E0.data()) as Float32Array);
  } finally {
    lossSum?.dispose();
    optimizer.dispose();
    E0.dispose();
    gt.dispose();
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
