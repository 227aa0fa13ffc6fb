import { describe, expect, it } from 'vitest';
import { kCore } from './kcore';
import { makeRng } from '../rng';

function degrees(users: Int32Array, items: Int32Array, alive: Uint8Array, nU: number, nI: number) {
  const du = new Int32Array(nU), di = new Int32Array(nI);
  for (let e = 0; e < users.length; e++) if (alive[e]) { du[users[e]]++; di[items[e]]++; }
  return { du, di };
}

/** Largest edge set whose induced nodes all have degree ≥ k, by trying every node subset. */
function bruteForceCore(users: Int32Array, items: Int32Array, nU: number, nI: number, k: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << (nU + nI); mask++) {
    const alive = Uint8Array.from(users, (u, e) => ((mask >> u) & 1) && ((mask >> (nU + items[e])) & 1) ? 1 : 0);
    const { du, di } = degrees(users, items, alive, nU, nI);
    let ok = true;
    for (let u = 0; u < nU && ok; u++) if ((mask >> u) & 1 && du[u] < k) ok = false;
    for (let i = 0; i < nI && ok; i++) if ((mask >> (nU + i)) & 1 && di[i] < k) ok = false;
    if (ok) best = Math.max(best, alive.reduce((a, b) => a + b, 0));
  }
  return best;
}

describe('kCore', () => {
  it('hand example: a 2-core square survives, a pendant chain peels off in rounds', () => {
    // Users 0,1 × items 0,1 form a 2×2 block; user 2 - item 1 and user 2 - item 2, user 3 - item 2.
    const users = Int32Array.from([0, 0, 1, 1, 2, 2, 3]);
    const items = Int32Array.from([0, 1, 0, 1, 1, 2, 2]);
    const r = kCore(users, items, 4, 3, 2);
    expect(Array.from(r.alive)).toEqual([1, 1, 1, 1, 0, 0, 0]);
    expect(r.removedUsers).toBe(2);
    expect(r.removedItems).toBe(1);
    expect(r.removedEdges).toBe(3);
    expect(r.rounds).toBe(3); // user 3 goes; then item 2; then user 2
  });

  it('k = 1 keeps everything; nothing left when k is too large', () => {
    const users = Int32Array.from([0, 1]), items = Int32Array.from([0, 0]);
    expect(kCore(users, items, 2, 1, 1)).toMatchObject({ removedEdges: 0, rounds: 0 });
    const r = kCore(users, items, 2, 1, 3);
    expect(r.removedEdges).toBe(2);
    expect(r.removedUsers + r.removedItems).toBe(3);
  });

  it('random small graphs: result satisfies the k-core property and is maximal (brute force)', () => {
    const rng = makeRng(9);
    for (let t = 0; t < 40; t++) {
      const nU = 4 + rng.int(3), nI = 4 + rng.int(2), k = 2 + rng.int(2);
      const pairs = new Set<number>();
      const m = 6 + rng.int(14);
      for (let e = 0; e < m; e++) pairs.add(rng.int(nU) * 16 + rng.int(nI));
      const users = Int32Array.from([...pairs], (p) => p >> 4), items = Int32Array.from([...pairs], (p) => p & 15);
      const r = kCore(users, items, nU, nI, k);
      const { du, di } = degrees(users, items, r.alive, nU, nI);
      for (let e = 0; e < users.length; e++) {
        if (r.alive[e]) {
          expect(du[users[e]]).toBeGreaterThanOrEqual(k);
          expect(di[items[e]]).toBeGreaterThanOrEqual(k);
        } else {
          // A removed edge was not kept although both its ends survived.
          expect(du[users[e]] > 0 && di[items[e]] > 0).toBe(false);
        }
      }
      expect(users.length - r.removedEdges).toBe(bruteForceCore(users, items, nU, nI, k));
    }
  });
});
