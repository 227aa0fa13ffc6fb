/**
 * SISA and RecEraser (docs/method.md#shards): exact unlearning by shards. The training interactions are
 * split into k shards (options.shards), one LightGCN is trained per shard with the original recipe and a
 * seed of its own, and the shards are aggregated (SISA: the mean of their scores; RecEraser: an
 * attention aggregator trained over their embeddings). The k shard models (and RecEraser's partition
 * and aggregator) are trained once per model, cached with the unlearning cache and charged to the first
 * request (modelPrepMs = shardTrainMs). A request retrains only the shards that held D_f, from their
 * seeded starts (and RecEraser's aggregator on D_r), so the result equals an ensemble trained from
 * scratch without D_f: exact.
 */
import { PALETTE } from '../../palette';
import type { EnsembleResult, UnlearnContext, UnlearnPrep, UnlearningMethod } from '../context';
import { restrict, trainEnsemble, type Aggregation, type ShardedModel } from '../shards/ensemble';
import { balancedInteractionPartition, balancedUserPartition, randomUserPartition, shardsHolding, type Partition } from '../shards/partition';

/** The cached ensemble of one model, partition and k, and what building it cost. */
interface CachedEnsemble extends ShardedModel {
  /** Partition + shards + aggregator (ms). */
  ms: number;
}

const pool = new WeakMap<UnlearnPrep, Map<string, CachedEnsemble>>();

interface Sharding {
  /** The method's name in progress messages. */
  label: string;
  partition(ctx: UnlearnContext): Partition;
  aggregation: Aggregation;
}

const SISA: Sharding = {
  label: 'SISA',
  partition: ({ prep, options }) => randomUserPartition(prep.ds, options.shards, prep.cfg.seed),
  aggregation: 'average',
};

/** RecEraser partitions by the original model's final (propagated) embeddings: what it scores with. */
const RECERASER: Sharding = {
  label: 'RecEraser',
  partition: ({ prep, options }) =>
    options.receraserPartition === 'interaction'
      ? balancedInteractionPartition(prep.ds, prep.Eold, prep.cfg.dim, options.shards, prep.cfg.seed)
      : balancedUserPartition(prep.ds, prep.Eold, prep.cfg.dim, options.shards, prep.cfg.seed),
  aggregation: 'attention',
};

function keyOf(s: Sharding, ctx: UnlearnContext): string {
  return `${s.label}:${ctx.options.shards}:${s === RECERASER ? ctx.options.receraserPartition : 'user'}`;
}

/**
 * The request: the ensemble of the model (trained here on the model's first request, then cached),
 * then the shards that hold D_f retrained on what they keep. Progress runs over both as one phase.
 */
async function shardedUnlearn(ctx: UnlearnContext, s: Sharding): Promise<EnsembleResult> {
  const { prep, req, options } = ctx;
  const cfg = prep.cfg;
  let models = pool.get(prep);
  if (!models) pool.set(prep, (models = new Map()));
  const key = keyOf(s, ctx);
  let cached = models.get(key);
  // The first request's progress: training the whole ensemble is most of it (k shards against the few retrained).
  const firstShare = cached ? 0 : 0.8;
  const say = (from: number, span: number) => (fraction: number, message: string) =>
    ctx.onProgress?.({ stage: 'shards', fraction: from + span * fraction, message: `${s.label}: ${message}` });
  if (!cached) {
    const t0 = performance.now();
    const partition = s.partition(ctx);
    const model = await trainEnsemble(prep.ds, cfg, partition, s.aggregation, {
      token: ctx.token,
      onProgress: (f, m) => say(0, firstShare)(f, `training the ${options.shards} shard models once per model — ${m}`),
    });
    cached = { ...model, ms: performance.now() - t0 };
    models.set(key, cached);
  }
  const t0 = performance.now();
  const { partition } = cached;
  const hit = shardsHolding(partition, req.split.forgetIdx);
  const kept = new Set(Array.from({ length: partition.k }, (_, x) => x).filter((x) => !hit.includes(x)));
  const model = await trainEnsemble(req.dsR, cfg, restrict(partition, req.split.keepIdx), s.aggregation, {
    token: ctx.token,
    reuse: { model: cached, shards: kept },
    onProgress: (f, m) => say(firstShare, 1 - firstShare)(f, `retraining what held the data — ${m}`),
  });
  const ms = performance.now() - t0;
  const n = prep.graphOld.n;
  const aggParams = cached.aggregator ? cached.aggregator.W.length + cached.aggregator.b.length + 2 * (cached.aggregator.user.W.length + 2 * cached.aggregator.a) : 0;
  const sizes = Array.from(partition.sizes).join(', ');
  return {
    scoring: { ...model.scoring, before: cached.scoring.E },
    ms,
    exact: true,
    shards: partition.k,
    shardsRetrained: hit.length,
    shardTrainMs: cached.ms,
    modelPrepMs: cached.ms,
    rowsTouched: hit.length * n,
    trainableParams: hit.length * n * cfg.dim + aggParams,
    notes: [
      `${partition.k} shards (${partition.kind} partition; interactions per shard ${sizes}); retrained ${hit.length} (shard${hit.length === 1 ? '' : 's'} ${hit.map((x) => x + 1).join(', ')}) from their seeded starts on what they keep${s.aggregation === 'attention' ? ', then the attention aggregator on D_r' : ''}`,
      `the ${partition.k} shard models were trained once per model in ${(cached.ms / 1000).toFixed(1)} s (in firstRequestMs)`,
    ],
  };
}

/** SISA: a seeded random partition of the users, the shards' scores averaged. */
export const sisa: UnlearningMethod<EnsembleResult> = {
  name: 'sisa',
  label: 'SISA',
  hint: 'exact: users split into shards, one model each; retrains the shards that held the data',
  colour: PALETTE.indigo,
  quick: false,
  diagnostics: {
    shards: 'shards k',
    shardsRetrained: 'shards this request retrained',
    shardTrainMs: 'training all shards once per model (ms; in firstRequestMs)',
    modelPrepMs: 'the same once-per-model training (ms)',
  },
  run: (ctx) => shardedUnlearn(ctx, SISA),
};

/** RecEraser: a balanced partition from the original model's embeddings, an attention aggregator. */
export const receraser: UnlearningMethod<EnsembleResult> = {
  name: 'receraser',
  label: 'RecEraser',
  hint: 'exact: balanced shards by embedding, attention over the shard models; retrains the shards that held the data',
  colour: PALETTE.olive,
  quick: false,
  diagnostics: {
    shards: 'shards k',
    shardsRetrained: 'shards this request retrained (and the aggregator)',
    shardTrainMs: 'the partition, all shards and the aggregator once per model (ms; in firstRequestMs)',
    modelPrepMs: 'the same once-per-model training (ms)',
  },
  run: (ctx) => shardedUnlearn(ctx, RECERASER),
};
