import { describe, expect, it } from 'vitest';
import { splitPerUser } from './split';
import { makeRng } from '../rng';
import type { Edges } from '../types';

function randomEdges(nU: number, nI: number, seed: number): Edges {
  const rng = makeRng(seed);
  const u: number[] = [], i: number[] = [];
  for (let a = 0; a < nU; a++) {
    const d = 1 + rng.int(40);
    const items = rng.shuffle(Int32Array.from({ length: nI }, (_, k) => k)).subarray(0, d);
    for (const it of items) { u.push(a); i.push(it); }
  }
  return { u: Int32Array.from(u), i: Int32Array.from(i) };
}
const keys = (e: Edges) => Array.from(e.u, (u, k) => `${u}:${e.i[k]}`);

describe('splitPerUser', () => {
  const edges = randomEdges(200, 60, 1);

  it('is disjoint and covering, ~80/20 per user, and every user keeps ≥ 1 train interaction', () => {
    const s = splitPerUser(edges, 200, { seed: 3 });
    const all = [...keys(s.train), ...keys(s.test)].sort();
    expect(all).toEqual(keys(edges).sort());
    expect(new Set(all).size).toBe(all.length);
    expect(s.valid.u.length).toBe(0);
    const tr = new Int32Array(200), te = new Int32Array(200);
    for (const u of s.train.u) tr[u]++;
    for (const u of s.test.u) te[u]++;
    for (let u = 0; u < 200; u++) expect(tr[u]).toBeGreaterThanOrEqual(1);
    expect(Math.abs(s.test.u.length / edges.u.length - 0.2)).toBeLessThan(0.02);
  });

  it('holds out, per user of d interactions, the counts tabulated by hand', () => {
    // d × 0.2 rounded, one always kept for train: 0.2 → 0, 0.4 → 0, 0.6 → 1, … 1.2 → 1, 1.6 → 2, 2.6 → 3.
    const table: [d: number, test: number][] = [[1, 0], [2, 0], [3, 1], [4, 1], [5, 1], [6, 1], [8, 2], [13, 3], [40, 8]];
    const u: number[] = [], i: number[] = [];
    table.forEach(([d], user) => {
      for (let k = 0; k < d; k++) u.push(user), i.push(k);
    });
    const s = splitPerUser({ u: Int32Array.from(u), i: Int32Array.from(i) }, table.length, { seed: 4 });
    const held = table.map((_, user) => s.test.u.filter((x) => x === user).length);
    expect(held).toEqual(table.map(([, t]) => t));
    // At 0.9 the rule that one interaction stays in train decides: 2 → 1, 3 → 2, … 6 → 5, 13 → 12; 40 → 36.
    const most = splitPerUser({ u: Int32Array.from(u), i: Int32Array.from(i) }, table.length, { seed: 4, testFraction: 0.9 });
    expect(table.map((_, user) => most.test.u.filter((x) => x === user).length)).toEqual([0, 1, 2, 3, 4, 5, 7, 12, 36]);
  });

  it('is deterministic by seed and changes with it', () => {
    expect(keys(splitPerUser(edges, 200, { seed: 5 }).test)).toEqual(keys(splitPerUser(edges, 200, { seed: 5 }).test));
    expect(keys(splitPerUser(edges, 200, { seed: 5 }).test)).not.toEqual(keys(splitPerUser(edges, 200, { seed: 6 }).test));
  });

  it('validation comes out of train, and the three parts partition the input', () => {
    const s = splitPerUser(edges, 200, { seed: 3, testFraction: 0.2, validFraction: 0.1 });
    const parts = [keys(s.train), keys(s.valid), keys(s.test)];
    expect(parts.flat().sort()).toEqual(keys(edges).sort());
    expect(keys(s.test)).toEqual(keys(splitPerUser(edges, 200, { seed: 3 }).test));
    expect(Math.abs(s.valid.u.length / (edges.u.length - s.test.u.length) - 0.1)).toBeLessThan(0.03);
    const tr = new Int32Array(200);
    for (const u of s.train.u) tr[u]++;
    expect(Math.min(...tr)).toBeGreaterThanOrEqual(1);
  });

  it('one- and two-interaction users', () => {
    const e: Edges = { u: Int32Array.from([0, 1, 1]), i: Int32Array.from([0, 0, 1]) };
    const s = splitPerUser(e, 2, { testFraction: 0.5 });
    expect(keys(s.train)).toHaveLength(2);
    expect(s.train.u).toContain(0);
    expect(Array.from(s.test.u)).toEqual([1]);
    expect(() => splitPerUser(e, 2, { testFraction: 1 })).toThrow(RangeError);
  });
});
