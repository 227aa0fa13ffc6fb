/**
 * Unlearning on the transformer recommender, every method side by side (E2URec's table):
 * Retrain (from scratch on D_r), Fine-tune (the original, further on D_r), NegGrad (gradient
 * ascent on D_f) and E2URec (q/v LoRA with forgetting and remembering teachers), each scored by
 * AUC / LogLoss / ACC on the test split and on the forget set, with its time and trainable
 * parameter count. Histories: the original reads the full data, every unlearned model only D_r.
 */
import * as tf from '@tensorflow/tfjs';
import type { CtrMetrics } from '../common/ctr';
import { labelledPairs, pairSet } from '../common/sampling';
import type { E2URecStep } from '../e2urec/train';
import { makeRegistry } from '../common/registry';
import { makeRng } from '../rng';
import type { CancelToken, Dataset } from '../types';
import { splitForget, type ForgetRequest } from '../common/request';
import { disposeAttentionLora, e2urecTransformer, type E2URecTransformerOptions } from './e2urec';
import {
  DEFAULT_TRANSFORMER,
  cloneTransformer,
  disposeTransformer,
  initTransformer,
  transformerParamCount,
  type AttentionLora,
  type TransformerConfig,
  type TransformerParams,
} from './model';
import { forgottenPositions, trainingWindows, userSequences, withoutPositions, type Sequences } from './sequences';
import { fitWindows, pairMetrics, userStates, windowBatch, windowMetrics, type WindowBatch } from './train';

export type TransformerMethod = 'retrain' | 'finetune' | 'neggrad' | 'e2urec';

export interface TransformerUnlearningOptions {
  methods: TransformerMethod[];
  /** Epochs of the original and of Retrain (defaults to config.epochs). */
  epochs?: number;
  seed: number;
  config?: Partial<TransformerConfig>;
  finetuneEpochs?: number;
  neggradSteps?: number;
  neggradLr?: number;
  e2urec?: Partial<E2URecTransformerOptions>;
  onProgress?: (p: TransformerProgress) => void;
  token?: CancelToken;
}

export interface TransformerProgress {
  /** 'original' or a method name. */
  stage: string;
  /** 0..1 within the stage. */
  fraction: number;
  message: string;
}

export interface MethodReport {
  test: CtrMetrics;
  forget: CtrMetrics;
  ms: number;
  trainableParams: number;
}

export interface TransformerUnlearningReport {
  model: 'transformer';
  backend: string;
  config: TransformerConfig;
  dataset: { name: string; users: number; items: number; train: number; test: number };
  forget: { interactions: number; windows: number; users: number };
  fullParams: number;
  original: MethodReport;
  methods: Partial<Record<TransformerMethod, MethodReport & { history?: E2URecStep[] }>>;
}

/** Fixed evaluation batches over the forget windows (one seeded negative per target). */
function evaluationBatches(w: ReturnType<typeof trainingWindows>, nItems: number, seen: Set<number>, seed: number): WindowBatch[] {
  const rng = makeRng(`${seed}:forget-eval`);
  const out: WindowBatch[] = [];
  for (let s = 0; s < w.count; s += 128) {
    const idx = Array.from({ length: Math.min(128, w.count - s) }, (_, k) => s + k);
    out.push(windowBatch(w, idx, nItems, seen, rng));
  }
  return out;
}

/** What a transformer method receives: the trained original, the windows and the scorer. */
interface TransformerContext {
  original: TransformerParams;
  cfg: TransformerConfig;
  opts: TransformerUnlearningOptions;
  nItems: number;
  seen: ReturnType<typeof pairSet>;
  wForget: ReturnType<typeof trainingWindows>;
  wRemain: ReturnType<typeof trainingWindows>;
  /** Remaining histories (what an unlearned model reads). */
  seqsR: Sequences;
  fullParams: number;
  fit: { lr: number; batch: number; seed: number };
  onEpoch: (e: number, n: number, loss: number) => void;
  progress: (fraction: number, message: string) => void;
  score(p: TransformerParams, lora: AttentionLora | null, ms: number, trainableParams: number): Promise<MethodReport>;
}

interface TransformerUnlearningMethod {
  name: TransformerMethod;
  run(ctx: TransformerContext): Promise<MethodReport & { history?: E2URecStep[] }>;
}

/** Trains a copy of the model (fresh for Retrain, the original's weights otherwise) and scores it. */
async function refit(ctx: TransformerContext, fresh: boolean, fit: (model: TransformerParams) => Promise<unknown>): Promise<MethodReport> {
  const t0 = performance.now();
  const model = fresh ? initTransformer(ctx.nItems, ctx.cfg) : cloneTransformer(ctx.original);
  try {
    await fit(model);
    return await ctx.score(model, null, performance.now() - t0, ctx.fullParams);
  } finally {
    disposeTransformer(model);
  }
}

/** The transformer's unlearning methods; the LightGCN methods of the same names are in unlearn/methods. */
const TRANSFORMER_REGISTRY = makeRegistry<TransformerUnlearningMethod>('transformer unlearning method', [
  {
    name: 'retrain',
    run: (ctx) =>
      refit(ctx, true, (m) =>
        fitWindows(m, ctx.wRemain, ctx.nItems, ctx.seen, { ...ctx.fit, epochs: ctx.cfg.epochs }, { token: ctx.opts.token, onEpoch: ctx.onEpoch }),
      ),
  },
  {
    name: 'finetune',
    run: (ctx) =>
      refit(ctx, false, (m) =>
        fitWindows(m, ctx.wRemain, ctx.nItems, ctx.seen, { ...ctx.fit, epochs: ctx.opts.finetuneEpochs ?? 2 }, { token: ctx.opts.token, onEpoch: ctx.onEpoch }),
      ),
  },
  {
    name: 'neggrad',
    run: (ctx) =>
      refit(ctx, false, (m) =>
        fitWindows(
          m,
          ctx.wForget,
          ctx.nItems,
          ctx.seen,
          { ...ctx.fit, lr: ctx.opts.neggradLr ?? ctx.cfg.lr, epochs: 0, steps: ctx.opts.neggradSteps ?? 5, ascent: true },
          { token: ctx.opts.token, onEpoch: ctx.onEpoch },
        ),
      ),
  },
  {
    name: 'e2urec',
    async run(ctx) {
      const r = await e2urecTransformer(ctx.original, ctx.wForget, ctx.wRemain, ctx.seen, { seed: ctx.cfg.seed, ...ctx.opts.e2urec }, {
        token: ctx.opts.token,
        onStep: (s) => {
          if ((s.step + 1) % 10 === 0) ctx.progress((s.step + 1) / s.steps, `step ${s.step + 1}/${s.steps}`);
        },
      });
      try {
        return { ...(await ctx.score(ctx.original, r.lora, r.ms, r.trainableParams)), history: r.history };
      } finally {
        disposeAttentionLora(r.lora);
      }
    },
  },
]);

export const TRANSFORMER_METHODS = TRANSFORMER_REGISTRY.names as readonly TransformerMethod[];

export async function runTransformerUnlearning(
  ds: Dataset,
  request: ForgetRequest,
  opts: TransformerUnlearningOptions,
): Promise<TransformerUnlearningReport> {
  const chosen = opts.methods.map(TRANSFORMER_REGISTRY.byName);
  const cfg: TransformerConfig = { ...DEFAULT_TRANSFORMER, seed: opts.seed, ...opts.config };
  if (opts.epochs !== undefined) cfg.epochs = opts.epochs;
  const { nItems } = ds;
  const L = cfg.maxLen;
  const split = splitForget(ds, request);
  const seqs = userSequences(ds, cfg.seed);
  const mark = forgottenPositions(seqs, nItems, split.forgotten);
  const seqsR = withoutPositions(seqs, mark);
  const cap = { maxWindows: cfg.maxWindows };
  const wAll = trainingWindows(seqs, L, cap);
  const wForget = trainingWindows(seqs, L, { ...cap, targetFilter: mark });
  const wRemain = trainingWindows(seqsR, L, cap);
  const seen = pairSet(nItems, ds.train);
  const evalSeen = pairSet(nItems, ds.train, ds.test);
  const testPairs = labelledPairs(ds.test, ds, evalSeen, makeRng(`${cfg.seed}:test-eval`));
  const forgetBatches = evaluationBatches(wForget, nItems, evalSeen, cfg.seed);
  const progress = (stage: string, fraction: number, message: string) => opts.onProgress?.({ stage, fraction, message });
  const fit = { lr: cfg.lr, batch: cfg.batch, seed: cfg.seed };

  const score = async (p: TransformerParams, history: Sequences, lora: AttentionLora | null, ms: number, trainableParams: number) => ({
    test: await pairMetrics(p, await userStates(p, history, lora), testPairs),
    forget: await windowMetrics(p, forgetBatches, lora),
    ms,
    trainableParams,
  });
  const onEpoch = (stage: string) => (e: number, n: number, loss: number) => progress(stage, e / n, `epoch ${e}/${n}, loss ${loss.toFixed(4)}`);
  const fullParams = transformerParamCount(nItems, cfg);

  const t0 = performance.now();
  const original = initTransformer(nItems, cfg);
  try {
    await fitWindows(original, wAll, nItems, seen, { ...fit, epochs: cfg.epochs }, { token: opts.token, onEpoch: onEpoch('original') });
    const originalReport = await score(original, seqs, null, performance.now() - t0, fullParams);
    const methods: TransformerUnlearningReport['methods'] = {};
    for (const m of chosen) {
      progress(m.name, 0, 'start');
      methods[m.name] = await m.run({
        original,
        cfg,
        opts,
        nItems,
        seen,
        wForget,
        wRemain,
        seqsR,
        fullParams,
        fit,
        onEpoch: onEpoch(m.name),
        progress: (fraction, message) => progress(m.name, fraction, message),
        score: (p, lora, ms, params) => score(p, seqsR, lora, ms, params),
      });
    }
    return {
      model: 'transformer',
      backend: tf.getBackend(),
      config: cfg,
      dataset: { name: ds.name, users: ds.nUsers, items: nItems, train: ds.train.u.length, test: ds.test.u.length },
      forget: { interactions: split.forgotten.u.length, windows: wForget.count, users: split.users.length },
      fullParams,
      original: originalReport,
      methods,
    };
  } finally {
    disposeTransformer(original);
  }
}
