/**
 * E2URec on LightGCN. The student is the original E⁽⁰⁾ with an embedding-table LoRA, propagated
 * over the graph of the remaining data Â' (the deployed model must not read D_f through the graph,
 * as Retrain does not). The teachers use the original graph Â they were trained on.
 * By linearity of propagation, P'(E⁽⁰⁾ + A·B) = P'E⁽⁰⁾ + (P'A)·B: P'E⁽⁰⁾ is computed once and each
 * step propagates only the n × r matrix A.
 * The LoRA is peft's embedding LoRA on the whole table (A n × r, B r × d): r·(n + d) trainable
 * parameters, and every row can move — a per-row-block LoRA restricted to D_f's neighbourhood
 * would be smaller still but would bake IFRU-style locality into E2URec, which has none.
 * Losses: the retain task loss is BPR (LightGCN's own objective); the KL terms compare pointwise
 * Bernoulli outputs σ(s(u, i)) on D_f / D_r positives and one sampled negative each.
 */
import * as tf from '@tensorflow/tfjs';
import { buildGraph } from '../graph';
import { makeRng, type Rng } from '../rng';
import { gatherRows, graphTensors, propagateMean, propagateMeanCpu, type GraphTensors } from '../spmm';
import type { CancelToken, Dataset, Edges, Graph } from '../types';
import { throwIfCancelled } from '../types';
import type { ForgetSplit } from '../common/request';
import { makeYielder } from '../common/yielder';
import { ownedVariable } from './adamw';
import { bceWithLogits } from '../common/losses';
import { ctrMetrics, type CtrMetrics } from '../common/ctr';
import { createEmbeddingLora, disposeEmbeddingLora, embeddingLoraParams, mergeEmbeddingLora } from './lora';
import { labelledPairs, makeCycler, pairSet, sampleNegative } from '../common/sampling';
import { DEFAULT_E2UREC, e2urecTrain, type E2URecOptions, type E2URecProgress, type E2URecStep, type E2URecTask } from './train';

/** A trained LightGCN: layer-0 embeddings (users first, then items) and its shape. */
export interface LightGCNWeights {
  E0: Float32Array;
  dim: number;
  layers: number;
}

export interface E2URecLightGCNOptions extends E2URecOptions {
  /** LoRA rank r. */
  rank: number;
  /** Std of the random LoRA factor B. */
  loraStd: number;
  /** Retain batch (BPR triples) and forget batch sizes. */
  batch: number;
  forgetBatch: number;
  /** Augmented model: full-batch Adam steps of pointwise BCE on D_f from the original. */
  augSteps: number;
  augLr: number;
}

export const DEFAULT_E2UREC_LIGHTGCN: E2URecLightGCNOptions = {
  ...DEFAULT_E2UREC,
  rank: 8,
  loraStd: 0.1,
  batch: 2048,
  forgetBatch: 512,
  augSteps: 20,
  augLr: 2e-2,
};

export interface E2URecLightGCNResult {
  /** E⁽⁰⁾ + A·B, to be propagated over `graph` (Â'). */
  E0: Float32Array;
  graph: Graph;
  /** The augmented model (original fine-tuned on D_f), on the original graph. */
  augmentedE0: Float32Array;
  history: E2URecStep[];
  trainableParams: number;
  fullParams: number;
  augMs: number;
  ms: number;
}

/** BPR triples (user, positive, negative); logits are [s(u,pos) …, s(u,neg) …]. */
export interface BprBatch {
  users: Int32Array;
  pos: Int32Array;
  neg: Int32Array;
}

function bprBatch(edges: Edges, idx: Int32Array, nItems: number, seen: Set<number>, rng: Rng): BprBatch {
  const users = new Int32Array(idx.length);
  const pos = new Int32Array(idx.length);
  const neg = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    users[k] = edges.u[idx[k]];
    pos[k] = edges.i[idx[k]];
    neg[k] = sampleNegative(users[k], nItems, seen, rng);
  }
  return { users, pos, neg };
}

/** Node ids [users; nUsers + pos; nUsers + neg] of a batch. */
function batchNodes(b: BprBatch, nUsers: number): { u: tf.Tensor1D; i: tf.Tensor1D } {
  const m = b.users.length;
  const u = new Int32Array(2 * m);
  const i = new Int32Array(2 * m);
  for (let k = 0; k < m; k++) {
    u[k] = u[m + k] = b.users[k];
    i[k] = nUsers + b.pos[k];
    i[m + k] = nUsers + b.neg[k];
  }
  return { u: tf.tensor1d(u, 'int32'), i: tf.tensor1d(i, 'int32') };
}

/** s(u, i) = e_u · e_i for the batch, from propagated embeddings given as a row reader. */
function batchLogits(rows: (nodes: tf.Tensor1D) => tf.Tensor2D, b: BprBatch, nUsers: number): tf.Tensor1D {
  return tf.tidy(() => {
    const { u, i } = batchNodes(b, nUsers);
    return rows(u).mul(rows(i)).sum(1) as tf.Tensor1D;
  });
}

/** −ln σ(s(u,pos) − s(u,neg)), mean over the batch, from logits [pos …, neg …]. */
export function bprFromLogits(logits: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const m = logits.shape[0] / 2;
    const diff = logits.slice(0, m).sub(logits.slice(m, m));
    return tf.softplus(tf.neg(diff)).mean() as tf.Scalar;
  });
}

/** Pointwise BCE of logits [pos …, neg …] with labels 1 for positives, 0 for negatives. */
export function bceFromLogits(logits: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const m = logits.shape[0] / 2;
    const labels = tf.concat([tf.ones([m]), tf.zeros([m])]) as tf.Tensor1D;
    return bceWithLogits(logits, labels).mean() as tf.Scalar;
  });
}

/**
 * The augmented model: the original fine-tuned on D_f alone (all parameters, original graph,
 * full-batch Adam, fresh negatives each step). It over-fits the forget set, which is what the
 * forgetting teacher subtracts. Its loss is pointwise BCE, not BPR: the teachers speak in
 * pointwise logits, and BPR, which only sees differences, can leave the positives' logits where
 * they were (it pushes the negatives down instead), so ReLU(aug − orig) would vanish.
 */
export async function augmentLightGCN(
  model: LightGCNWeights,
  gt: GraphTensors,
  forgotten: Edges,
  seen: Set<number>,
  opts: { steps: number; lr: number; seed: number; token?: CancelToken },
): Promise<Float32Array> {
  const { nUsers, nItems } = gt.graph;
  const n = nUsers + nItems;
  const E = ownedVariable(tf.tensor2d(model.E0, [n, model.dim]));
  const optimizer = tf.train.adam(opts.lr);
  const rng = makeRng(opts.seed);
  const all = Int32Array.from({ length: forgotten.u.length }, (_, k) => k);
  const pause = makeYielder();
  try {
    for (let s = 0; s < opts.steps; s++) {
      throwIfCancelled(opts.token);
      const b = bprBatch(forgotten, all, nItems, seen, rng);
      tf.tidy(() => {
        optimizer.minimize(() => {
          const P = propagateMean(gt, E as unknown as tf.Tensor2D, model.layers);
          return bceFromLogits(batchLogits((nodes) => gatherRows(P, nodes), b, nUsers));
        }, false, [E]);
      });
      await pause();
    }
    return (await E.data()) as Float32Array;
  } finally {
    E.dispose();
    optimizer.dispose();
  }
}

/**
 * Forgets `split.forgotten` from a trained LightGCN by E2URec: trains only an embedding LoRA
 * (A zero-initialised, so the student starts as the original on Â'). `model.E0` is never written.
 */
export async function e2urecLightGCN(
  model: LightGCNWeights,
  ds: Dataset,
  split: ForgetSplit,
  opts: Partial<E2URecLightGCNOptions> = {},
  run: {
    token?: CancelToken;
    onStep?: (s: E2URecProgress) => void;
    /** Â of D and Â' of D_r, already on the backend (not disposed here). */
    graphs?: { old: GraphTensors; new: GraphTensors };
  } = {},
): Promise<E2URecLightGCNResult> {
  const o = { ...DEFAULT_E2UREC_LIGHTGCN, ...opts };
  const t0 = performance.now();
  const { nUsers, nItems } = ds;
  const n = nUsers + nItems;
  const d = model.dim;
  if (model.E0.length !== n * d) throw new Error(`e2urecLightGCN: E0 has ${model.E0.length} values, expected ${n}×${d}`);
  const gtOld = run.graphs?.old ?? graphTensors(buildGraph(nUsers, nItems, ds.train));
  const gtNew = run.graphs?.new ?? graphTensors(buildGraph(nUsers, nItems, split.remaining));
  const graphNew = gtNew.graph;
  const seen = pairSet(nItems, ds.train);
  const lora = createEmbeddingLora(n, d, o.rank, o.loraStd, o.seed + 1);
  const held: tf.Tensor[] = [];
  try {
    const augmentedE0 = await augmentLightGCN(model, gtOld, split.forgotten, seen, {
      steps: o.augSteps,
      lr: o.augLr,
      seed: o.seed + 2,
      token: run.token,
    });
    const augMs = performance.now() - t0;
    const keep = (t: tf.Tensor2D) => (held.push(t), t);
    const E0 = keep(tf.tensor2d(model.E0, [n, d]));
    const Porig = keep(tf.tidy(() => propagateMean(gtOld, E0, model.layers)));
    const Paug = keep(tf.tidy(() => propagateMean(gtOld, tf.tensor2d(augmentedE0, [n, d]), model.layers)));
    const PbaseNew = keep(tf.tidy(() => propagateMean(gtNew, E0, model.layers)));

    const rng = makeRng(o.seed);
    const forgetCycle = makeCycler(split.forgotten.u.length, rng);
    const forgetSize = Math.min(o.forgetBatch, split.forgotten.u.length);
    const nRemain = split.remaining.u.length;
    const task: E2URecTask<BprBatch> = {
      trainable: [lora.A, lora.B],
      sampleForget: (r) => bprBatch(split.forgotten, forgetCycle.take(forgetSize), nItems, seen, r),
      sampleRetain: (r) =>
        bprBatch(split.remaining, Int32Array.from({ length: Math.min(o.batch, nRemain) }, () => r.int(nRemain)), nItems, seen, r),
      weights: () => null,
      studentLogits: (b) => {
        const PA = propagateMean(gtNew, lora.A, model.layers);
        return batchLogits((nodes) => gatherRows(PbaseNew, nodes).add(gatherRows(PA, nodes).matMul(lora.B)), b, nUsers);
      },
      originalLogits: (b) => batchLogits((nodes) => gatherRows(Porig, nodes), b, nUsers),
      augmentedLogits: (b) => batchLogits((nodes) => gatherRows(Paug, nodes), b, nUsers),
      taskLoss: (_b, student) => bprFromLogits(student),
    };
    const history = await e2urecTrain(task, o, { token: run.token, onStep: run.onStep });
    const merged = await mergeEmbeddingLora(model.E0, lora);
    return {
      E0: merged,
      graph: graphNew,
      augmentedE0,
      history,
      trainableParams: embeddingLoraParams(n, d, o.rank),
      fullParams: n * d,
      augMs,
      ms: performance.now() - t0,
    };
  } finally {
    tf.dispose(held);
    disposeEmbeddingLora(lora);
    if (!run.graphs) {
      gtOld.dispose();
      gtNew.dispose();
    }
  }
}

/** Logits e_u · e_i of pairs, from E⁽⁰⁾ propagated over `graph` (plain arrays, no tensors). */
export function lightgcnPairLogits(
  E0: Float32Array,
  dim: number,
  layers: number,
  graph: Graph,
  users: Int32Array,
  items: Int32Array,
): Float32Array {
  return pairLogits(propagateMeanCpu(graph, E0, dim, layers), dim, graph.nUsers, users, items);
}

/** Logits e_u · e_i of pairs from the final embeddings E (`dim` columns, users first). */
function pairLogits(E: Float32Array, dim: number, nUsers: number, users: Int32Array, items: Int32Array): Float32Array {
  const out = new Float32Array(users.length);
  for (let k = 0; k < users.length; k++) {
    const a = users[k] * dim;
    const b = (nUsers + items[k]) * dim;
    let s = 0;
    for (let c = 0; c < dim; c++) s += E[a + c] * E[b + c];
    out[k] = s;
  }
  return out;
}

/**
 * The paper's metrics for a model that scores e_u · e_i with final embeddings E (`dim` columns, users
 * first; a LightGCN's E⁽⁰⁾ propagated, or an ensemble's own): AUC / LogLoss / ACC on test positives and
 * on the forget set, each positive paired with one unseen item (same seed ⇒ same pairs for every model
 * compared).
 */
export function scoredCtrMetrics(E: Float32Array, dim: number, ds: Dataset, split: ForgetSplit, seed: number): { test: CtrMetrics; forget: CtrMetrics } {
  const seen = pairSet(ds.nItems, ds.train, ds.test);
  const rng = makeRng(seed);
  const test = labelledPairs(ds.test, ds, seen, rng);
  const forget = labelledPairs(split.forgotten, ds, seen, rng);
  const score = (p: typeof test) => ctrMetrics(pairLogits(E, dim, ds.nUsers, p.users, p.items), p.labels);
  return { test: score(test), forget: score(forget) };
}
