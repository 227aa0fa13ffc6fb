/**
 * Splitting the training interactions into k shards (docs/method.md#shards):
 *  - 'random-user' (SISA, Bourtoule et al. 2021): a seeded random partition of the users, each user's
 *    interactions in their user's shard, so a whole-user request touches one shard;
 *  - 'balanced-user' (RecEraser, Chen et al. 2022, the paper's UBP): users clustered by the original
 *    model's user embeddings around k anchors, greedily, nearest pairs first, no shard above
 *    BALANCE_CAP × its fair share of users; the anchors move to their users' mean and the assignment is
 *    redone, until it stops changing (or `iterations`);
 *  - 'balanced-interaction' (RecEraser, the IBP of the authors' code): the same on interactions, an
 *    interaction's distance to an anchor (a user and an item embedding) the product of its user's and
 *    its item's squared distances to the anchor's, no shard above BALANCE_CAP × its fair share of
 *    interactions.
 * Every partition is a pure function of its inputs and its seed.
 */
import { makeRng } from '../../rng';
import type { Dataset } from '../../types';

export type PartitionKind = 'random-user' | 'balanced-user' | 'balanced-interaction';

export interface Partition {
  kind: PartitionKind;
  k: number;
  /** The shard of each train interaction (indexed like ds.train). */
  shardOf: Int32Array;
  /** Train interactions per shard. */
  sizes: Int32Array;
  /** Users with at least one interaction in each shard. */
  users: Int32Array;
  /** Assignment rounds the balanced partitions ran (0 for the random one). */
  rounds: number;
}

/** RecEraser's balance: no shard holds more than this × its fair share (the authors' 1.2). */
export const BALANCE_CAP = 1.2;

/** The largest shard a balanced partition of `count` elements into k may hold (never below the fair share). */
export function balanceLimit(count: number, k: number): number {
  return Math.max(Math.ceil(count / k), Math.floor((BALANCE_CAP * count) / k));
}

function checkK(k: number, users: number): void {
  if (!(Number.isInteger(k) && k >= 2)) throw new Error(`shards must be an integer ≥ 2, got ${k}`);
  if (k > users) throw new Error(`${k} shards for ${users} users: at most one shard per user`);
}

/** Sizes and user counts of the shards of `shardOf`. */
function summarise(kind: PartitionKind, k: number, ds: Dataset, shardOf: Int32Array, rounds: number): Partition {
  const sizes = new Int32Array(k);
  const seen = new Uint8Array(ds.nUsers * k);
  const users = new Int32Array(k);
  for (let z = 0; z < shardOf.length; z++) {
    const s = shardOf[z];
    sizes[s]++;
    const key = ds.train.u[z] * k + s;
    if (!seen[key]) {
      seen[key] = 1;
      users[s]++;
    }
  }
  return { kind, k, shardOf, sizes, users, rounds };
}

/** SISA: users shuffled with the seed and dealt round-robin into k shards. */
export function randomUserPartition(ds: Dataset, k: number, seed: number): Partition {
  checkK(k, ds.nUsers);
  const order = makeRng(`sisa-partition:${seed}`).shuffle(Int32Array.from({ length: ds.nUsers }, (_, u) => u));
  const owner = new Int32Array(ds.nUsers);
  order.forEach((u, p) => (owner[u] = p % k));
  return summarise('random-user', k, ds, Int32Array.from(ds.train.u, (u) => owner[u]), 0);
}

/**
 * Greedy capped assignment of `count` elements to k anchors, nearest pairs first: `dist(e, s)` for
 * every pair, sorted ascending (ties: lower element, then lower shard), each element to the first
 * anchor in that order with room left.
 */
function assignCapped(count: number, k: number, limit: number, dist: (e: number, s: number) => number): Int32Array {
  const key = new Float64Array(count * k);
  for (let e = 0; e < count; e++) for (let s = 0; s < k; s++) key[e * k + s] = dist(e, s);
  const order = Int32Array.from({ length: count * k }, (_, p) => p).sort((a, b) => key[a] - key[b] || a - b);
  const out = new Int32Array(count).fill(-1);
  const load = new Int32Array(k);
  for (let q = 0; q < order.length; q++) {
    const e = (order[q] / k) | 0;
    const s = order[q] - e * k;
    if (out[e] >= 0 || load[s] >= limit) continue;
    out[e] = s;
    load[s]++;
  }
  return out;
}

function sqDist(a: Float32Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const t = a[ao + c] - b[bo + c];
    s += t * t;
  }
  return s;
}

/** Means of the rows of `emb` (row of element e: rowOf(e)) per shard; an empty shard keeps its anchor. */
function recentre(anchors: Float64Array, emb: Float32Array, d: number, assign: Int32Array, rowOf: (e: number) => number, k: number): void {
  const sum = new Float64Array(k * d);
  const cnt = new Int32Array(k);
  for (let e = 0; e < assign.length; e++) {
    const s = assign[e];
    cnt[s]++;
    const o = rowOf(e) * d;
    for (let c = 0; c < d; c++) sum[s * d + c] += emb[o + c];
  }
  for (let s = 0; s < k; s++) if (cnt[s] > 0) for (let c = 0; c < d; c++) anchors[s * d + c] = sum[s * d + c] / cnt[s];
}

function same(a: Int32Array, b: Int32Array | null): boolean {
  if (!b) return false;
  for (let e = 0; e < a.length; e++) if (a[e] !== b[e]) return false;
  return true;
}

/**
 * RecEraser's user-based balanced partition from user embeddings `emb` (the original model's, users
 * first, d columns): k distinct seeded users as anchors, then capped nearest-first assignment and
 * re-centring until the assignment repeats or after `iterations` rounds.
 */
export function balancedUserPartition(ds: Dataset, emb: Float32Array, d: number, k: number, seed: number, iterations = 10): Partition {
  checkK(k, ds.nUsers);
  const rng = makeRng(`receraser-ubp:${seed}`);
  const first = rng.shuffle(Int32Array.from({ length: ds.nUsers }, (_, u) => u)).slice(0, k);
  const anchors = new Float64Array(k * d);
  first.forEach((u, s) => {
    for (let c = 0; c < d; c++) anchors[s * d + c] = emb[u * d + c];
  });
  const limit = balanceLimit(ds.nUsers, k);
  let owner: Int32Array | null = null;
  let rounds = 0;
  while (rounds < iterations) {
    const next = assignCapped(ds.nUsers, k, limit, (u, s) => sqDist(emb, u * d, anchors, s * d, d));
    rounds++;
    if (same(next, owner)) break;
    owner = next;
    recentre(anchors, emb, d, owner, (u) => u, k);
  }
  const o = owner!;
  return summarise('balanced-user', k, ds, Int32Array.from(ds.train.u, (u) => o[u]), rounds);
}

/**
 * The interaction-based balanced partition of the RecEraser authors' code: anchors are k seeded
 * interactions (their user's and item's embeddings); an interaction's distance to an anchor is the
 * product of the squared distances of its user and its item to the anchor's (the authors' score);
 * anchors move to the mean user and item embedding of their interactions.
 */
export function balancedInteractionPartition(ds: Dataset, emb: Float32Array, d: number, k: number, seed: number, iterations = 10): Partition {
  checkK(k, ds.nUsers);
  const m = ds.train.u.length;
  if (k > m) throw new Error(`${k} shards for ${m} interactions`);
  const rng = makeRng(`receraser-ibp:${seed}`);
  const first = rng.shuffle(Int32Array.from({ length: m }, (_, z) => z)).slice(0, k);
  const au = new Float64Array(k * d);
  const ai = new Float64Array(k * d);
  const userRow = (z: number) => ds.train.u[z];
  const itemRow = (z: number) => ds.nUsers + ds.train.i[z];
  first.forEach((z, s) => {
    for (let c = 0; c < d; c++) {
      au[s * d + c] = emb[userRow(z) * d + c];
      ai[s * d + c] = emb[itemRow(z) * d + c];
    }
  });
  const limit = balanceLimit(m, k);
  let shardOf: Int32Array | null = null;
  let rounds = 0;
  while (rounds < iterations) {
    const next = assignCapped(m, k, limit, (z, s) => sqDist(emb, userRow(z) * d, au, s * d, d) * sqDist(emb, itemRow(z) * d, ai, s * d, d));
    rounds++;
    if (same(next, shardOf)) break;
    shardOf = next;
    recentre(au, emb, d, shardOf, userRow, k);
    recentre(ai, emb, d, shardOf, itemRow, k);
  }
  return summarise('balanced-interaction', k, ds, shardOf!, rounds);
}

/** The shards holding at least one of the interactions `idx` (ascending). */
export function shardsHolding(p: Partition, idx: ArrayLike<number>): number[] {
  const hit = new Uint8Array(p.k);
  for (let a = 0; a < idx.length; a++) hit[p.shardOf[idx[a]]] = 1;
  return Array.from({ length: p.k }, (_, s) => s).filter((s) => hit[s]);
}
