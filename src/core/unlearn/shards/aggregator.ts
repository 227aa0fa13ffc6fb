/**
 * RecEraser's attention-based aggregator (Chen et al., WWW 2022; docs/method.md#shards): each shard's
 * final LightGCN embedding of a node, e_v^s (n × d per shard), is mapped into a shared space,
 * t_v^s = e_v^s W_s + b_s (one d × d map per shard), and the node's embedding is the attention-weighted
 * sum over shards,
 *     α_v^s = softmax_s( h · ReLU(t_v^s W_A + b_A) ),   e_v = Σ_s α_v^s t_v^s,
 * with one attention (W_A d × a, b_A, h a-vectors, a = d/2) for users and another for items. The shard
 * embeddings are fixed; only the aggregator is trained, with the base model's loss (BPR, one uniformly
 * sampled negative per interaction, seeded) and Adam, on the data the shards were trained on.
 * Scores are e_u · e_i of the aggregated embeddings (`aggregate`).
 */
import * as tf from '@tensorflow/tfjs';
import { sampleNegatives, userItems } from '../../lightgcn';
import { gatherRows } from '../../spmm';
import { makeRng } from '../../rng';
import { yieldToEventLoop } from '../../common/yielder';
import { throwIfCancelled, type CancelToken, type Dataset } from '../../types';

export interface AggregatorOptions {
  /** Passes over the training interactions. */
  epochs: number;
  /** Interactions per Adam step (every step aggregates every node: few large steps). */
  batch: number;
  lr: number;
}

/**
 * One pass at batch 8192 (5 Adam steps on 40k interactions): every step aggregates every node (k d × d
 * maps per node), ≈ 0.1 s each on the generated data of docs/method.md#shards, so a request (one shard
 * and this) stays within half of Retrain's time. More steps buy utility at that price, measured there:
 * Recall@20 0.326 (5 steps, 0.6–0.9 s), 0.356 (20 steps at batch 4096, 2.2–2.4 s), 0.367 (50 steps,
 * 5.4–5.9 s); the shards' plain score average 0.361; lr 0.05 diverged (0.22).
 */
export const DEFAULT_AGGREGATOR: AggregatorOptions = { epochs: 1, batch: 8192, lr: 2e-2 };

/** The aggregator's parameters as plain arrays (row-major), so a cached one crosses nothing but data. */
export interface AggregatorWeights {
  k: number;
  d: number;
  /** Attention width a. */
  a: number;
  /** k × d × d shard maps and k × d offsets. */
  W: Float32Array;
  b: Float32Array;
  /** Users' and items' attention: d × a, a, a each. */
  user: { W: Float32Array; b: Float32Array; h: Float32Array };
  item: { W: Float32Array; b: Float32Array; h: Float32Array };
}

/** The seeded start: Glorot-uniform shard maps, zero offsets, normal attention maps, h = 0.01 (near-uniform attention). */
export function initAggregator(k: number, d: number, seed: number): AggregatorWeights {
  const rng = makeRng(`receraser-aggregator:${seed}`);
  const a = Math.max(1, Math.floor(d / 2));
  const glorot = Math.sqrt(6 / (2 * d));
  const W = Float32Array.from({ length: k * d * d }, () => (2 * rng.next() - 1) * glorot);
  const att = () => ({
    W: Float32Array.from({ length: d * a }, () => rng.normal() * Math.sqrt(2 / (a + d))),
    b: new Float32Array(a),
    h: new Float32Array(a).fill(0.01),
  });
  return { k, d, a, W, b: new Float32Array(k * d), user: att(), item: att() };
}

interface Vars {
  W: tf.Variable;
  b: tf.Variable;
  uW: tf.Variable;
  ub: tf.Variable;
  uh: tf.Variable;
  iW: tf.Variable;
  ib: tf.Variable;
  ih: tf.Variable;
}

/** α-weighted sum over shards of T (k × m × d) with the attention (W d × a, b, h). */
function attend(T: tf.Tensor3D, W: tf.Tensor2D, b: tf.Tensor1D, h: tf.Tensor1D): tf.Tensor2D {
  const [k, m, d] = T.shape;
  const hidden = tf.relu(tf.add(tf.matMul(tf.reshape(T, [k * m, d]), W), b));
  const logits = tf.reshape(tf.matMul(hidden, tf.reshape(h, [-1, 1])), [k, m]);
  const alpha = tf.softmax(tf.transpose(logits)); // m × k, over shards
  return tf.sum(tf.mul(tf.expandDims(tf.transpose(alpha), 2), T), 0) as tf.Tensor2D;
}

/** Aggregated embeddings (n × d, users first) of the shard embeddings X (k × n × d). */
function forward(X: tf.Tensor3D, v: Vars, nUsers: number): tf.Tensor2D {
  const [k, n, d] = X.shape;
  const T = tf.add(tf.matMul(X, v.W as tf.Tensor3D), tf.reshape(v.b, [k, 1, d])) as tf.Tensor3D;
  const users = attend(tf.slice(T, [0, 0, 0], [k, nUsers, d]), v.uW as tf.Tensor2D, v.ub as tf.Tensor1D, v.uh as tf.Tensor1D);
  const items = attend(tf.slice(T, [0, nUsers, 0], [k, n - nUsers, d]), v.iW as tf.Tensor2D, v.ib as tf.Tensor1D, v.ih as tf.Tensor1D);
  return tf.concat([users, items], 0);
}

function stack(shardE: Float32Array[], n: number, d: number): tf.Tensor3D {
  const all = new Float32Array(shardE.length * n * d);
  shardE.forEach((E, s) => all.set(E, s * n * d));
  return tf.tensor3d(all, [shardE.length, n, d]);
}

/** The parameters as variables (the tensors they start from are freed). */
function variables(w: AggregatorWeights): Vars {
  const { k, d, a } = w;
  return tf.tidy(() => ({
    W: tf.variable(tf.tensor3d(w.W, [k, d, d])),
    b: tf.variable(tf.tensor2d(w.b, [k, d])),
    uW: tf.variable(tf.tensor2d(w.user.W, [d, a])),
    ub: tf.variable(tf.tensor1d(w.user.b)),
    uh: tf.variable(tf.tensor1d(w.user.h)),
    iW: tf.variable(tf.tensor2d(w.item.W, [d, a])),
    ib: tf.variable(tf.tensor1d(w.item.b)),
    ih: tf.variable(tf.tensor1d(w.item.h)),
  }));
}

export interface TrainedAggregator {
  weights: AggregatorWeights;
  /** The aggregated embeddings after training (n × d, users first). */
  E: Float32Array;
  ms: number;
}

/**
 * Trains the aggregator from its seeded start on ds.train (the data the shards hold) with the shards'
 * final embeddings `shardE` fixed. Deterministic for a given backend, data and seed.
 */
export async function trainAggregator(
  ds: Dataset,
  shardE: Float32Array[],
  d: number,
  seed: number,
  opts: AggregatorOptions = DEFAULT_AGGREGATOR,
  run: { token?: CancelToken; onEpoch?: (epoch: number, epochs: number) => void } = {},
): Promise<TrainedAggregator> {
  const t0 = performance.now();
  const { nUsers, nItems } = ds;
  const n = nUsers + nItems;
  const k = shardE.length;
  const start = initAggregator(k, d, seed);
  const X = stack(shardE, n, d);
  const v = variables(start);
  const optimizer = tf.train.adam(opts.lr);
  const m = ds.train.u.length;
  const rng = makeRng(`${seed}:aggregator`);
  const positives = userItems(nUsers, ds.train);
  const order = Int32Array.from({ length: m }, (_, z) => z);
  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      throwIfCancelled(run.token);
      rng.shuffle(order);
      const negatives = sampleNegatives(ds.train, nItems, rng, 1, positives);
      for (let s = 0; s < m; s += opts.batch) {
        const b = Math.min(opts.batch, m - s);
        const bu = new Int32Array(b), bp = new Int32Array(b), bn = new Int32Array(b);
        for (let j = 0; j < b; j++) {
          const z = order[s + j];
          bu[j] = ds.train.u[z];
          bp[j] = nUsers + ds.train.i[z];
          bn[j] = nUsers + negatives[z];
        }
        tf.tidy(() => {
          const users = tf.tensor1d(bu, 'int32'), pos = tf.tensor1d(bp, 'int32'), neg = tf.tensor1d(bn, 'int32');
          optimizer.minimize(() => {
            const E = forward(X, v, nUsers);
            const eu = gatherRows(E, users);
            const x = tf.sum(tf.mul(eu, tf.sub(gatherRows(E, pos), gatherRows(E, neg))), 1);
            return tf.mean(tf.softplus(tf.neg(x))) as tf.Scalar;
          });
        });
        await yieldToEventLoop();
        throwIfCancelled(run.token);
      }
      run.onEpoch?.(epoch, opts.epochs);
    }
    const E = tf.tidy(() => forward(X, v, nUsers).dataSync() as Float32Array).slice();
    const read = (t: tf.Variable) => Float32Array.from(t.dataSync() as Float32Array);
    const weights: AggregatorWeights = {
      k,
      d,
      a: start.a,
      W: read(v.W),
      b: read(v.b),
      user: { W: read(v.uW), b: read(v.ub), h: read(v.uh) },
      item: { W: read(v.iW), b: read(v.ib), h: read(v.ih) },
    };
    return { weights, E, ms: performance.now() - t0 };
  } finally {
    optimizer.dispose();
    X.dispose();
    tf.dispose(Object.values(v));
  }
}
