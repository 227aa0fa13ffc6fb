/**
 * Chart-ready picture of a user's k-hop neighbourhood: the user in the centre, hop-1 items, hop-2 users,
 * hop-3 items on concentric rings. A node's ring is its true hop distance — a breadth-first search of
 * the whole graph — and the per-hop totals are the true counts; the caps only choose which nodes of a
 * hop are drawn (preferred nodes first on ring 1, then nodes with a drawn parent, each group sampled by
 * seed). Children sit near the mean angle of their drawn parents, so branches of the graph stay together.
 */
import { makeRng } from './rng';
import type { Graph } from './types';
import { kHopNeighbourhood } from './unlearn/measure/neighbourhood';

export interface NeighbourhoodView {
  /** Graph node ids (users first, then nUsers + item); nodes[0] is the centre user. */
  nodes: Int32Array;
  /** Hop distance of each node from the centre (breadth first over the whole graph). */
  hop: Int8Array;
  /** Angle of each node on its ring (radians, 0 = right, −π/2 = top; the centre's is 0). Nodes of a ring
   *  are spread evenly, starting at the top on ring 1. */
  angle: Float32Array;
  /** Edges of the original graph between drawn nodes on consecutive rings, as index pairs into `nodes`. */
  edges: Int32Array;
  /** Nodes at hop h + 1 in the whole graph (drawn or not): the true per-hop counts. */
  totals: number[];
}

export function neighbourhoodView(
  g: Graph,
  centre: number,
  hops: number,
  caps: number[],
  seed: number,
  /** Nodes to keep first on ring 1 (e.g. the forgotten items). */
  prefer: ArrayLike<number> = [],
): NeighbourhoodView {
  const rng = makeRng(`view:${seed}:${centre}`);
  const bfs = kHopNeighbourhood(g, [centre], hops);
  const byHop: number[][] = Array.from({ length: hops }, () => []);
  for (let k = 0; k < bfs.nodes.length; k++) if (bfs.hop[k] >= 1) byHop[bfs.hop[k] - 1].push(bfs.nodes[k]);
  const totals = byHop.map((ring) => ring.length);

  const index = new Map<number, number>([[centre, 0]]);
  const nodes: number[] = [centre];
  const hop: number[] = [0];
  const angle: number[] = [0];
  const edges: number[] = [];
  const preferred = new Set(Array.from(prefer));

  for (let h = 1; h <= hops; h++) {
    // Drawn parents of each hop-h node (its neighbours drawn on ring h − 1).
    const parents = new Map<number, number[]>();
    for (const w of byHop[h - 1]) {
      const ps: number[] = [];
      for (let p = g.indptr[w]; p < g.indptr[w + 1]; p++) {
        const pi = index.get(g.indices[p]);
        if (pi !== undefined && hop[pi] === h - 1) ps.push(pi);
      }
      parents.set(w, ps);
    }
    const all = [...byHop[h - 1]].sort((a, b) => a - b);
    rng.shuffle(all);
    // Which nodes to draw (never which ring): preferred first, then those a drawn parent leads to.
    const rank = (w: number) => (preferred.has(w) ? 0 : parents.get(w)!.length > 0 ? 1 : 2);
    const kept = all.map((w, k) => ({ w, k })).sort((p, q) => rank(p.w) - rank(q.w) || p.k - q.k).slice(0, caps[h - 1] ?? all.length).map((p) => p.w);

    // Angles: evenly spread on ring 1; on outer rings, ordered by the drawn parents' mean angle, then spread.
    const order = kept.map((w) => {
      if (h === 1) return { w, a: 0 };
      let sx = 0;
      let sy = 0;
      for (const pi of parents.get(w)!) {
        sx += Math.cos(angle[pi]);
        sy += Math.sin(angle[pi]);
      }
      return { w, a: sx === 0 && sy === 0 ? Infinity : Math.atan2(sy, sx) };
    });
    if (h > 1) order.sort((p, q) => p.a - q.a || p.w - q.w);
    const offset = h > 1 && order.length && Number.isFinite(order[0].a) ? order[0].a : -Math.PI / 2;
    order.forEach(({ w }, k) => {
      const i = nodes.length;
      index.set(w, i);
      nodes.push(w);
      hop.push(h);
      angle.push(offset + (2 * Math.PI * k) / Math.max(1, order.length));
      for (const pi of parents.get(w)!) edges.push(pi, i);
    });
  }
  return { nodes: Int32Array.from(nodes), hop: Int8Array.from(hop), angle: Float32Array.from(angle), edges: Int32Array.from(edges), totals };
}
