/**
 * Full-ranking evaluation (LightGCN protocol): every item is scored for every user with test
 * items, the user's training positives are masked, and Recall@K / NDCG@K are averaged over those
 * users. AUC compares each test positive with one uniformly sampled item the user never
 * interacted with (seeded), as the IFRU and E2URec papers report it.
 */
import { hasItem, userItems, type UserItems } from './lightgcn';
import { makeRng } from './rng';
import { simdKernels } from './spmm/simd';
import type { Dataset, Metrics } from './types';

/** Scores e_u · e_i of one user for all items into `out` (length nItems). */
export function scoreItems(E: Float32Array, dim: number, nUsers: number, nItems: number, user: number, out: Float64Array): Float64Array {
  const uo = user * dim;
  for (let i = 0; i < nItems; i++) {
    const io = (nUsers + i) * dim;
    let s = 0;
    for (let c = 0; c < dim; c++) s += E[uo + c] * E[io + c];
    out[i] = s;
  }
  return out;
}

/** The k best items of a score vector, best first; ties go to the lower item id; `skip` items
 *  are never returned. */
function topOfScores(scores: Float64Array, k: number, skip: (item: number) => boolean): Int32Array {
  const kk = Math.min(k, scores.length);
  const best = new Int32Array(kk);
  const bestScore = new Float64Array(kk);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (size === kk && !(s > bestScore[kk - 1])) continue;
    if (skip(i)) continue;
    let p = size < kk ? size++ : kk - 1;
    while (p > 0 && s > bestScore[p - 1]) {
      best[p] = best[p - 1];
      bestScore[p] = bestScore[p - 1];
      p--;
    }
    best[p] = i;
    bestScore[p] = s;
  }
  return best.slice(0, size);
}

/** Top-k item ids for one user under propagated embeddings E, excluding `exclude`. */
export function topK(
  E: Float32Array,
  dim: number,
  nUsers: number,
  nItems: number,
  user: number,
  k: number,
  exclude?: Set<number>,
): Int32Array {
  const scores = scoreItems(E, dim, nUsers, nItems, user, new Float64Array(nItems));
  return topOfScores(scores, k, exclude ? (i) => exclude.has(i) : () => false);
}

export function evaluate(E: Float32Array, dim: number, ds: Dataset, opts: { k?: number; seed?: number } = {}): Metrics {
  const k = opts.k ?? 20;
  const { nUsers, nItems } = ds;
  const train: UserItems = userItems(nUsers, ds.train);
  const test: UserItems = userItems(nUsers, ds.test);
  const rng = makeRng(opts.seed ?? 0);
  const scores = new Float64Array(nItems);
  const simd = dim % 16 === 0 ? simdKernels() : null;
  const score = simd
    ? simd.scorer(E, dim, nUsers, nItems)
    : (u: number, out: Float64Array) => void scoreItems(E, dim, nUsers, nItems, u, out);
  const discount = Float64Array.from({ length: k }, (_, r) => 1 / Math.log2(r + 2));
  let recall = 0;
  let ndcg = 0;
  let users = 0;
  let aucSum = 0;
  let aucPairs = 0;
  for (let u = 0; u < nUsers; u++) {
    const t0 = test.indptr[u];
    const t1 = test.indptr[u + 1];
    if (t1 === t0) continue;
    score(u, scores);
    const top = topOfScores(scores, k, (i) => hasItem(train, u, i));
    let hits = 0;
    let dcg = 0;
    for (let r = 0; r < top.length; r++) {
      if (hasItem(test, u, top[r])) {
        hits++;
        dcg += discount[r];
      }
    }
    const nTest = t1 - t0;
    let idcg = 0;
    for (let r = 0; r < Math.min(k, nTest); r++) idcg += discount[r];
    recall += hits / nTest;
    ndcg += dcg / idcg;
    users++;

    const seen = train.indptr[u + 1] - train.indptr[u] + nTest;
    if (seen >= nItems) continue;
    for (let t = t0; t < t1; t++) {
      let j = rng.int(nItems);
      while (hasItem(train, u, j) || hasItem(test, u, j)) j = rng.int(nItems);
      const sp = scores[test.items[t]];
      const sn = scores[j];
      aucSum += sp > sn ? 1 : sp === sn ? 0.5 : 0;
      aucPairs++;
    }
  }
  return {
    recall: users ? recall / users : 0,
    ndcg: users ? ndcg / users : 0,
    auc: aucPairs ? aucSum / aucPairs : 0.5,
    k,
  };
}
