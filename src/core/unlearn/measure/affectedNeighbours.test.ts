import { describe, expect, it } from 'vitest';
import { affectedNeighbours } from './affectedNeighbours';
import { userItems } from '../../lightgcn';
import { buildGraph } from '../../graph';
import { kHopNeighbourhood } from './neighbourhood';
import { makeRng } from '../../rng';

// 6 users × 12 items. User 0 is deleted whole: items 0, 1, 2. Users 1..3 share some of them (hop 2);
// user 4 shares only items of user 1 (hop 4); user 5 shares nothing.
const nUsers = 6;
const nItems = 12;
const dim = 4;
const train = [
  [0, 0], [0, 1], [0, 2],
  [1, 0], [1, 1], [1, 3], [1, 4],
  [2, 1], [2, 5],
  [3, 2], [3, 0], [3, 2 + 4], [3, 7],
  [4, 3], [4, 8],
  [5, 9], [5, 10],
];
const edges = { u: Int32Array.from(train, (p) => p[0]), i: Int32Array.from(train, (p) => p[1]) };
const keep = train.map((p) => p[0] !== 0);
const remaining = { u: edges.u.filter((_, k) => keep[k]), i: edges.i.filter((_, k) => keep[k]) };
const forgotten = { u: edges.u.filter((_, k) => !keep[k]), i: edges.i.filter((_, k) => !keep[k]) };
const graph = buildGraph(nUsers, nItems, edges);
const hood = kHopNeighbourhood(graph, [0], 3); // seeded at the deleted user, as movementNeighbourhood does
const remainPos = userItems(nUsers, remaining);

function randomE(seed: string): Float32Array {
  const rng = makeRng(seed);
  return Float32Array.from({ length: (nUsers + nItems) * dim }, () => rng.next() * 2 - 1);
}

/** Brute force: score every item, drop the user's remaining positives, sort by score (float64). */
function bruteTop(E: Float32Array, u: number, k: number): number[] {
  const own = new Set(remaining.i.filter((_, q) => remaining.u[q] === u));
  const scored: [number, number][] = [];
  for (let i = 0; i < nItems; i++) {
    if (own.has(i)) continue;
    let s = 0;
    for (let c = 0; c < dim; c++) s += E[u * dim + c] * E[(nUsers + i) * dim + c];
    scored.push([i, s]);
  }
  return scored.sort((a, b) => b[1] - a[1]).slice(0, k).map((x) => x[0]);
}

describe('affectedNeighbours', () => {
  const before = randomE('before');
  const after = randomE('after');
  const base = { nodes: hood.nodes, hop: hood.hop, nUsers, nItems, dim, removed: new Set([0]), forgottenItems: forgotten.i, remainPos, before, k: 5 };

  it('lists only remaining hop-2 users, the most shared items first when no weight is given', () => {
    const out = affectedNeighbours({ ...base, after: { m: { E: after } }, count: 10 });
    // Users 1 and 3 share two forgotten items, user 2 one; users 0 (deleted), 4 (hop 4) and 5 are not listed.
    expect(out.map((n) => n.user)).toEqual([1, 3, 2]);
    expect(out.map((n) => n.shared)).toEqual([2, 2, 1]);
  });

  it('ranks by the given weight and keeps `count`', () => {
    const weight = Float32Array.from(hood.nodes, (v) => (v === 2 ? 9 : v === 3 ? 5 : v === 1 ? 1 : 100));
    const out = affectedNeighbours({ ...base, weight, after: { m: { E: after } }, count: 2 });
    expect(out.map((n) => n.user)).toEqual([2, 3]);
    expect(out.map((n) => n.weight)).toEqual([9, 5]);
  });

  it('top lists match a brute-force ranking with remaining positives masked, and mark entered items', () => {
    const out = affectedNeighbours({ ...base, after: { m: { E: after } } });
    for (const n of out) {
      expect(Array.from(n.before)).toEqual(bruteTop(before, n.user, 5));
      const top = bruteTop(after, n.user, 5);
      expect(Array.from(n.after.m.top)).toEqual(top);
      const was = new Set(bruteTop(before, n.user, 5));
      expect(Array.from(n.after.m.entered)).toEqual(top.map((i) => (was.has(i) ? 0 : 1)));
    }
    // Unchanged embeddings: nothing enters.
    const same = affectedNeighbours({ ...base, after: { m: { E: before } } });
    for (const n of same) expect(Array.from(n.after.m.entered)).toEqual([0, 0, 0, 0, 0]);
  });

  it('a paired series marks entries against its own run on all data', () => {
    const out = affectedNeighbours({ ...base, after: { ref: { E: after, before: after } } });
    for (const n of out) expect(n.after.ref.entered.every((x) => x === 0)).toBe(true);
  });
});
