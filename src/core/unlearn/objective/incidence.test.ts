import { describe, expect, it } from 'vitest';
import { interactionIncidence, touching } from './incidence';

describe('interaction incidence', () => {
  // 2 users, 3 items (nodes 2..4): (u0, i0, neg i1), (u1, i1, neg i2), (u1, i2, neg i0)
  const t = { users: Int32Array.from([0, 1, 1]), pos: Int32Array.from([0, 1, 2]), neg: Int32Array.from([1, 2, 0]) };
  const inc = interactionIncidence(t, 2, 5);

  it('lists every interaction under its user, positive and negative node', () => {
    const of = (v: number) => Array.from(inc.ids.subarray(inc.indptr[v], inc.indptr[v + 1])).sort();
    expect(of(0)).toEqual([0]);
    expect(of(1)).toEqual([1, 2]);
    expect(of(2)).toEqual([0, 2]); // item 0: positive of 0, negative of 2
    expect(of(3)).toEqual([0, 1]);
    expect(of(4)).toEqual([1, 2]);
  });

  it('touching returns each interaction once, ascending', () => {
    expect(Array.from(touching(inc, [2, 3]))).toEqual([0, 1, 2]);
    expect(Array.from(touching(inc, [0]))).toEqual([0]);
    expect(Array.from(touching(inc, []))).toEqual([]);
  });
});
