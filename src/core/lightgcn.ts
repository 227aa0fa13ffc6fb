/**
 * LightGCN (He et al., SIGIR 2020): the only parameters are the layer-0 embeddings E⁽⁰⁾ of users
 * and items; E⁽ᵏ⁺¹⁾ = Â E⁽ᵏ⁾ and the final embedding is the mean over k = 0..K. Scores are inner
 * products, trained with the BPR loss (Rendle et al. 2009).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';
import { makeRng } from './rng';
import type { Dataset, Edges, Graph } from './types';
import { gatherRows, propagateMean, propagateMeanCpu, rowDot, type GraphTensors } from './spmm';

/** E⁽⁰⁾ ~ N(0, std²), n × dim row-major, seeded. */
export function initEmbeddings(n: number, dim: number, std: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  const e = new Float32Array(n * dim);
  for (let k = 0; k < e.length; k++) e[k] = std * rng.normal();
  return e;
}

/** E = (1/(K+1)) Σ_{k=0..K} Â^k E⁽⁰⁾ — one fused, twice-differentiable op. */
export function propagate(g: GraphTensors, E0: tf.Tensor2D, layers: number): tf.Tensor2D {
  return propagateMean(g, E0, layers);
}

/** propagate on plain typed arrays (no tfjs), for evaluation and the UI. */
export function propagateCpu(g: Graph, E0: Float32Array, dim: number, layers: number): Float32Array {
  return propagateMeanCpu(g, E0, dim, layers);
}

/**
 * BPR loss of a batch: mean_b −ln σ(e_u·e_p − e_u·e_n) + reg/2 · (‖E⁽⁰⁾_u‖² + ‖E⁽⁰⁾_p‖² + ‖E⁽⁰⁾_n‖²)/batch.
 * `pos` and `neg` are item ids (0-based among items); rows of E are users first.
 */
export function bprLoss(
  E: tf.Tensor2D,
  E0: tf.Tensor2D,
  nUsers: number,
  users: tf.Tensor1D,
  pos: tf.Tensor1D,
  neg: tf.Tensor1D,
  reg: number,
): tf.Scalar {
  return tf.tidy(() => {
    const batch = users.shape[0];
    const posRows = tf.add(pos, tf.scalar(nUsers, 'int32')) as tf.Tensor1D;
    const negRows = tf.add(neg, tf.scalar(nUsers, 'int32')) as tf.Tensor1D;
    const eu = gatherRows(E, users);
    const diff = tf.sub(gatherRows(E, posRows), gatherRows(E, negRows)) as tf.Tensor2D;
    // Row sums through rowDot: tf.sum(·, 1)'s gradient uploads a batch × d table of ones on webgpu.
    const x = rowDot(eu, diff);
    // −ln σ(x) = softplus(−x); tf.logSigmoid is a customGrad op without a second derivative.
    const data = tf.mean(tf.softplus(tf.neg(x)));
    if (reg === 0) return data as tf.Scalar;
    const sq = (rows: tf.Tensor1D) => {
      const r = gatherRows(E0, rows);
      return rowDot(r, r);
    };
    const norm = tf.sum(tf.addN([sq(users), sq(posRows), sq(negRows)]));
    return tf.add(data, tf.mul(norm, reg / 2 / batch)) as tf.Scalar;
  });
}

/** Each user's training items as sorted CSR rows, for fast membership tests. */
export interface UserItems {
  nUsers: number;
  indptr: Int32Array;
  items: Int32Array;
  /** The same sets as bit rows of `words` 32-bit words per user, when they fit in BITSET_MAX_BYTES:
   *  hasItem is then one load (sampling the 80k fixed negatives of the default data went from
   *  ≈ 17 to 12 ms). */
  bits?: Uint32Array;
  words: number;
}

/** Bit rows are kept up to this size (4 MB: e.g. 6,000 users × 5,000 items). */
export const BITSET_MAX_BYTES = 4 << 20;

export function userItems(nUsers: number, edges: Edges): UserItems {
  const indptr = new Int32Array(nUsers + 1);
  let maxItem = -1;
  for (let k = 0; k < edges.u.length; k++) {
    indptr[edges.u[k] + 1]++;
    if (edges.i[k] > maxItem) maxItem = edges.i[k];
  }
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];
  const fill = indptr.slice(0, nUsers);
  const items = new Int32Array(edges.u.length);
  for (let k = 0; k < edges.u.length; k++) items[fill[edges.u[k]]++] = edges.i[k];
  for (let u = 0; u < nUsers; u++) items.subarray(indptr[u], indptr[u + 1]).sort();
  const words = (maxItem + 32) >>> 5;
  if (nUsers * words * 4 > BITSET_MAX_BYTES) return { nUsers, indptr, items, words: 0 };
  const bits = new Uint32Array(nUsers * words);
  for (let k = 0; k < edges.u.length; k++) bits[edges.u[k] * words + (edges.i[k] >>> 5)] |= 1 << (edges.i[k] & 31);
  return { nUsers, indptr, items, bits, words };
}

export function hasItem(ui: UserItems, user: number, item: number): boolean {
  if (ui.bits) return item < ui.words * 32 && ((ui.bits[user * ui.words + (item >>> 5)] >>> (item & 31)) & 1) === 1;
  let lo = ui.indptr[user];
  let hi = ui.indptr[user + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ui.items[mid];
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * One uniformly drawn negative item per training interaction (count per interaction, laid out
 * [k·count + c]), rejecting the interaction's user's own positives. `positives` defaults to the
 * training edges; pass a prebuilt `UserItems` to avoid rebuilding it every epoch.
 */
export function sampleNegatives(
  source: Dataset | Edges,
  nItems: number,
  rng: Rng,
  count = 1,
  positives?: UserItems,
): Int32Array {
  const edges: Edges = 'train' in source ? source.train : source;
  const nUsers = 'nUsers' in source ? source.nUsers : maxPlusOne(edges.u);
  const pos = positives ?? userItems(nUsers, edges);
  const m = edges.u.length;
  const out = new Int32Array(m * count);
  for (let k = 0; k < m; k++) {
    const u = edges.u[k];
    const full = pos.indptr[u + 1] - pos.indptr[u] >= nItems;
    for (let c = 0; c < count; c++) {
      let j = rng.int(nItems);
      // A user who has every item has no negatives; keep the draw rather than loop forever.
      while (!full && hasItem(pos, u, j)) j = rng.int(nItems);
      out[k * count + c] = j;
    }
  }
  return out;
}

function maxPlusOne(a: Int32Array): number {
  let m = -1;
  for (let k = 0; k < a.length; k++) if (a[k] > m) m = a[k];
  return m + 1;
}

/**
 * bprLoss and its gradient with respect to the PROPAGATED embeddings E (data term) on plain
 * typed arrays, for the fast training path. Adds into gradE (n × dim) and returns the loss.
 * The L2 term is not included here: it acts on E⁽⁰⁾ rows and is added by bprRegGradCpu.
 */
export function bprDataGradCpu(
  E: Float32Array,
  dim: number,
  nUsers: number,
  users: Int32Array,
  pos: Int32Array,
  neg: Int32Array,
  gradE: Float32Array,
): number {
  const batch = users.length;
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const uo = users[b] * dim;
    const po = (nUsers + pos[b]) * dim;
    const no = (nUsers + neg[b]) * dim;
    let x = 0;
    for (let c = 0; c < dim; c++) x += E[uo + c] * (E[po + c] - E[no + c]);
    // −ln σ(x) = softplus(−x), computed stably; d/dx = −σ(−x).
    loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    const coef = -1 / (1 + Math.exp(x)) / batch;
    for (let c = 0; c < dim; c++) {
      const eu = E[uo + c];
      gradE[uo + c] += coef * (E[po + c] - E[no + c]);
      gradE[po + c] += coef * eu;
      gradE[no + c] -= coef * eu;
    }
  }
  return loss / batch;
}

/** Adds the gradient of reg/2 · (‖E⁽⁰⁾_u‖² + ‖E⁽⁰⁾_p‖² + ‖E⁽⁰⁾_n‖²)/batch into grad; returns that term. */
export function bprRegGradCpu(
  E0: Float32Array,
  dim: number,
  nUsers: number,
  users: Int32Array,
  pos: Int32Array,
  neg: Int32Array,
  reg: number,
  grad: Float32Array,
): number {
  const batch = users.length;
  const scale = reg / batch;
  let sq = 0;
  for (let b = 0; b < batch; b++) {
    for (const row of [users[b], nUsers + pos[b], nUsers + neg[b]]) {
      const o = row * dim;
      for (let c = 0; c < dim; c++) {
        const v = E0[o + c];
        sq += v * v;
        grad[o + c] += scale * v;
      }
    }
  }
  return (scale / 2) * sq;
}
