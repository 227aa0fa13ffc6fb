/**
 * Pointwise losses of E2URec (Wang et al. 2024, "Towards Efficient and Effective Unlearning of
 * Large Language Models for Recommendation"), in the paper's CTR setting: every sample has one
 * logit z and a Bernoulli output σ(z).
 */
import * as tf from '@tensorflow/tfjs';

/** Binary cross-entropy of logits z against (soft) labels p, per sample, numerically stable:
 *  max(z, 0) − z·p + log(1 + e^−|z|). */
export function bceWithLogits(z: tf.Tensor1D, p: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.relu(z).sub(z.mul(p)).add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as tf.Tensor1D;
}

/**
 * KL(Bernoulli(σ(teacher)) ‖ Bernoulli(σ(student))) per sample, = BCE(student; p_t) − H(p_t).
 * Zero where the logits agree; its gradient w.r.t. the student logit is σ(student) − σ(teacher).
 */
export function binaryKl(teacher: tf.Tensor1D, student: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const pt = tf.sigmoid(teacher);
    return bceWithLogits(student, pt).sub(bceWithLogits(teacher, pt));
  }) as tf.Tensor1D;
}

/** Forgetting teacher's logits: original − α·ReLU(augmented − original) (E2URec eq. 6). The
 *  augmented model over-fits the forget set; the teacher undoes what the data pushed up. */
export function forgettingTeacherLogits(original: tf.Tensor1D, augmented: tf.Tensor1D, alpha: number): tf.Tensor1D {
  return tf.tidy(() => original.sub(tf.relu(augmented.sub(original)).mul(alpha))) as tf.Tensor1D;
}

/** Σ w·x / Σ w, or the plain mean when `weights` is null. */
export function weightedMean(x: tf.Tensor1D, weights: tf.Tensor1D | null): tf.Scalar {
  return tf.tidy(() => (weights ? x.mul(weights).sum().div(tf.maximum(weights.sum(), 1e-12)) : x.mean())) as tf.Scalar;
}
