/**
 * A sharded LightGCN (docs/method.md#shards): one LightGCN per shard of a partition, each trained on its
 * own subgraph with the original model's recipe (epochs, lr, batch, dim, layers) and a seed of its own,
 * then aggregated — SISA averages the shards' scores, RecEraser trains an attention aggregator over
 * their embeddings (aggregator.ts). Training an ensemble on D_r with some shards taken from an ensemble
 * trained on D is exact unlearning when those shards held none of D_f: each shard's training reads its
 * own interactions and its seed only.
 */
import { propagateCpu } from '../../lightgcn';
import { trainEmbeddings } from '../../train';
import type { Dataset, LightGCNConfig, CancelToken } from '../../types';
import { DEFAULT_AGGREGATOR, trainAggregator, type AggregatorOptions, type AggregatorWeights } from './aggregator';
import type { Partition } from './partition';

/** Shard s trains with seed + SHARD_SEED_STRIDE · (s + 1): apart from the model's seed and the noise floor's (seed + 1). */
export const SHARD_SEED_STRIDE = 7919;

export function shardSeed(seed: number, s: number): number {
  return seed + SHARD_SEED_STRIDE * (s + 1);
}

export type Aggregation = 'average' | 'attention';

export interface ShardModel {
  /** Its layer-0 embeddings and their propagation over its own subgraph (n × d each; a node with no
   *  interaction in the shard keeps its seeded start, scaled by 1/(K+1) in E). */
  E0: Float32Array;
  E: Float32Array;
  interactions: number;
  ms: number;
}

export interface ShardedModel {
  partition: Partition;
  aggregation: Aggregation;
  shards: ShardModel[];
  /** RecEraser's trained aggregator (null for SISA's average). */
  aggregator: AggregatorWeights | null;
  /** What the ensemble scores with: s(u, i) = E_u · E_i over `dim` columns (users first). */
  scoring: { E: Float32Array; dim: number };
  /** Training time of the shards it trained and of its aggregator (ms). */
  shardMs: number;
  aggregatorMs: number;
}

/** The partition restricted to the interactions `keep` (indices into the data it was made on, ascending). */
export function restrict(p: Partition, keep: Int32Array): Partition {
  const shardOf = Int32Array.from(keep, (z) => p.shardOf[z]);
  const sizes = new Int32Array(p.k);
  for (const s of shardOf) sizes[s]++;
  return { ...p, shardOf, sizes };
}

/** Shard s of `ds` as a data set of its own (same users and items; only its interactions to train on). */
export function shardData(ds: Dataset, p: Partition, s: number): Dataset {
  const idx: number[] = [];
  for (let z = 0; z < p.shardOf.length; z++) if (p.shardOf[z] === s) idx.push(z);
  return { ...ds, train: { u: Int32Array.from(idx, (z) => ds.train.u[z]), i: Int32Array.from(idx, (z) => ds.train.i[z]) } };
}

/**
 * SISA's aggregation, the mean of the shards' scores (1/k) Σ_s e_u^s · e_i^s, written as one dot product:
 * a node's row is its k shard embeddings side by side (k·d columns), users' scaled by 1/k.
 */
export function averagedScoring(shards: ShardModel[], nUsers: number, d: number): { E: Float32Array; dim: number } {
  const k = shards.length;
  const n = shards[0].E.length / d;
  const dim = k * d;
  const E = new Float32Array(n * dim);
  for (let v = 0; v < n; v++) {
    const scale = v < nUsers ? 1 / k : 1;
    for (let s = 0; s < k; s++) {
      const src = shards[s].E;
      for (let c = 0; c < d; c++) E[v * dim + s * d + c] = scale * src[v * d + c];
    }
  }
  return { E, dim };
}

export interface EnsembleRun {
  token?: CancelToken;
  /** Progress over the whole training (0..1) with what is being trained. */
  onProgress?: (fraction: number, message: string) => void;
  /** Shards taken as they are from an ensemble of the same partition (they hold none of the data removed since). */
  reuse?: { model: ShardedModel; shards: ReadonlySet<number> };
  aggregator?: AggregatorOptions;
}

/**
 * Trains the ensemble of `p` on ds.train (p.shardOf indexed like ds.train): every shard not reused,
 * from its seeded start, then RecEraser's aggregator on all of ds.train.
 */
export async function trainEnsemble(ds: Dataset, cfg: LightGCNConfig, p: Partition, aggregation: Aggregation, run: EnsembleRun = {}): Promise<ShardedModel> {
  const reused = run.reuse?.shards ?? new Set<number>();
  const todo = Array.from({ length: p.k }, (_, s) => s).filter((s) => !reused.has(s));
  const aggOpts = run.aggregator ?? DEFAULT_AGGREGATOR;
  const aggUnits = aggregation === 'attention' ? aggOpts.epochs : 0;
  const units = todo.length * cfg.epochs + aggUnits;
  const shards: ShardModel[] = new Array(p.k);
  let done = 0;
  let shardMs = 0;
  for (let s = 0; s < p.k; s++) {
    if (reused.has(s)) {
      shards[s] = run.reuse!.model.shards[s];
      continue;
    }
    const t0 = performance.now();
    const part = shardData(ds, p, s);
    const r = await trainEmbeddings(part, { ...cfg, seed: shardSeed(cfg.seed, s), evalEvery: 0 }, {
      token: run.token,
      onEpoch: (e) => run.onProgress?.((done + e.epoch) / units, `shard ${s + 1} of ${p.k} (${part.train.u.length} interactions), epoch ${e.epoch} of ${e.epochs}`),
    });
    done += cfg.epochs;
    shards[s] = { E0: r.E0, E: propagateCpu(r.graph, r.E0, cfg.dim, cfg.layers), interactions: part.train.u.length, ms: performance.now() - t0 };
    shardMs += shards[s].ms;
  }
  if (aggregation === 'average') {
    return { partition: p, aggregation, shards, aggregator: null, scoring: averagedScoring(shards, ds.nUsers, cfg.dim), shardMs, aggregatorMs: 0 };
  }
  const agg = await trainAggregator(
    ds,
    shards.map((x) => x.E),
    cfg.dim,
    cfg.seed,
    aggOpts,
    { token: run.token, onEpoch: (e, of) => run.onProgress?.((done + e) / units, `the attention aggregator over the ${p.k} shards, epoch ${e} of ${of}`) },
  );
  return { partition: p, aggregation, shards, aggregator: agg.weights, scoring: { E: agg.E, dim: cfg.dim }, shardMs, aggregatorMs: agg.ms };
}
