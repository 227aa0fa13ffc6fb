import { makeRng } from './rng';
import type { Edges, Graph } from './types';

/**
 * The LightGCN adjacency Â = D^-1/2 A D^-1/2 of the user–item bipartite graph (He et al. 2020,
 * eq. 7), as CSR over n = nUsers + nItems nodes, users first. Duplicate interactions count once;
 * columns are sorted within each row. Â is symmetric, which the SpMM gradient relies on.
 */
export function buildGraph(nUsers: number, nItems: number, edges: Edges): Graph {
  const n = nUsers + nItems;
  const m = edges.u.length;
  if (edges.i.length !== m) throw new Error('buildGraph: edges.u and edges.i differ in length');
  const count = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) {
    const u = edges.u[k];
    const i = edges.i[k];
    if (u < 0 || u >= nUsers || i < 0 || i >= nItems) {
      throw new Error(`buildGraph: edge ${k} (${u}, ${i}) out of range`);
    }
    count[u + 1]++;
    count[nUsers + i + 1]++;
  }
  for (let r = 0; r < n; r++) count[r + 1] += count[r];
  const fill = count.slice(0, n);
  const raw = new Int32Array(count[n]);
  for (let k = 0; k < m; k++) {
    const u = edges.u[k];
    const v = nUsers + edges.i[k];
    raw[fill[u]++] = v;
    raw[fill[v]++] = u;
  }

  // Sort each row, drop duplicates, and compact.
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(raw.length);
  let nnz = 0;
  for (let r = 0; r < n; r++) {
    const row = raw.subarray(count[r], count[r + 1]).sort();
    for (let j = 0; j < row.length; j++) {
      if (j === 0 || row[j] !== row[j - 1]) indices[nnz++] = row[j];
    }
    indptr[r + 1] = nnz;
  }

  const degree = new Float32Array(n);
  const dInvSqrt = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    degree[r] = indptr[r + 1] - indptr[r];
    dInvSqrt[r] = degree[r] > 0 ? 1 / Math.sqrt(degree[r]) : 0;
  }
  const values = new Float32Array(nnz);
  for (let r = 0; r < n; r++) {
    for (let j = indptr[r]; j < indptr[r + 1]; j++) values[j] = dInvSqrt[r] * dInvSqrt[indices[j]];
  }
  return { nUsers, nItems, n, indptr, indices: indices.slice(0, nnz), values, degree };
}

/** Dense copy of Â (n × n, row-major) — for tests and tiny graphs only. */
export function denseAdjacency(g: Graph): Float64Array {
  const a = new Float64Array(g.n * g.n);
  for (let r = 0; r < g.n; r++) {
    for (let j = g.indptr[r]; j < g.indptr[r + 1]; j++) a[r * g.n + g.indices[j]] = g.values[j];
  }
  return a;
}

/** A seeded random bipartite graph of m interactions (duplicates allowed): for self-checks and tests. */
export function randomGraph(nUsers: number, nItems: number, m: number, seed: number): Graph {
  const rng = makeRng(seed);
  const u = new Int32Array(m);
  const i = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    u[k] = rng.int(nUsers);
    i[k] = rng.int(nItems);
  }
  return buildGraph(nUsers, nItems, { u, i });
}
