/**
 * Users' histories as item sequences, cut into fixed-length training windows (SASRec's input).
 * The Dataset carries no timestamps, so a user's history is their train items in a seeded random
 * order — fixed once on the full data, so removing D_f keeps the remaining items' order. The
 * model is then a history-conditioned click predictor rather than a next-in-time one.
 */
import { makeRng } from '../rng';
import type { Dataset, Edges } from '../types';

/** Per-user item sequences in CSR form: user u's history is items[indptr[u] .. indptr[u+1]). */
export interface Sequences {
  nUsers: number;
  indptr: Int32Array;
  items: Int32Array;
}

export function userSequences(ds: Dataset, seed: number): Sequences {
  const { nUsers } = ds;
  const indptr = new Int32Array(nUsers + 1);
  for (let k = 0; k < ds.train.u.length; k++) indptr[ds.train.u[k] + 1]++;
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];
  const fill = indptr.slice(0, nUsers);
  const items = new Int32Array(ds.train.u.length);
  for (let k = 0; k < ds.train.u.length; k++) items[fill[ds.train.u[k]]++] = ds.train.i[k];
  const rng = makeRng(`${seed}:sequences`);
  for (let u = 0; u < nUsers; u++) rng.shuffle(items.subarray(indptr[u], indptr[u + 1]));
  return { nUsers, indptr, items };
}

/** Marks, per position of `seqs`, whether that (user, item) is in `forgotten`. */
export function forgottenPositions(seqs: Sequences, nItems: number, forgotten: Edges): Uint8Array {
  const gone = new Set<number>();
  for (let k = 0; k < forgotten.u.length; k++) gone.add(forgotten.u[k] * nItems + forgotten.i[k]);
  const mark = new Uint8Array(seqs.items.length);
  for (let u = 0; u < seqs.nUsers; u++) {
    for (let j = seqs.indptr[u]; j < seqs.indptr[u + 1]; j++) mark[j] = gone.has(u * nItems + seqs.items[j]) ? 1 : 0;
  }
  return mark;
}

/** The sequences without the marked positions (order of the rest kept). */
export function withoutPositions(seqs: Sequences, drop: Uint8Array): Sequences {
  const indptr = new Int32Array(seqs.nUsers + 1);
  const items: number[] = [];
  for (let u = 0; u < seqs.nUsers; u++) {
    for (let j = seqs.indptr[u]; j < seqs.indptr[u + 1]; j++) if (!drop[j]) items.push(seqs.items[j]);
    indptr[u + 1] = items.length;
  }
  return { nUsers: seqs.nUsers, indptr, items: Int32Array.from(items) };
}

/**
 * Training windows: each sequence is cut, from its end, into chunks of L targets; position t of
 * a window reads the window's inputs 0..t and targets the item after input t, so every item but a
 * user's first is a target exactly once. Only the last `maxWindows` windows of a user are kept (a
 * history-length cap, as SASRec keeps the last L items). `mask` is 1 where the position has a
 * target (and, with `targetFilter`, only where that target's position is marked); windows without
 * any such position are left out. Windows are right-padded with item 0 and mask 0.
 */
export interface Windows {
  count: number;
  L: number;
  user: Int32Array;
  inputs: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
}

export function trainingWindows(
  seqs: Sequences,
  L: number,
  opts: { targetFilter?: Uint8Array; maxWindows?: number } = {},
): Windows {
  const { targetFilter, maxWindows = Infinity } = opts;
  const user: number[] = [];
  const inputs: number[] = [];
  const targets: number[] = [];
  const mask: number[] = [];
  for (let u = 0; u < seqs.nUsers; u++) {
    const s = seqs.indptr[u];
    const n = seqs.indptr[u + 1] - s;
    const first: number[] = []; // first target position of each window, oldest first
    for (let end = n - 1, k = 0; end >= 1 && k < maxWindows; end -= L, k++) first.unshift(Math.max(1, end - L + 1));
    for (let w = 0; w < first.length; w++) {
      const lastTarget = w + 1 < first.length ? first[w + 1] - 1 : n - 1;
      let any = false;
      const wi: number[] = [], wt: number[] = [], wm: number[] = [];
      for (let t = 0; t < L; t++) {
        const at = first[w] + t; // target position
        const has = at <= lastTarget;
        wi.push(has ? seqs.items[s + at - 1] : 0);
        wt.push(has ? seqs.items[s + at] : 0);
        const m = has && (!targetFilter || targetFilter[s + at] === 1) ? 1 : 0;
        wm.push(m);
        any ||= m === 1;
      }
      if (!any) continue;
      user.push(u);
      inputs.push(...wi);
      targets.push(...wt);
      mask.push(...wm);
    }
  }
  return {
    count: user.length,
    L,
    user: Int32Array.from(user),
    inputs: Int32Array.from(inputs),
    targets: Int32Array.from(targets),
    mask: Float32Array.from(mask),
  };
}

/** Each user's last min(n, L) items as one right-padded window, and the index of its last item
 *  (−1 for an empty history). */
export function lastWindows(seqs: Sequences, L: number): { inputs: Int32Array; last: Int32Array } {
  const inputs = new Int32Array(seqs.nUsers * L);
  const last = new Int32Array(seqs.nUsers);
  for (let u = 0; u < seqs.nUsers; u++) {
    const e = seqs.indptr[u + 1];
    const s = Math.max(seqs.indptr[u], e - L);
    for (let j = s; j < e; j++) inputs[u * L + (j - s)] = seqs.items[j];
    last[u] = e - s - 1;
  }
  return { inputs, last };
}
