/**
 * When a whole user is deleted their own top-20 says nothing about forgetting: their row is reset (as
 * Retrain leaves it), so any list for them comes from a blank row. What a deletion does show in the
 * rankings is how the lists of the users who shared items with them change — the remaining hop-2 users.
 * This module picks the most affected of them and lists their top-k before and after each model.
 */
import { topK } from '../../evaluate';
import type { UserItems } from '../../lightgcn';

export interface NeighbourList {
  /** Top-k item ids (remaining positives masked), best first. */
  top: Int32Array;
  /** 1 where the item is not in the series' own "before" list (it entered the list). */
  entered: Uint8Array;
}

export interface AffectedNeighbour {
  /** Dense user id. */
  user: number;
  /** Forgotten items this user also has in the remaining data. */
  shared: number;
  /** The ranking weight that chose them (e.g. the proximal reference's movement of their embedding). */
  weight: number;
  /** Their top-k under the original model. */
  before: Int32Array;
  after: Record<string, NeighbourList>;
}

export interface AffectedNeighboursInput {
  /** The movement neighbourhood (graph node ids, users first) and each node's hop from the forgotten data. */
  nodes: Int32Array;
  hop: Int8Array;
  nUsers: number;
  nItems: number;
  dim: number;
  /** Users deleted entirely (never listed). */
  removed: Set<number>;
  /** Forgotten interactions' items (dense item ids). */
  forgottenItems: ArrayLike<number>;
  /** Remaining positives: masked from every list and used to count shared items. */
  remainPos: UserItems;
  /** Ranking weight aligned with `nodes` (larger = more affected); when absent, shared items rank them. */
  weight?: ArrayLike<number> | null;
  /** Propagated embeddings of the original model. */
  before: Float32Array;
  /** Propagated embeddings per series; a series with its own `before` (a paired run, an ensemble before
   *  the deletion) marks entries against it; `dim`: its columns when not `dim` (an ensemble's). */
  after: Record<string, { E: Float32Array; before?: Float32Array; dim?: number }>;
  count?: number;
  k?: number;
}

function maskOf(pos: UserItems, u: number): Set<number> {
  return new Set(pos.items.subarray(pos.indptr[u], pos.indptr[u + 1]));
}

/**
 * The `count` remaining hop-2 users with the largest weight (ties: more shared items, then lower id),
 * with their top-k before and after each series.
 */
export function affectedNeighbours(input: AffectedNeighboursInput): AffectedNeighbour[] {
  const { nodes, hop, nUsers, nItems, dim, removed, remainPos } = input;
  const count = input.count ?? 3;
  const k = input.k ?? 20;
  const forgotten = new Set<number>(Array.from(input.forgottenItems));
  const candidates: { user: number; shared: number; weight: number }[] = [];
  for (let p = 0; p < nodes.length; p++) {
    const u = nodes[p];
    if (hop[p] !== 2 || u >= nUsers || removed.has(u)) continue;
    let shared = 0;
    for (let q = remainPos.indptr[u]; q < remainPos.indptr[u + 1]; q++) if (forgotten.has(remainPos.items[q])) shared++;
    const w = input.weight ? Number(input.weight[p]) : shared;
    candidates.push({ user: u, shared, weight: Number.isFinite(w) ? w : -Infinity });
  }
  candidates.sort((a, b) => b.weight - a.weight || b.shared - a.shared || a.user - b.user);
  return candidates.slice(0, count).map(({ user, shared, weight }) => {
    const mask = maskOf(remainPos, user);
    const before = topK(input.before, dim, nUsers, nItems, user, k, mask);
    const after: Record<string, NeighbourList> = {};
    for (const [name, s] of Object.entries(input.after)) {
      const sd = s.dim ?? dim;
      const top = topK(s.E, sd, nUsers, nItems, user, k, mask);
      const base = new Set(s.before ? topK(s.before, sd, nUsers, nItems, user, k, mask) : before);
      after[name] = { top, entered: Uint8Array.from(top, (i) => (base.has(i) ? 0 : 1)) };
    }
    return { user, shared, weight, before, after };
  });
}
