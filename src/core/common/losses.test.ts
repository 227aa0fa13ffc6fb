import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { bceWithLogits, binaryKl, forgettingTeacherLogits, weightedMean } from './losses';

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const klRef = (zt: number, zs: number) => {
  const p = sig(zt), q = sig(zs);
  return p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
};

describe('E2URec losses', () => {
  it('bceWithLogits matches −[p ln σ(z) + (1−p) ln(1−σ(z))], stable at large |z|', () => {
    const z = [-3, -0.5, 0, 0.7, 4, 80, -80];
    const p = [1, 0, 0.3, 1, 0.9, 1, 0];
    const got = tf.tidy(() => bceWithLogits(tf.tensor1d(z), tf.tensor1d(p)).arraySync());
    z.forEach((zk, k) => {
      const ref = Math.abs(zk) > 30 ? 0 : -(p[k] * Math.log(sig(zk)) + (1 - p[k]) * Math.log(1 - sig(zk)));
      expect(got[k]).toBeCloseTo(ref, 5);
    });
  });

  it('binaryKl is the Bernoulli KL, zero at equal logits, with gradient σ(zs) − σ(zt)', () => {
    const zt = [-2, 0.5, 1.5, 0];
    const zs = [1, 0.5, -1, 3];
    const kl = tf.tidy(() => binaryKl(tf.tensor1d(zt), tf.tensor1d(zs)).arraySync());
    zt.forEach((t, k) => expect(kl[k]).toBeCloseTo(klRef(t, zs[k]), 5));
    expect(kl[1]).toBeCloseTo(0, 6);
    const g = tf.tidy(() => tf.grad((s: tf.Tensor) => binaryKl(tf.tensor1d(zt), s as tf.Tensor1D).sum())(tf.tensor1d(zs)).dataSync());
    zt.forEach((t, k) => expect(g[k]).toBeCloseTo(sig(zs[k]) - sig(t), 5));
  });

  it('forgettingTeacherLogits = orig − α·ReLU(aug − orig)', () => {
    const orig = [1, 2, -1];
    const aug = [3, 1, -1];
    const t = tf.tidy(() => forgettingTeacherLogits(tf.tensor1d(orig), tf.tensor1d(aug), 0.5).arraySync());
    expect(t).toEqual([0, 2, -1]);
    const t0 = tf.tidy(() => forgettingTeacherLogits(tf.tensor1d(orig), tf.tensor1d(aug), 0).arraySync());
    expect(t0).toEqual(orig);
  });

  it('weightedMean ignores zero-weight entries', () => {
    const m = tf.tidy(() => weightedMean(tf.tensor1d([1, 100, 3]), tf.tensor1d([1, 0, 1])).arraySync());
    expect(m).toBeCloseTo(2, 6);
    expect(tf.tidy(() => weightedMean(tf.tensor1d([1, 2, 6]), null).arraySync())).toBeCloseTo(3, 6);
  });
});
