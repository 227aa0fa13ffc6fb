import type { Triples } from './objective';

/** For every graph node, the interactions (indices into the triples) that touch it as user,
 *  positive item or fixed negative — so per-request work scales with what a deletion touches. */
export interface Incidence {
  indptr: Int32Array;
  ids: Int32Array;
  /** Number of interactions. */
  m: number;
}

export function interactionIncidence(t: Triples, nUsers: number, nNodes: number): Incidence {
  const m = t.users.length;
  const node = (k: number, role: number) => (role === 0 ? t.users[k] : nUsers + (role === 1 ? t.pos[k] : t.neg[k]));
  const indptr = new Int32Array(nNodes + 1);
  for (let k = 0; k < m; k++) for (let role = 0; role < 3; role++) indptr[node(k, role) + 1]++;
  for (let v = 0; v < nNodes; v++) indptr[v + 1] += indptr[v];
  const fill = indptr.slice(0, nNodes);
  const ids = new Int32Array(3 * m);
  for (let k = 0; k < m; k++) for (let role = 0; role < 3; role++) ids[fill[node(k, role)]++] = k;
  return { indptr, ids, m };
}

/** Ascending ids of the interactions touching any of `nodes` (each once). */
export function touching(inc: Incidence, nodes: ArrayLike<number>): Int32Array {
  const seen = new Uint8Array(inc.m);
  let count = 0;
  for (let a = 0; a < nodes.length; a++) {
    const v = nodes[a];
    for (let p = inc.indptr[v]; p < inc.indptr[v + 1]; p++) {
      const k = inc.ids[p];
      if (!seen[k]) {
        seen[k] = 1;
        count++;
      }
    }
  }
  const out = new Int32Array(count);
  for (let k = 0, c = 0; k < inc.m && c < count; k++) if (seen[k]) out[c++] = k;
  return out;
}
