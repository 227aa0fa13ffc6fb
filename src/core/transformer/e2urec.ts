/**
 * E2URec on the transformer recommender, as in the paper on its T5 recommender: the original
 * weights are frozen, LoRA on the attention projections q and v is the only thing trained.
 */
import type * as tf from '@tensorflow/tfjs';
import { makeCycler } from '../common/sampling';
import { DEFAULT_E2UREC, e2urecTrain, type E2URecOptions, type E2URecProgress, type E2URecStep, type E2URecTask } from '../e2urec/train';
import { makeRng } from '../rng';
import type { CancelToken } from '../types';
import {
  attentionLoraParamCount,
  cloneTransformer,
  createAttentionLora,
  disposeTransformer,
  loraVariables,
  type AttentionLora,
  type TransformerParams,
} from './model';
import type { Windows } from './sequences';
import { fitWindows, windowBatch, windowBce, windowLogits, windowWeights, type WindowBatch } from './train';

export interface E2URecTransformerOptions extends E2URecOptions {
  rank: number;
  /** Windows per retain / forget batch. */
  batch: number;
  forgetBatch: number;
  /** Augmented model: Adam steps (all weights) on the forget windows. */
  augSteps: number;
  augLr: number;
}

export const DEFAULT_E2UREC_TRANSFORMER: E2URecTransformerOptions = {
  ...DEFAULT_E2UREC,
  rank: 8,
  lr: 5e-3,
  batch: 32,
  forgetBatch: 32,
  augSteps: 10,
  augLr: 5e-3,
};

export interface E2URecTransformerResult {
  /** The trained adapter; the caller disposes it (disposeAttentionLora). */
  lora: AttentionLora;
  history: E2URecStep[];
  trainableParams: number;
  augMs: number;
  ms: number;
}

export function disposeAttentionLora(l: AttentionLora): void {
  for (const v of loraVariables(l)) v.dispose();
}

/** Trains a q/v LoRA on top of the frozen `original` so that it forgets the forget windows'
 *  targets. `original` is read, never written. */
export async function e2urecTransformer(
  original: TransformerParams,
  forget: Windows,
  retain: Windows,
  seen: Set<number>,
  opts: Partial<E2URecTransformerOptions> = {},
  run: { token?: CancelToken; onStep?: (s: E2URecProgress) => void } = {},
): Promise<E2URecTransformerResult> {
  const o = { ...DEFAULT_E2UREC_TRANSFORMER, ...opts };
  if (forget.count === 0) throw new Error('e2urecTransformer: no forget window (nothing to forget)');
  const t0 = performance.now();
  const nItems = original.nItems;
  const augmented = cloneTransformer(original);
  const lora = createAttentionLora(original.cfg, o.rank, o.seed);
  try {
    await fitWindows(augmented, forget, nItems, seen, { epochs: 0, steps: o.augSteps, lr: o.augLr, batch: o.forgetBatch, seed: o.seed }, run);
    const augMs = performance.now() - t0;
    const forgetCycle = makeCycler(forget.count, makeRng(`${o.seed}:forget`));
    const task: E2URecTask<WindowBatch> = {
      trainable: loraVariables(lora),
      sampleForget: (r) => windowBatch(forget, forgetCycle.take(Math.min(o.forgetBatch, forget.count)), nItems, seen, r),
      sampleRetain: (r) =>
        windowBatch(retain, Array.from({ length: Math.min(o.batch, retain.count) }, () => r.int(retain.count)), nItems, seen, r),
      weights: (b) => windowWeights(b),
      studentLogits: (b) => windowLogits(original, b, lora),
      originalLogits: (b) => windowLogits(original, b),
      augmentedLogits: (b) => windowLogits(augmented, b),
      taskLoss: (b, student: tf.Tensor1D) => windowBce(b, student),
    };
    const history = await e2urecTrain(task, o, run);
    return { lora, history, trainableParams: attentionLoraParamCount(original.cfg, o.rank), augMs, ms: performance.now() - t0 };
  } catch (e) {
    disposeAttentionLora(lora);
    throw e;
  } finally {
    disposeTransformer(augmented);
  }
}
