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
import { propagateAt, residentCsr, rowBounds, threadPrograms, TripleLayout } from './spmm/pooled';
import { KERNEL_ID, kernelPool, type KernelPool } from './spmm/threads';
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

/**
 * The 'typed' step on the kernel pool (d % 16 == 0): E⁽⁰⁾, Adam's moments and the step's buffers stay in
 * the pool's memory for the whole training, and every pass is split over its threads — the two
 * propagations by rows, the batch's scores by triples, the BPR gradient gathered per row (in batch
 * order), the L2 term and Adam per row. Each element is computed the same way on any thread count,
 * so a training gives the same bits on 1, 2 or 3 threads. Same math as bprStepCpu (scores and
 * gradient in float32 SIMD, Adam in float64).
 */
export class PooledBprStep {
  private readonly blocks: number[];
  private readonly theta: number;
  private readonly E: number;
  private readonly gE: number;
  private readonly grad: number;
  private readonly m: number;
  private readonly v: number;
  private readonly regw: number;
  private readonly rowSq: number;
  private readonly params: number;
  private readonly coef: number;
  private readonly layout: TripleLayout;
  private t = 0;
  private readonly n: number;

  constructor(
    private readonly p: KernelPool,
    private readonly graph: Graph,
    init: Float32Array,
    private readonly dim: number,
    private readonly layers: number,
    private readonly reg: number,
    private readonly lr: number,
    batch: number,
  ) {
    const n = (this.n = graph.n);
    const bytes = init.byteLength;
    this.blocks = [bytes, bytes, bytes, bytes, bytes, bytes, n * 4, n * 8, 64, batch * 4].map((b) => p.alloc(b));
    [this.theta, this.E, this.gE, this.grad, this.m, this.v, this.regw, this.rowSq, this.params, this.coef] = this.blocks;
    for (const b of [this.m, this.v]) p.f32(b, init.length).fill(0);
    p.f32(this.theta, init.length).set(init);
    this.layout = new TripleLayout(p, n, batch);
  }

  /** One step on (users, pos, neg); updates E⁽⁰⁾ in the pool; returns the batch loss. */
  step(users: Int32Array, pos: Int32Array, neg: Int32Array): number {
    const { p, dim, layers, n, layout } = this;
    const batch = users.length;
    const g = residentCsr(p, this.graph);
    propagateAt(p, g, this.theta, this.E, dim, layers);
    layout.set(this.graph.nUsers, users, pos, neg);
    layout.dots(this.E, this.coef, dim);
    const x = p.f32(this.coef, batch);
    let data = 0;
    for (let b = 0; b < batch; b++) {
      const xb = x[b];
      // −ln σ(x) = softplus(−x), computed stably; d/dx = −σ(−x).
      data += xb > 0 ? Math.log1p(Math.exp(-xb)) : -xb + Math.log1p(Math.exp(xb));
      x[b] = -1 / (1 + Math.exp(xb)) / batch;
    }
    layout.gather(this.E, this.coef, this.gE, dim);
    // ∂loss/∂E⁽⁰⁾ = Mᵀ ∂loss/∂E with M = mean_k Âᵏ symmetric.
    propagateAt(p, g, this.gE, this.grad, dim, layers);
    // The L2 term: each occurrence of a row in the batch adds reg/batch · θ_row.
    const regw = p.f32(this.regw, n);
    const ptr = layout.ptr;
    for (let r = 0; r < n; r++) regw[r] = (this.reg * (ptr[r + 1] - ptr[r])) / batch;
    this.t++;
    const b1 = 0.9, b2 = 0.999;
    p.f64(this.params, 8).set([b1, 1 - b1, b2, 1 - b2, this.lr, 1 - b1 ** this.t, 1 - b2 ** this.t, 1e-8]);
    const dB = dim * 4;
    p.run(
      threadPrograms(rowBounds(p, n, dim), (a, b) => [
        KERNEL_ID.regAdam, this.theta, this.grad, this.m, this.v, this.regw, this.rowSq, this.params, a * 4, b * 4, dB,
      ]),
    );
    let penalty = 0;
    if (this.reg !== 0) {
      const sq = p.f64(this.rowSq, n);
      const w = p.f32(this.regw, n);
      for (let r = 0; r < n; r++) if (w[r] !== 0) penalty += (w[r] / 2) * sq[r];
    }
    return data / batch + penalty;
  }

  /** A copy of E⁽⁰⁾. */
  read(): Float32Array {
    return this.p.f32(this.theta, this.n * this.dim).slice();
  }

  release(): void {
    this.layout.release();
    for (const b of this.blocks.splice(0)) this.p.release(b);
  }
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
    // On the kernel pool (threads where started) when its SIMD kernels fit d; else plain typed arrays.
    const pool = cfg.dim % 16 === 0 ? kernelPool() : null;
    const pooled = pool ? new PooledBprStep(pool, graph, init, cfg.dim, cfg.layers, cfg.reg, cfg.lr, cfg.batch) : null;
    const E0 = init.slice();
    const adam = new AdamCpu(E0.length, cfg.lr);
    const scratch = pooled ? null : { E: new Float32Array(E0.length), gradE: new Float32Array(E0.length), grad: new Float32Array(E0.length) };
    const current = async () => (pooled ? pooled.read() : E0);
    try {
      for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
        throwIfCancelled(opts.token);
        const t0 = performance.now();
        rng.shuffle(order);
        const negatives = sampleNegatives(ds.train, nItems, rng, 1, positives);
        let lossSum = 0;
        for (let s = 0; s < m; s += cfg.batch) {
          const b = Math.min(cfg.batch, m - s);
          fillBatch(s, b, negatives);
          const [u, p, q] = [bu.subarray(0, b), bp.subarray(0, b), bn.subarray(0, b)];
          const loss = pooled ? pooled.step(u, p, q) : bprStepCpu(graph, E0, cfg.dim, cfg.layers, cfg.reg, u, p, q, adam, scratch!);
          lossSum += loss * b;
          await yieldToEventLoop();
          throwIfCancelled(opts.token);
        }
        await endEpoch(epoch, lossSum / m, performance.now() - t0, current);
      }
      return finish(await current());
    } finally {
      pooled?.release();
    }
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
