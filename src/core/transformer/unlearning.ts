/**
 * Unlearning on the transformer recommender, every method side by side (E2URec's table):
 * Retrain (from scratch on D_r), Fine-tune (the original, further on D_r), NegGrad (gradient
 * ascent on D_f) and E2URec (q/v LoRA with forgetting and remembering teachers), each scored by
 * AUC / LogLoss / ACC on the test split and on the forget set, with its time and trainable
 * parameter count. Histories: the original reads the full data, every unlearned model only D_r.
 */
import * as tf from '@tensorflow/tfjs';
import type { CtrMetrics } from '../e2urec/ctr';
import { labelledPairs, pairSet } from '../e2urec/sampling';
import type { E2URecStep } from '../e2urec/train';
import { makeRng } from '../rng';
import type { CancelToken, Dataset } from '../types';
import { splitForget, type ForgetRequest } from '../unlearn/request';
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

export const TRANSFORMER_METHODS = ['retrain', 'finetune', 'neggrad', 'e2urec'] as const;
export type TransformerMethod = (typeof TRANSFORMER_METHODS)[number];

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

export async function runTransformerUnlearning(
  ds: Dataset,
  request: ForgetRequest,
  opts: TransformerUnlearningOptions,
): Promise<TransformerUnlearningReport> {
  for (const m of opts.methods) {
    if (!(TRANSFORMER_METHODS as readonly string[]).includes(m)) {
      throw new Error(`unknown transformer unlearning method "${m}" (known: ${TRANSFORMER_METHODS.join(', ')})`);
    }
  }
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

  let t0 = performance.now();
  const original = initTransformer(nItems, cfg);
  try {
    await fitWindows(original, wAll, nItems, seen, { ...fit, epochs: cfg.epochs }, { token: opts.token, onEpoch: onEpoch('original') });
    const originalReport = await score(original, seqs, null, performance.now() - t0, fullParams);
    const methods: TransformerUnlearningReport['methods'] = {};
    for (const m of opts.methods) {
      progress(m, 0, 'start');
      t0 = performance.now();
      if (m === 'e2urec') {
        const r = await e2urecTransformer(original, wForget, wRemain, seen, { seed: cfg.seed, ...opts.e2urec }, {
          token: opts.token,
          onStep: (s) => {
            if ((s.step + 1) % 10 === 0) progress(m, (s.step + 1) / s.steps, `step ${s.step + 1}/${s.steps}, forget KL ${s.forgetKl.toFixed(4)}`);
          },
        });
        try {
          methods[m] = { ...(await score(original, seqsR, r.lora, r.ms, r.trainableParams)), history: r.history };
        } finally {
          disposeAttentionLora(r.lora);
        }
        continue;
      }
      const model = m === 'retrain' ? initTransformer(nItems, cfg) : cloneTransformer(original);
      try {
        const run = { token: opts.token, onEpoch: onEpoch(m) };
        if (m === 'retrain') await fitWindows(model, wRemain, nItems, seen, { ...fit, epochs: cfg.epochs }, run);
        else if (m === 'finetune') await fitWindows(model, wRemain, nItems, seen, { ...fit, epochs: opts.finetuneEpochs ?? 2 }, run);
        else {
          const steps = opts.neggradSteps ?? 5;
          await fitWindows(model, wForget, nItems, seen, { ...fit, lr: opts.neggradLr ?? cfg.lr, epochs: 0, steps, ascent: true }, run);
        }
        methods[m] = await score(model, seqsR, null, performance.now() - t0, fullParams);
      } finally {
        disposeTransformer(model);
      }
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
