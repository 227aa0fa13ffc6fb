import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../graph';
import { importanceScores, pruneByQuantile } from './importance';

// Path u0 – i0 – u1 – i1 – u2 – i2 (nodes: users 0..2, items 3..5), plus u1 – i2.
const edges = { u: Int32Array.from([0, 1, 1, 2, 2, 1]), i: Int32Array.from([0, 0, 1, 1, 2, 2]) };
const g = buildGraph(3, 3, edges);

describe('importanceScores', () => {
  it('starts at removed/degree and passes score / receiver degree per hop', () => {
    // forget (u0, i0): deg u0 = 1, deg i0 = 2 → s0(u0) = 1, s0(i0) = 1/2.
    const f = { u: Int32Array.from([0]), i: Int32Array.from([0]) };
    const s0 = importanceScores(g, f, 0);
    expect(s0[0]).toBeCloseTo(1, 12);
    expect(s0[3]).toBeCloseTo(0.5, 12);
    expect(s0[1]).toBe(0);
    const s1 = importanceScores(g, f, 1);
    // hop 1: u0 receives s0(i0)/deg(u0) = 0.5; i0 receives (s0(u0) + s0(u1))/deg(i0) = 0.5;
    // u1 (deg 3) receives s0(i0)/3.
    expect(s1[0]).toBeCloseTo(1.5, 12);
    expect(s1[3]).toBeCloseTo(1.0, 12);
    expect(s1[1]).toBeCloseTo(1 / 6, 12);
    expect(s1[4]).toBe(0);
  });

  it('pruneByQuantile keeps the top scores', () => {
    const s = Float64Array.from([0, 4, 1, 3, 2, 0]);
    expect(Array.from(pruneByQuantile(s, 0))).toEqual([1, 2, 3, 4]);
    expect(Array.from(pruneByQuantile(s, 0.5))).toEqual([1, 3]);
    expect(() => pruneByQuantile(s, 1)).toThrow();
  });
});
