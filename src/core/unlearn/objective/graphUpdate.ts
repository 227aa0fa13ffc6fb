import type { Edges, Graph } from '../../types';

/**
 * Â' from Â without rebuilding it: the LightGCN adjacency of `remaining` (= the train edges of Â
 * minus `forgotten`), equal entry for entry to buildGraph(remaining). Only the endpoints of
 * removed edges change degree, so only their rows lose entries, and only rows touching them get
 * new values D'^-1/2 A D'^-1/2; every other row is copied. A forgotten pair that still occurs
 * in `remaining` (a duplicate interaction) keeps its edge, as in buildGraph.
 */
export function graphWithout(g: Graph, forgotten: Edges, remaining: Edges): Graph {
  const { nUsers, n } = g;
  const nItems = g.nItems;
  const pairs = new Set<number>();
  const hasForgotten = new Uint8Array(nUsers);
  for (let k = 0; k < forgotten.u.length; k++) {
    pairs.add(forgotten.u[k] * nItems + forgotten.i[k]);
    hasForgotten[forgotten.u[k]] = 1;
  }
  for (let k = 0; k < remaining.u.length; k++) {
    if (hasForgotten[remaining.u[k]]) pairs.delete(remaining.u[k] * nItems + remaining.i[k]);
  }
  // Removed neighbours per row (each removed edge appears in its user's and its item's row).
  const removed = new Map<number, Set<number>>();
  const mark = (a: number, b: number) => {
    let s = removed.get(a);
    if (!s) removed.set(a, (s = new Set()));
    s.add(b);
  };
  for (const key of pairs) {
    const u = Math.floor(key / nItems);
    const v = nUsers + (key % nItems);
    mark(u, v);
    mark(v, u);
  }
  const degree = Float32Array.from(g.degree);
  const dInv = new Float64Array(n);
  for (const [v, s] of removed) degree[v] -= s.size;
  for (let v = 0; v < n; v++) dInv[v] = degree[v] > 0 ? 1 / Math.sqrt(degree[v]) : 0;
  // Rows whose values change: the changed nodes and their old neighbours.
  const touched = new Uint8Array(n);
  for (const v of removed.keys()) {
    touched[v] = 1;
    for (let p = g.indptr[v]; p < g.indptr[v + 1]; p++) touched[g.indices[p]] = 1;
  }
  const indptr = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) indptr[r + 1] = indptr[r] + degree[r];
  const indices = new Int32Array(indptr[n]);
  const values = new Float32Array(indptr[n]);
  for (let r = 0; r < n; r++) {
    const s = g.indptr[r], e = g.indptr[r + 1], o = indptr[r];
    const gone = removed.get(r);
    if (gone) {
      let q = o;
      for (let p = s; p < e; p++) if (!gone.has(g.indices[p])) indices[q++] = g.indices[p];
    } else {
      indices.set(g.indices.subarray(s, e), o);
    }
    if (touched[r]) {
      for (let q = o; q < indptr[r + 1]; q++) values[q] = dInv[r] * dInv[indices[q]];
    } else {
      values.set(g.values.subarray(s, e), o);
    }
  }
  return { nUsers, nItems, n, indptr, indices, values, degree };
}
