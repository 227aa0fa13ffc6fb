import { describe, expect, it } from 'vitest';
import { buildGraph, denseAdjacency } from './graph';

describe('buildGraph', () => {
  // users 0,1; items 0,1,2. Edges: (0,0) (0,1) (1,1) (1,2), plus a duplicate (0,0).
  const edges = { u: Int32Array.from([0, 0, 1, 1, 0]), i: Int32Array.from([0, 1, 1, 2, 0]) };
  const g = buildGraph(2, 3, edges);

  it('counts degrees once per distinct interaction, users first', () => {
    expect(g.n).toBe(5);
    expect(Array.from(g.degree)).toEqual([2, 2, 1, 2, 1]);
    expect(Array.from(g.indptr)).toEqual([0, 2, 4, 5, 7, 8]);
    expect(Array.from(g.indices)).toEqual([2, 3, 3, 4, 0, 0, 1, 1]);
  });

  it('normalises symmetrically: Â[u, U+i] = 1/sqrt(deg u · deg i), and Â = Âᵀ', () => {
    const a = denseAdjacency(g);
    expect(a[0 * 5 + 2]).toBeCloseTo(1 / Math.sqrt(2 * 1), 6);
    expect(a[0 * 5 + 3]).toBeCloseTo(1 / Math.sqrt(2 * 2), 6);
    expect(a[1 * 5 + 4]).toBeCloseTo(1 / Math.sqrt(2 * 1), 6);
    expect(a[0 * 5 + 1]).toBe(0);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(a[r * 5 + c]).toBe(a[c * 5 + r]);
  });

  it('rejects out-of-range ids', () => {
    expect(() => buildGraph(2, 3, { u: Int32Array.from([2]), i: Int32Array.from([0]) })).toThrow();
  });
});
