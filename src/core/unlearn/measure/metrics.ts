/**
 * What is measured for every method (docs/method.md#metrics): utility, completeness, closeness to Retrain, and
 * embedding movement over the forgotten user's neighbourhood against the paired reference.
 */
import { evaluate, scoreItems, topK } from '../../evaluate';
import { hasItem, userItems, type UserItems } from '../../lightgcn';
import { makeRng } from '../../rng';
import type { Dataset, Edges, Graph } from '../../types';
import { endpointNodes, kHopNeighbourhood, type Neighbourhood } from './neighbourhood';
import type { ForgetSplit } from '../../common/request';
import { mean, median, overlap, pearson, rocAuc, rowCosine, rowNorm } from '../../common/stats';

const K = 20;

export interface Completeness {
  /** Fraction of forgotten (user, item) pairs whose item is in the user's top-20 (D_r positives masked). */
  forgetInTop20: number;
  forgetInTop20Count: number;
  /** Mean rank (1 = best) and score of the forgotten items among the user's candidates. */
  forgetMeanRank: number;
  forgetMeanScore: number;
  /** Membership inference: AUC of forgotten pairs' scores vs never-seen pairs' (0.5 = indistinguishable). */
  miaAuc: number;
}

/** Seeded never-seen item per forgotten pair (not in the user's original train or test). */
export function unseenPairs(ds: Dataset, forgotten: Edges, seed: number): Edges {
  const seen = userItems(ds.nUsers, {
    u: Int32Array.from([...ds.train.u, ...ds.test.u]),
    i: Int32Array.from([...ds.train.i, ...ds.test.i]),
  });
  const rng = makeRng(`unseen:${seed}`);
  const i = new Int32Array(forgotten.u.length);
  for (let k = 0; k < i.length; k++) {
    const u = forgotten.u[k];
    let j = rng.int(ds.nItems);
    for (let tries = 0; hasItem(seen, u, j) && tries < 1000; tries++) j = rng.int(ds.nItems);
    i[k] = j;
  }
  return { u: forgotten.u, i };
}

function score(E: Float32Array, d: number, nUsers: number, u: number, i: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += E[u * d + c] * E[(nUsers + i) * d + c];
  return s;
}

export function completeness(
  E: Float32Array,
  d: number,
  dsR: Dataset,
  forgotten: Edges,
  unseen: Edges,
  remainPos: UserItems,
): Completeness {
  const { nUsers, nItems } = dsR;
  const byUser = new Map<number, number[]>();
  for (let k = 0; k < forgotten.u.length; k++) {
    const list = byUser.get(forgotten.u[k]) ?? [];
    list.push(forgotten.i[k]);
    byUser.set(forgotten.u[k], list);
  }
  let inTop = 0;
  let rankSum = 0;
  let scoreSum = 0;
  const scores = new Float64Array(nItems);
  for (const [u, items] of byUser) {
    scoreItems(E, d, nUsers, nItems, u, scores);
    const top = new Set(topK(E, d, nUsers, nItems, u, K, maskOf(remainPos, u)));
    for (const i of items) {
      if (top.has(i)) inTop++;
      let rank = 1;
      for (let j = 0; j < nItems; j++) if (j !== i && scores[j] > scores[i] && !hasItem(remainPos, u, j)) rank++;
      rankSum += rank;
      scoreSum += scores[i];
    }
  }
  const m = forgotten.u.length;
  const fs = Array.from(forgotten.u, (u, k) => score(E, d, nUsers, u, forgotten.i[k]));
  const us = Array.from(unseen.u, (u, k) => score(E, d, nUsers, u, unseen.i[k]));
  return {
    forgetInTop20: inTop / m,
    forgetInTop20Count: inTop,
    forgetMeanRank: rankSum / m,
    forgetMeanScore: scoreSum / m,
    miaAuc: rocAuc(fs, us),
  };
}

function maskOf(pos: UserItems, u: number): Set<number> {
  return new Set(pos.items.subarray(pos.indptr[u], pos.indptr[u + 1]));
}

export interface Utility {
  recall20: number;
  ndcg20: number;
  auc: number;
}

export function utility(E: Float32Array, d: number, dsR: Dataset, seed: number): Utility {
  const m = evaluate(E, d, dsR, { k: K, seed });
  return { recall20: m.recall, ndcg20: m.ndcg, auc: m.auc };
}

/** Users and items on which two models' rankings and scores are compared. */
export interface ClosenessProbe {
  users: Int32Array;
  /** For score correlation: (users[k / perUser], items[k]). */
  items: Int32Array;
  perUser: number;
}

export function closenessProbe(ds: Dataset, seed: number, maxUsers = 200, perUser = 50): ClosenessProbe {
  const rng = makeRng(`closeness:${seed}`);
  const all = rng.shuffle(Int32Array.from({ length: ds.nUsers }, (_, u) => u));
  const users = all.slice(0, Math.min(maxUsers, ds.nUsers)).sort();
  const items = Int32Array.from({ length: users.length * perUser }, () => rng.int(ds.nItems));
  return { users, items, perUser };
}

/** Mean top-20 overlap and Pearson of scores between two models (final embeddings; `d`: both models'
 *  columns, or each's when they differ — an ensemble against one LightGCN). */
export function closeness(
  A: Float32Array,
  B: Float32Array,
  d: number | [number, number],
  nUsers: number,
  nItems: number,
  probe: ClosenessProbe,
  pos: UserItems,
  skipUsers: ReadonlySet<number> = new Set(),
): { top20Overlap: number; scoreCorr: number } {
  const [da, db] = typeof d === 'number' ? [d, d] : d;
  const overlaps: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  probe.users.forEach((u, k) => {
    if (skipUsers.has(u)) return;
    const mask = maskOf(pos, u);
    overlaps.push(overlap(topK(A, da, nUsers, nItems, u, K, mask), topK(B, db, nUsers, nItems, u, K, mask)));
    for (let j = k * probe.perUser; j < (k + 1) * probe.perUser; j++) {
      sa.push(score(A, da, nUsers, u, probe.items[j]));
      sb.push(score(B, db, nUsers, u, probe.items[j]));
    }
  });
  return { top20Overlap: mean(overlaps), scoreCorr: pearson(sa, sb) };
}

/** The forgotten user's (or, for random deletions, the forgotten endpoints') hop 1..K neighbourhood,
 *  without removed users. */
export function movementNeighbourhood(g: Graph, split: ForgetSplit, layers: number): Neighbourhood {
  const seeds = split.request.kind === 'random' ? endpointNodes(split.forgotten, g.nUsers) : Int32Array.of(split.users[0]);
  const h = kHopNeighbourhood(g, seeds, layers);
  const removed = new Set(split.removedUsers);
  const keep: number[] = [];
  for (let k = 0; k < h.nodes.length; k++) if (h.hop[k] >= 1 && !removed.has(h.nodes[k])) keep.push(k);
  return { nodes: Int32Array.from(keep, (k) => h.nodes[k]), hop: Int8Array.from(keep, (k) => h.hop[k]) };
}

export interface Movement {
  /** ‖movement‖ per neighbourhood node, and cosine with the reference's movement. */
  norms: Float32Array;
  cos: Float32Array;
  /** Pearson of the norms with the reference's norms; median cosine; mean norm per hop 1..K. */
  pearson: number;
  medianCos: number;
  perHop: number[];
}

/** movement = after − before on the neighbourhood rows, compared with the reference's. */
export function movement(
  after: Float32Array,
  before: Float32Array,
  d: number,
  hood: Neighbourhood,
  layers: number,
  reference?: Float32Array,
): Movement {
  const m = hood.nodes.length;
  const diff = new Float32Array(m * d);
  const ref = new Float32Array(m * d);
  for (let k = 0; k < m; k++) {
    const o = hood.nodes[k] * d;
    for (let c = 0; c < d; c++) {
      diff[k * d + c] = after[o + c] - before[o + c];
      if (reference) ref[k * d + c] = reference[o + c];
    }
  }
  const norms = Float32Array.from({ length: m }, (_, k) => rowNorm(diff, d, k));
  const cos = Float32Array.from({ length: m }, (_, k) => (reference ? rowCosine(diff, ref, d, k) : NaN));
  const refNorms = Array.from({ length: m }, (_, k) => rowNorm(ref, d, k));
  const perHop = Array.from({ length: layers }, (_, h) => mean(Array.from(norms).filter((_, k) => hood.hop[k] === h + 1)));
  return {
    norms,
    cos,
    pearson: reference ? pearson(norms, refNorms) : NaN,
    medianCos: reference ? median(cos) : NaN,
    perHop,
  };
}
