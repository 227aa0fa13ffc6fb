import { describe, expect, it } from 'vitest';
import { randomGraph } from './graph';
import { neighbourhoodView } from './neighbourhoodView';


describe('neighbourhoodView', () => {
  const g = randomGraph(40, 60, 400, 3);

  it('puts every node on the ring of its true hop distance, within the caps', () => {
    const v = neighbourhoodView(g, 5, 3, [6, 10, 12], 1);
    expect(v.nodes[0]).toBe(5);
    // Hop counts within caps, hop-1 are items adjacent to the centre, rings alternate items / users.
    const count = (h: number) => Array.from(v.hop).filter((x) => x === h).length;
    expect(count(1)).toBeLessThanOrEqual(6);
    expect(count(2)).toBeLessThanOrEqual(10);
    expect(count(3)).toBeLessThanOrEqual(12);
    const neighbours = (a: number) => new Set(Array.from(g.indices.subarray(g.indptr[a], g.indptr[a + 1])));
    for (let k = 0; k < v.nodes.length; k++) {
      const isItem = v.nodes[k] >= g.nUsers;
      expect(isItem).toBe(v.hop[k] % 2 === 1);
      expect(Math.hypot(v.x[k], v.y[k])).toBeCloseTo(v.hop[k] / 3, 5);
    }
    // Every edge joins consecutive rings and exists in the graph.
    for (let e = 0; e < v.edges.length; e += 2) {
      const [a, b] = [v.edges[e], v.edges[e + 1]];
      expect(v.hop[b] - v.hop[a]).toBe(1);
      expect(neighbours(v.nodes[a]).has(v.nodes[b])).toBe(true);
    }
    // Every non-centre node has a parent on the ring inside it.
    const withParent = new Set<number>();
    for (let e = 1; e < v.edges.length; e += 2) withParent.add(v.edges[e]);
    for (let k = 1; k < v.nodes.length; k++) expect(withParent.has(k)).toBe(true);
    expect(v.totals[0]).toBe(neighbours(5).size);
  });

  it('is deterministic by seed and keeps preferred nodes on ring 1', () => {
    const items = Array.from(g.indices.subarray(g.indptr[7], g.indptr[8]));
    const prefer = items.slice(-2);
    const a = neighbourhoodView(g, 7, 3, [3, 5, 5], 9, prefer);
    const b = neighbourhoodView(g, 7, 3, [3, 5, 5], 9, prefer);
    expect(Array.from(a.nodes)).toEqual(Array.from(b.nodes));
    const ring1 = Array.from(a.nodes).filter((_, k) => a.hop[k] === 1);
    for (const p of prefer) expect(ring1).toContain(p);
  });
});
