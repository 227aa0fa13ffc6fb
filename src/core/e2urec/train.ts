/**
 * The E2URec training loop (Wang et al. 2024), model-agnostic: a frozen original model, LoRA
 * variables as the only trainable parameters, and two teachers —
 *  - remembering teacher: the original model, on the remaining data D_r;
 *  - forgetting teacher: original − α·ReLU(augmented − original), on the forget set D_f.
 * Schedule (docs/method.md#methods, E2URec): the first `forgetOnlyEpochs` epochs minimise the forget KL alone, then
 *   L = w·(task loss on D_r + KL to the remembering teacher) + (1 − w)·KL to the forgetting teacher.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../rng';
import { throwIfCancelled, type CancelToken } from '../types';
import { makeYielder } from '../common/yielder';
import { AdamW } from './adamw';
import { binaryKl, forgettingTeacherLogits, weightedMean } from '../common/losses';

/** What E2URec needs from a model: batches of pointwise samples and three scorers over them. */
export interface E2URecTask<B> {
  /** LoRA variables — the only ones updated. */
  trainable: tf.Variable[];
  sampleForget(rng: Rng): B;
  sampleRetain(rng: Rng): B;
  /** Per-logit weights of a batch (a padding mask), or null when every logit counts once. */
  weights(b: B): tf.Tensor1D | null;
  /** Student (original + LoRA) logits; differentiable w.r.t. `trainable`. */
  studentLogits(b: B): tf.Tensor1D;
  originalLogits(b: B): tf.Tensor1D;
  augmentedLogits(b: B): tf.Tensor1D;
  /** The model's own training loss on a retain batch, from the student's logits. */
  taskLoss(b: B, student: tf.Tensor1D): tf.Scalar;
}

export interface E2URecOptions {
  /** Strength of the forgetting teacher's correction (paper: 1). */
  alpha: number;
  /** Weight of the remembering terms after the forget-only epochs (paper: 0.5). */
  w: number;
  epochs: number;
  stepsPerEpoch: number;
  forgetOnlyEpochs: number;
  lr: number;
  weightDecay: number;
  seed: number;
}

export const DEFAULT_E2UREC: E2URecOptions = {
  alpha: 1,
  w: 0.5,
  epochs: 4,
  stepsPerEpoch: 15,
  forgetOnlyEpochs: 1,
  lr: 1e-2,
  weightDecay: 0.01,
  seed: 7,
};

export interface E2URecStep {
  epoch: number;
  step: number;
  steps: number;
  /** KL(forgetting teacher ‖ student) on the forget batch, before the step. */
  forgetKl: number;
  /** KL(remembering teacher ‖ student) and task loss on the retain batch; null in forget-only
   *  epochs (null, not NaN, so that records survive JSON). */
  retainKl: number | null;
  retainTask: number | null;
  loss: number;
}

/** Where the schedule is (the loss values are read back once, at the end). */
export interface E2URecProgress {
  epoch: number;
  step: number;
  steps: number;
}

export interface E2URecRunOptions {
  token?: CancelToken;
  onStep?: (s: E2URecProgress) => void;
}

/**
 * Runs the schedule, updating only `task.trainable`; returns one record per step. Nothing is read
 * back while it runs (on webgpu the steps queue on the GPU): every step's loss terms stay scalar
 * tensors until one download after the last step.
 */
export async function e2urecTrain<B>(
  task: E2URecTask<B>,
  opts: E2URecOptions,
  run: E2URecRunOptions = {},
): Promise<E2URecStep[]> {
  const rng = makeRng(opts.seed);
  const optimizer = new AdamW(task.trainable, { lr: opts.lr, weightDecay: opts.weightDecay });
  const pause = makeYielder();
  const steps = opts.epochs * opts.stepsPerEpoch;
  // Per step: [loss, forget KL] or [loss, forget KL, retain KL, retain task loss], read at the end.
  const pending: tf.Scalar[][] = [];
  try {
    for (let s = 0; s < steps; s++) {
      throwIfCancelled(run.token);
      const epoch = Math.floor(s / opts.stepsPerEpoch);
      const remember = epoch >= opts.forgetOnlyEpochs;
      const bf = task.sampleForget(rng);
      const br = remember ? task.sampleRetain(rng) : null;
      // Teachers and masks are constants of the step: computed once, outside the gradient tape.
      const fw = task.weights(bf);
      const teacherF = tf.tidy(() =>
        forgettingTeacherLogits(task.originalLogits(bf), task.augmentedLogits(bf), opts.alpha),
      );
      const rw = br ? task.weights(br) : null;
      const teacherR = br ? tf.tidy(() => task.originalLogits(br)) : null;
      const fixed = { fw, teacherF, rw, teacherR };
      const terms: tf.Scalar[] = [];
      const loss = optimizer.step(() => {
        const forgetKl = weightedMean(binaryKl(fixed.teacherF, task.studentLogits(bf)), fixed.fw);
        terms.push(tf.keep(forgetKl.clone()));
        if (!br || !fixed.teacherR) return forgetKl;
        const student = task.studentLogits(br);
        const retainKl = weightedMean(binaryKl(fixed.teacherR, student), fixed.rw);
        const retainTask = task.taskLoss(br, student);
        terms.push(tf.keep(retainKl.clone()), tf.keep(retainTask.clone()));
        return retainTask.add(retainKl).mul(opts.w).add(forgetKl.mul(1 - opts.w)) as tf.Scalar;
      });
      pending.push([loss, ...terms]);
      tf.dispose([fixed.fw, fixed.teacherF, fixed.rw, fixed.teacherR].filter((t): t is tf.Tensor1D => t !== null));
      run.onStep?.({ epoch, step: s, steps });
      await pause();
    }
    const flat = pending.flat();
    let values: ArrayLike<number> = [];
    if (flat.length) {
      const all = tf.stack(flat);
      values = (await all.data()) as Float32Array;
      all.dispose();
    }
    const history: E2URecStep[] = [];
    let at = 0;
    for (let s = 0; s < pending.length; s++) {
      const k = pending[s].length;
      history.push({
        epoch: Math.floor(s / opts.stepsPerEpoch),
        step: s,
        steps,
        loss: values[at],
        forgetKl: values[at + 1],
        retainKl: k > 2 ? values[at + 2] : null,
        retainTask: k > 2 ? values[at + 3] : null,
      });
      at += k;
    }
    return history;
  } finally {
    tf.dispose(pending.flat());
    optimizer.dispose();
  }
}
