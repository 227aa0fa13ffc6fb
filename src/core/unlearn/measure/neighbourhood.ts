import type { Edges, Graph } from '../../types';

/** Nodes within `hops` hops of `seeds` (breadth first), with their hop distance (seeds: 0). */
export interface Neighbourhood {
  nodes: Int32Array;
  hop: Int8Array;
}

export function kHopNeighbourhood(g: Graph, seeds: ArrayLike<number>, hops: number): Neighbourhood {
  const dist = new Int8Array(g.n).fill(-1);
  let frontier: number[] = [];
  const nodes: number[] = [];
  for (let k = 0; k < seeds.length; k++) {
    const s = seeds[k];
    if (dist[s] < 0) {
      dist[s] = 0;
      frontier.push(s);
      nodes.push(s);
    }
  }
  for (let h = 1; h <= hops && frontier.length > 0; h++) {
    const next: number[] = [];
    for (const v of frontier) {
      for (let p = g.indptr[v]; p < g.indptr[v + 1]; p++) {
        const w = g.indices[p];
        if (dist[w] < 0) {
          dist[w] = h;
          next.push(w);
          nodes.push(w);
        }
      }
    }
    frontier = next;
  }
  const out = Int32Array.from(nodes);
  const hop = new Int8Array(out.length);
  for (let k = 0; k < out.length; k++) hop[k] = dist[out[k]];
  return { nodes: out, hop };
}

/** Graph nodes (users first, then nUsers + item) that are endpoints of the given interactions. */
export function endpointNodes(edges: Edges, nUsers: number): Int32Array {
  const set = new Set<number>();
  for (let k = 0; k < edges.u.length; k++) {
    set.add(edges.u[k]);
    set.add(nUsers + edges.i[k]);
  }
  return Int32Array.from(set).sort();
}

/** Membership mask over [0, n) (graph nodes, or interaction indices). */
export function nodeMask(n: number, nodes: ArrayLike<number>): Uint8Array {
  const m = new Uint8Array(n);
  for (let k = 0; k < nodes.length; k++) m[nodes[k]] = 1;
  return m;
}
