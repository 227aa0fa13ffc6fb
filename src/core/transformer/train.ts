/**
 * Training and scoring of the transformer recommender on windows, with SASRec's pointwise loss:
 * at every position, BCE of the next item (label 1) and of one sampled unseen item (label 0).
 */
import * as tf from '@tensorflow/tfjs';
import { bceWithLogits, weightedMean } from '../common/losses';
import { ctrMetrics, type CtrMetrics } from '../common/ctr';
import { sampleNegative } from '../common/sampling';
import { makeRng, type Rng } from '../rng';
import { throwIfCancelled, type CancelToken } from '../types';
import { makeYielder } from '../common/yielder';
import { hiddenStates, itemLogits, transformerVariables, type AttentionLora, type TransformerParams } from './model';
import { lastWindows, type Sequences, type Windows } from './sequences';

/** Windows with one sampled negative per position; logits are laid out [targets …, negatives …]. */
export interface WindowBatch {
  B: number;
  L: number;
  inputs: Int32Array;
  pos: Int32Array;
  neg: Int32Array;
  mask: Float32Array;
}

export function windowBatch(w: Windows, idx: ArrayLike<number>, nItems: number, seen: Set<number>, rng: Rng): WindowBatch {
  const { L } = w;
  const B = idx.length;
  const inputs = new Int32Array(B * L);
  const pos = new Int32Array(B * L);
  const neg = new Int32Array(B * L);
  const mask = new Float32Array(B * L);
  for (let b = 0; b < B; b++) {
    const k = idx[b];
    inputs.set(w.inputs.subarray(k * L, (k + 1) * L), b * L);
    pos.set(w.targets.subarray(k * L, (k + 1) * L), b * L);
    mask.set(w.mask.subarray(k * L, (k + 1) * L), b * L);
    for (let t = 0; t < L; t++) neg[b * L + t] = mask[b * L + t] ? sampleNegative(w.user[k], nItems, seen, rng) : 0;
  }
  return { B, L, inputs, pos, neg, mask };
}

export function windowLogits(p: TransformerParams, b: WindowBatch, lora?: AttentionLora | null): tf.Tensor1D {
  return tf.tidy(() => {
    const h = hiddenStates(p, tf.tensor1d(b.inputs, 'int32'), b.B, b.L, lora);
    const items = tf.tensor1d(Int32Array.from([...b.pos, ...b.neg]), 'int32');
    return itemLogits(p, tf.concat([h, h]) as tf.Tensor2D, items);
  });
}

/** [mask; mask]: one weight per logit of windowLogits. */
export function windowWeights(b: WindowBatch): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from([...b.mask, ...b.mask]));
}

export function windowBce(b: WindowBatch, logits: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const n = b.B * b.L;
    const labels = tf.concat([tf.ones([n]), tf.zeros([n])]) as tf.Tensor1D;
    return weightedMean(bceWithLogits(logits, labels), windowWeights(b));
  });
}

export interface FitOptions {
  /** Passes over the windows (ignored when `steps` is set). */
  epochs: number;
  /** Exactly this many batches instead of epochs. */
  steps?: number;
  lr: number;
  batch: number;
  seed: number;
  /** Gradient ascent (NegGrad) instead of descent. */
  ascent?: boolean;
}

export interface FitRun {
  token?: CancelToken;
  /** After each epoch (or every `steps` batch): its index, count and mean loss. */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** Adam on every weight of `p` over the windows; returns the mean loss of each epoch. */
export async function fitWindows(
  p: TransformerParams,
  w: Windows,
  nItems: number,
  seen: Set<number>,
  opts: FitOptions,
  run: FitRun = {},
): Promise<number[]> {
  const rng = makeRng(`${opts.seed}:fit`);
  const optimizer = tf.train.adam(opts.lr);
  const vars = transformerVariables(p);
  const pause = makeYielder();
  const order = Int32Array.from({ length: w.count }, (_, k) => k);
  const losses: number[] = [];
  const sign = opts.ascent ? -1 : 1;
  const batchesPerEpoch = Math.ceil(w.count / opts.batch);
  const epochs = opts.steps !== undefined ? Math.ceil(opts.steps / batchesPerEpoch) : opts.epochs;
  let stepsLeft = opts.steps ?? Infinity;
  try {
    for (let e = 0; e < epochs && stepsLeft > 0 && w.count > 0; e++) {
      rng.shuffle(order);
      let sum = 0, count = 0;
      for (let s = 0; s < w.count && stepsLeft > 0; s += opts.batch, stepsLeft--) {
        throwIfCancelled(run.token);
        const b = windowBatch(w, order.subarray(s, Math.min(w.count, s + opts.batch)), nItems, seen, rng);
        const cost = optimizer.minimize(() => windowBce(b, windowLogits(p, b)).mul(sign) as tf.Scalar, true, vars) as tf.Scalar;
        sum += sign * (await cost.data())[0];
        cost.dispose();
        count++;
        await pause();
      }
      losses.push(sum / count);
      run.onEpoch?.(e + 1, epochs, sum / count);
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}

/** Each user's state after reading their (last L) history, [nUsers × d]; zero rows for users
 *  without history. */
export async function userStates(p: TransformerParams, seqs: Sequences, lora?: AttentionLora | null, chunk = 256): Promise<Float32Array> {
  const { dim: d, maxLen: L } = p.cfg;
  const { inputs, last } = lastWindows(seqs, L);
  const out = new Float32Array(seqs.nUsers * d);
  for (let u0 = 0; u0 < seqs.nUsers; u0 += chunk) {
    const B = Math.min(chunk, seqs.nUsers - u0);
    const rows = Int32Array.from({ length: B }, (_, b) => (u0 + b) * L + Math.max(0, last[u0 + b]));
    const h = tf.tidy(() => {
      const all = hiddenStates(p, tf.tensor1d(inputs.subarray(u0 * L, (u0 + B) * L), 'int32'), B, L, lora);
      return tf.gather(all, tf.tensor1d(rows.map((r) => r - u0 * L), 'int32'));
    });
    const data = (await h.data()) as Float32Array;
    h.dispose();
    for (let b = 0; b < B; b++) if (last[u0 + b] >= 0) out.set(data.subarray(b * d, (b + 1) * d), (u0 + b) * d);
  }
  return out;
}

/** CTR metrics of (user, item, label) pairs scored from user states. */
export async function pairMetrics(
  p: TransformerParams,
  states: Float32Array,
  pairs: { users: Int32Array; items: Int32Array; labels: Float32Array },
): Promise<CtrMetrics> {
  const d = p.cfg.dim;
  const emb = (await p.itemEmb.data()) as Float32Array;
  const logits = new Float64Array(pairs.users.length);
  for (let k = 0; k < logits.length; k++) {
    const a = pairs.users[k] * d;
    const b = pairs.items[k] * d;
    let s = 0;
    for (let c = 0; c < d; c++) s += states[a + c] * emb[b + c];
    logits[k] = s;
  }
  return ctrMetrics(logits, pairs.labels);
}

/** CTR metrics on the masked positions of fixed window batches (targets vs their negatives). */
export async function windowMetrics(p: TransformerParams, batches: WindowBatch[], lora?: AttentionLora | null): Promise<CtrMetrics> {
  const logits: number[] = [];
  const labels: number[] = [];
  for (const b of batches) {
    const z = windowLogits(p, b, lora);
    const data = await z.data();
    z.dispose();
    const n = b.B * b.L;
    for (let k = 0; k < n; k++) {
      if (!b.mask[k]) continue;
      logits.push(data[k], data[n + k]);
      labels.push(1, 0);
    }
  }
  return ctrMetrics(logits, labels);
}
