/** Negative sampling and labelled evaluation pairs, shared by the LightGCN and transformer paths. */
import type { Rng } from '../rng';
import type { Dataset, Edges } from '../types';

/** The set of (user, item) pairs present in any of `parts`, as keys u·nItems + i. */
export function pairSet(nItems: number, ...parts: Edges[]): Set<number> {
  const s = new Set<number>();
  for (const e of parts) for (let k = 0; k < e.u.length; k++) s.add(e.u[k] * nItems + e.i[k]);
  return s;
}

/** An item the user has not interacted with (per `seen`); uniform by rejection, falls back to any
 *  item after 100 tries (a user who saw nearly every item). */
export function sampleNegative(user: number, nItems: number, seen: Set<number>, rng: Rng): number {
  for (let t = 0; t < 100; t++) {
    const i = rng.int(nItems);
    if (!seen.has(user * nItems + i)) return i;
  }
  return rng.int(nItems);
}

/** Labelled pairs: every positive (label 1), each followed by one sampled unseen item (label 0). */
export interface LabelledPairs {
  users: Int32Array;
  items: Int32Array;
  labels: Float32Array;
}

export function labelledPairs(positives: Edges, ds: Dataset, seen: Set<number>, rng: Rng): LabelledPairs {
  const m = positives.u.length;
  const users = new Int32Array(2 * m);
  const items = new Int32Array(2 * m);
  const labels = new Float32Array(2 * m);
  for (let k = 0; k < m; k++) {
    const u = positives.u[k];
    users[2 * k] = u;
    items[2 * k] = positives.i[k];
    labels[2 * k] = 1;
    users[2 * k + 1] = u;
    items[2 * k + 1] = sampleNegative(u, ds.nItems, seen, rng);
  }
  return { users, items, labels };
}

/** Endless shuffled passes over 0..n−1, `take(k)` indices at a time (a new shuffle per pass). */
export function makeCycler(n: number, rng: Rng): { take(k: number): Int32Array } {
  const order = Int32Array.from({ length: n }, (_, k) => k);
  let at = n;
  return {
    take(k: number): Int32Array {
      const out = new Int32Array(k);
      for (let j = 0; j < k; j++) {
        if (at === n) {
          rng.shuffle(order);
          at = 0;
        }
        out[j] = order[at++];
      }
      return out;
    },
  };
}
