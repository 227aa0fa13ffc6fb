export interface KCoreResult {
  /** alive[e] = 1 when edge e is in the k-core. */
  alive: Uint8Array;
  removedEdges: number;
  removedUsers: number;
  removedItems: number;
  /** Peeling rounds that removed something (0 when every node already had ≥ k edges). */
  rounds: number;
}

/**
 * k-core of a bipartite graph: the largest subgraph in which every user and every item has
 * ≥ k edges. Repeatedly removes every node below k (with its edges) until none is left. Nodes
 * that start with no edge are not counted as removed. O(edges × rounds).
 */
export function kCore(users: Int32Array, items: Int32Array, nUsers: number, nItems: number, k: number): KCoreResult {
  const m = users.length;
  const alive = new Uint8Array(m).fill(1);
  const du = new Int32Array(nUsers), di = new Int32Array(nItems);
  for (let e = 0; e < m; e++) {
    du[users[e]]++;
    di[items[e]]++;
  }
  const hadUser = du.map((d) => (d > 0 ? 1 : 0)), hadItem = di.map((d) => (d > 0 ? 1 : 0));
  let removedEdges = 0, rounds = 0;
  for (;;) {
    let changed = false;
    for (let e = 0; e < m; e++) {
      if (alive[e] && (du[users[e]] < k || di[items[e]] < k)) {
        alive[e] = 0;
        removedEdges++;
        changed = true;
      }
    }
    if (!changed) break;
    rounds++;
    du.fill(0);
    di.fill(0);
    for (let e = 0; e < m; e++) {
      if (alive[e]) {
        du[users[e]]++;
        di[items[e]]++;
      }
    }
  }
  let removedUsers = 0, removedItems = 0;
  for (let u = 0; u < nUsers; u++) if (hadUser[u] && du[u] === 0) removedUsers++;
  for (let i = 0; i < nItems; i++) if (hadItem[i] && di[i] === 0) removedItems++;
  return { alive, removedEdges, removedUsers, removedItems, rounds };
}
