/**
 * Chart-ready picture of a user's k-hop neighbourhood: the user in the centre, hop-1 items, hop-2 users,
 * hop-3 items on concentric rings, each ring capped and sampled deterministically by seed. Children sit
 * near the mean angle of their parents, so branches of the graph stay together.
 */
import { makeRng } from './rng';
import type { Graph } from './types';

export interface NeighbourhoodView {
  /** Graph node ids (users first, then nUsers + item); nodes[0] is the centre user. */
  nodes: Int32Array;
  hop: Int8Array;
  /** Layout in the unit disc, ring h at radius h / hops. */
  x: Float32Array;
  y: Float32Array;
  /** Edges of the original graph between consecutive rings, as index pairs into `nodes`. */
  edges: Int32Array;
  /** Hop-h nodes in the full neighbourhood, before capping. */
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
  const index = new Map<number, number>([[centre, 0]]);
  const nodes: number[] = [centre];
  const hop: number[] = [0];
  const angle: number[] = [0];
  const edges: number[] = [];
  const totals: number[] = [];
  let ring = [centre];
  const preferred = new Set(Array.from(prefer));

  for (let h = 1; h <= hops && ring.length; h++) {
    const candidates = new Map<number, number[]>(); // node → parents (indices)
    for (const v of ring) {
      const vi = index.get(v)!;
      for (let p = g.indptr[v]; p < g.indptr[v + 1]; p++) {
        const w = g.indices[p];
        if (index.has(w)) continue;
        const parents = candidates.get(w);
        if (parents) parents.push(vi);
        else candidates.set(w, [vi]);
      }
    }
    totals.push(candidates.size);
    const all = [...candidates.keys()].sort((a, b) => a - b);
    rng.shuffle(all);
    if (h === 1) all.sort((a, b) => Number(preferred.has(b)) - Number(preferred.has(a)));
    const kept = all.slice(0, caps[h - 1] ?? all.length);

    // Angles: evenly spread on ring 1; on outer rings, ordered by the parents' mean angle, then spread.
    const order = kept.map((w) => {
      if (h === 1) return { w, a: 0 };
      let sx = 0;
      let sy = 0;
      for (const pi of candidates.get(w)!) {
        if (hop[pi] !== h - 1) continue;
        sx += Math.cos(angle[pi]);
        sy += Math.sin(angle[pi]);
      }
      return { w, a: Math.atan2(sy, sx) };
    });
    if (h > 1) order.sort((p, q) => p.a - q.a || p.w - q.w);
    const offset = h > 1 && order.length ? order[0].a : -Math.PI / 2;
    order.forEach(({ w }, k) => {
      const i = nodes.length;
      index.set(w, i);
      nodes.push(w);
      hop.push(h);
      angle.push(offset + (2 * Math.PI * k) / Math.max(1, order.length));
      for (const pi of candidates.get(w)!) if (hop[pi] === h - 1) edges.push(pi, i);
    });
    ring = kept;
  }

  const x = new Float32Array(nodes.length);
  const y = new Float32Array(nodes.length);
  for (let i = 1; i < nodes.length; i++) {
    const r = hop[i] / Math.max(1, hops);
    x[i] = r * Math.cos(angle[i]);
    y[i] = r * Math.sin(angle[i]);
  }
  return { nodes: Int32Array.from(nodes), hop: Int8Array.from(hop), x, y, edges: Int32Array.from(edges), totals };
}
