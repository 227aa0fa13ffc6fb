import { describe, expect, it } from 'vitest';
import { randomGraph } from './graph';
import { neighbourhoodView } from './neighbourhoodView';
import { kHopNeighbourhood } from './unlearn/measure/neighbourhood';
import type { Graph } from './types';

/** Breadth-first hop distance of every node within `hops` of `centre` (the oracle: the metrics' own search). */
function distances(g: Graph, centre: number, hops: number): Map<number, number> {
  const h = kHopNeighbourhood(g, [centre], hops);
  return new Map(Array.from(h.nodes, (v, k) => [v, h.hop[k]]));
}

const neighbours = (g: Graph, a: number) => new Set(Array.from(g.indices.subarray(g.indptr[a], g.indptr[a + 1])));

describe('neighbourhoodView', () => {
  // 40 users × 60 items, 400 edges: the centre's items outnumber ring 1's cap, so some are left undrawn.
  const g = randomGraph(40, 60, 400, 3);
  const centre = 5;
  const caps = [4, 10, 12];

  it('draws every node on the ring of its breadth-first hop distance, whatever the caps leave out', () => {
    const dist = distances(g, centre, 3);
    const own = neighbours(g, centre);
    expect(own.size).toBeGreaterThan(caps[0]); // the case that went wrong: hop-1 items not drawn on ring 1
    for (const c of [caps, [2, 3, 40], [own.size, 200, 200]]) {
      const v = neighbourhoodView(g, centre, 3, c, 1);
      expect(v.nodes[0]).toBe(centre);
      expect(v.hop[0]).toBe(0);
      for (let k = 1; k < v.nodes.length; k++) {
        expect(v.hop[k], `node ${v.nodes[k]}`).toBe(dist.get(v.nodes[k]));
        // The centre's own items are hop 1, drawn or not: never on ring 3.
        if (own.has(v.nodes[k])) expect(v.hop[k]).toBe(1);
      }
      for (let h = 1; h <= 3; h++) expect(Array.from(v.hop).filter((x) => x === h).length).toBeLessThanOrEqual(c[h - 1]);
      expect(new Set(v.nodes).size).toBe(v.nodes.length);
    }
  });

  it('reports the true per-hop totals, which never exceed the users or items there are', () => {
    const dist = distances(g, centre, 3);
    const v = neighbourhoodView(g, centre, 3, caps, 1);
    const bfs = [1, 2, 3].map((h) => [...dist.values()].filter((x) => x === h).length);
    expect(v.totals).toEqual(bfs);
    // Hops 1 and 3 are items, hop 2 users (the centre is a user): the rings partition them.
    expect(v.totals[0] + v.totals[2]).toBeLessThanOrEqual(g.nItems);
    expect(v.totals[1]).toBeLessThanOrEqual(g.nUsers - 1);
  });

  it('joins consecutive rings by edges of the graph, gives drawn parents first, and spreads each ring evenly', () => {
    const v = neighbourhoodView(g, centre, 3, caps, 1);
    for (let e = 0; e < v.edges.length; e += 2) {
      const [a, b] = [v.edges[e], v.edges[e + 1]];
      expect(v.hop[b] - v.hop[a]).toBe(1);
      expect(neighbours(g, v.nodes[a]).has(v.nodes[b])).toBe(true);
    }
    // Every drawn node has a drawn parent here (the caps leave enough children of drawn nodes).
    const withParent = new Set<number>();
    for (let e = 1; e < v.edges.length; e += 2) withParent.add(v.edges[e]);
    for (let k = 1; k < v.nodes.length; k++) expect(withParent.has(k), `node ${v.nodes[k]}`).toBe(true);
    for (let h = 1; h <= 3; h++) {
      const a = Array.from(v.angle).filter((_, k) => v.hop[k] === h).sort((x, y) => x - y);
      for (let k = 1; k < a.length; k++) expect(a[k] - a[k - 1]).toBeCloseTo((2 * Math.PI) / a.length, 4);
    }
  });

  it('is deterministic by seed and keeps preferred nodes on ring 1', () => {
    const items = Array.from(g.indices.subarray(g.indptr[7], g.indptr[8]));
    const prefer = items.slice(-2);
    const a = neighbourhoodView(g, 7, 3, [3, 5, 5], 9, prefer);
    const b = neighbourhoodView(g, 7, 3, [3, 5, 5], 9, prefer);
    expect(Array.from(a.nodes)).toEqual(Array.from(b.nodes));
    expect(Array.from(a.angle)).toEqual(Array.from(b.angle));
    const ring1 = Array.from(a.nodes).filter((_, k) => a.hop[k] === 1);
    for (const p of prefer) expect(ring1).toContain(p);
  });
});
