import { describe, expect, it } from 'vitest';
import { userItems } from '../../lightgcn';
import type { Dataset } from '../../types';
import { closeness, completeness, movement } from './metrics';

describe('movement', () => {
  it('norms, cosines, per-hop means and Pearson against the reference, on the neighbourhood rows only', () => {
    // 4 nodes, d = 2; neighbourhood: node 1 (hop 1), nodes 2, 3 (hop 2); node 0 ignored.
    const before = new Float32Array(8);
    const after = Float32Array.from([9, 9, 3, 4, 0, 1, 2, 0]);
    const ref = Float32Array.from([0, 0, 6, 8, 1, 0, 1, 0]);
    const hood = { nodes: Int32Array.from([1, 2, 3]), hop: Int8Array.from([1, 2, 2]) };
    const m = movement(after, before, 2, hood, 2, ref);
    expect(Array.from(m.norms)).toEqual([5, 1, 2]);
    expect(m.cos[0]).toBeCloseTo(1, 6);
    expect(m.cos[1]).toBeCloseTo(0, 6);
    expect(m.cos[2]).toBeCloseTo(1, 6);
    expect(m.medianCos).toBeCloseTo(1, 6);
    expect(m.perHop[0]).toBeCloseTo(5, 6);
    expect(m.perHop[1]).toBeCloseTo(1.5, 6);
    // norms (5, 1, 2) vs reference norms (10, 1, 1): r = 21 / √(26/3 · 54) = 21 / √468
    expect(m.pearson).toBeCloseTo(21 / Math.sqrt(468), 6);
  });
});

describe('completeness and closeness', () => {
  // 1 user, 4 items, d = 1: scores e_u · e_i = item embeddings.
  const E = Float32Array.from([1, 0.4, 0.9, 0.1, 0.5]);
  const ds: Dataset = {
    name: 't',
    nUsers: 1,
    nItems: 4,
    userIds: ['u'],
    itemIds: ['a', 'b', 'c', 'd'],
    train: { u: Int32Array.from([0]), i: Int32Array.from([3]) },
    test: { u: new Int32Array(0), i: new Int32Array(0) },
  };
  const remain = userItems(1, ds.train);

  it('ranks forgotten items among the candidates, with D_r positives masked', () => {
    const forgotten = { u: Int32Array.from([0, 0]), i: Int32Array.from([0, 2]) };
    const unseen = { u: Int32Array.from([0, 0]), i: Int32Array.from([1, 1]) };
    const c = completeness(E, 1, ds, forgotten, unseen, remain);
    // candidates a 0.4, b 0.9, c 0.1 (d masked): ranks a → 2, c → 3.
    expect(c.forgetMeanRank).toBe(2.5);
    expect(c.forgetMeanScore).toBeCloseTo(0.25, 6);
    expect(c.forgetInTop20).toBe(1); // only 3 candidates, all in the top 20
    expect(c.miaAuc).toBe(0); // both forgotten score below the unseen item b
  });

  it('top-20 overlap and score correlation of a model with itself and with a reversed one', () => {
    const probe = { users: Int32Array.of(0), items: Int32Array.from([0, 1, 2]), perUser: 3 };
    const self = closeness(E, E, 1, 1, 4, probe, remain);
    expect(self.top20Overlap).toBe(1);
    expect(self.scoreCorr).toBeCloseTo(1, 6);
    const flipped = Float32Array.from([-1, 0.4, 0.9, 0.1, 0.5]);
    expect(closeness(E, flipped, 1, 1, 4, probe, remain).scoreCorr).toBeCloseTo(-1, 6);
  });
});
