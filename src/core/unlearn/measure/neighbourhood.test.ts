import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../graph';
import { endpointNodes, kHopNeighbourhood } from './neighbourhood';

// Path u0 – i0 – u1 – i1 – u2 – i2 (nodes: users 0..2, items 3..5), plus u1 – i2.
const edges = { u: Int32Array.from([0, 1, 1, 2, 2, 1]), i: Int32Array.from([0, 0, 1, 1, 2, 2]) };
const g = buildGraph(3, 3, edges);

describe('kHopNeighbourhood', () => {
  it('returns breadth-first hop distances', () => {
    const h = kHopNeighbourhood(g, [0], 3);
    const dist = new Map(Array.from(h.nodes, (v, k) => [v, h.hop[k]]));
    expect(Object.fromEntries(dist)).toEqual({ 0: 0, 3: 1, 1: 2, 4: 3, 5: 3 });
    expect(kHopNeighbourhood(g, [0], 1).nodes.length).toBe(2);
  });

  it('endpointNodes offsets items by nUsers', () => {
    expect(Array.from(endpointNodes({ u: Int32Array.from([2]), i: Int32Array.from([1]) }, 3))).toEqual([2, 4]);
  });
});
