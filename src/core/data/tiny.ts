/**
 * A tiny seeded data set: the unit tests' problems and the influence methods' once-per-process
 * warm-up (which compiles the kernels on it, not on the real model).
 */
import { makeRng } from '../rng';
import type { Dataset } from '../types';

/** Seeded random bipartite data: each user gets minItems + [0, spread) distinct items. */
export function tinyDataset(nUsers = 8, nItems = 10, minItems = 3, spread = 3): Dataset {
  const rng = makeRng(`tiny-unlearn:${nUsers}x${nItems}`);
  const u: number[] = [];
  const i: number[] = [];
  for (let user = 0; user < nUsers; user++) {
    const items = rng.shuffle(Array.from({ length: nItems }, (_, k) => k)).slice(0, minItems + rng.int(spread));
    for (const it of items) {
      u.push(user);
      i.push(it);
    }
  }
  return {
    name: 'tiny',
    nUsers,
    nItems,
    userIds: Array.from({ length: nUsers }, (_, k) => `u${k}`),
    itemIds: Array.from({ length: nItems }, (_, k) => `i${k}`),
    train: { u: Int32Array.from(u), i: Int32Array.from(i) },
    test: { u: new Int32Array(0), i: new Int32Array(0) },
  };
}
