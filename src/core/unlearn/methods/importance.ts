import type { Edges, Graph } from '../../types';

/**
 * IFRU's importance scores (docs/method.md#methods, IFRU (pruned)): each endpoint v of a forgotten interaction starts with
 * (removed edges at v) / deg(v); then, `hops` times, every node passes its score to its
 * neighbours, divided by the receiver's degree. Returns the sum over hops 0..hops. Degrees are
 * those of the original graph `g`.
 */
export function importanceScores(g: Graph, forgotten: Edges, hops: number): Float64Array {
  const removed = new Float64Array(g.n);
  for (let k = 0; k < forgotten.u.length; k++) {
    removed[forgotten.u[k]] += 1;
    removed[g.nUsers + forgotten.i[k]] += 1;
  }
  let s = new Float64Array(g.n);
  for (let v = 0; v < g.n; v++) if (removed[v] > 0) s[v] = removed[v] / g.degree[v];
  const total = Float64Array.from(s);
  for (let h = 0; h < hops; h++) {
    const next = new Float64Array(g.n);
    for (let w = 0; w < g.n; w++) {
      const deg = g.degree[w];
      if (deg === 0) continue;
      let acc = 0;
      for (let p = g.indptr[w]; p < g.indptr[w + 1]; p++) acc += s[g.indices[p]];
      next[w] = acc / deg;
    }
    for (let v = 0; v < g.n; v++) total[v] += next[v];
    s = next;
  }
  return total;
}

/**
 * The nodes to update: those with a positive score at or above the `quantile` of the positive
 * scores (quantile 0 keeps every scored node, 0.4 keeps the top 60%). Ascending node ids.
 */
export function pruneByQuantile(scores: Float64Array, quantile: number): Int32Array {
  if (!(quantile >= 0 && quantile < 1)) throw new Error(`prune quantile must be in [0, 1), got ${quantile}`);
  const positive: number[] = [];
  for (let v = 0; v < scores.length; v++) if (scores[v] > 0) positive.push(scores[v]);
  if (positive.length === 0) return new Int32Array(0);
  positive.sort((a, b) => a - b);
  const threshold = positive[Math.floor(quantile * positive.length)];
  const keep: number[] = [];
  for (let v = 0; v < scores.length; v++) if (scores[v] > 0 && scores[v] >= threshold) keep.push(v);
  return Int32Array.from(keep);
}
