/**
 * AdamW against tfjs's own Adam (an implementation written elsewhere): at weight decay 0 the two
 * follow the same path; with decay, each step is Adam's step plus −lr·wd·θ, checked on a loss whose
 * gradient does not depend on θ (so Adam's steps are the same whatever θ is, and L2 folded into the
 * gradient would show).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW, ownedVariable } from './adamw';

const LR = 0.05;
const init = { a: [0.5, -1, 2], b: [[0.3, -0.2], [1.5, 0.7]] };

/** Two variables, a loss that is not quadratic, so the moments differ per coordinate. */
function pair() {
  const a = ownedVariable(tf.tensor1d(init.a));
  const b = ownedVariable(tf.tensor2d(init.b));
  const loss = () => tf.tidy(() => a.sin().mul(3).sum().add(b.square().mul(b.abs().add(1)).sum()).add(a.slice(0, 2).dot(b.sum(1)))) as tf.Scalar;
  return { a, b, loss, vars: [a, b] };
}

const values = (vs: tf.Variable[]) => vs.flatMap((v) => Array.from(v.dataSync()));

describe('AdamW', () => {
  it('at weight decay 0 follows tf.train.adam step by step, and leaks no tensor', async () => {
    await tf.setBackend('cpu');
    const start = tf.memory().numTensors;
    const mine = pair();
    const theirs = pair();
    const opt = new AdamW(mine.vars, { lr: LR, weightDecay: 0 });
    const ref = tf.train.adam(LR, 0.9, 0.999, 1e-8);
    for (let t = 0; t < 5; t++) {
      const loss = await opt.minimize(mine.loss);
      const want = ref.minimize(theirs.loss, true, theirs.vars)!;
      expect(loss).toBeCloseTo(want.dataSync()[0], 4); // float32 sums of ≈ 5
      want.dispose();
      const got = values(mine.vars);
      values(theirs.vars).forEach((x, k) => expect(got[k]).toBeCloseTo(x, 5));
    }
    expect(values(mine.vars)[0]).not.toBeCloseTo(init.a[0], 1); // it moved
    opt.dispose();
    ref.dispose();
    tf.dispose([...mine.vars, ...theirs.vars]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('decays decoupled from the gradient: θ ← (1 − lr·wd)·θ − (Adam step)', async () => {
    await tf.setBackend('cpu');
    const wd = 0.5;
    const c = tf.tensor1d([3, -0.2, 1e-3, 40]);
    const x = tf.variable(tf.tensor1d([1, 2, -3, 0.5]));
    const y = tf.variable(tf.tensor1d([1, 2, -3, 0.5]));
    const opt = new AdamW([x], { lr: LR, weightDecay: wd });
    const ref = tf.train.adam(LR, 0.9, 0.999, 1e-8);
    for (let t = 0; t < 4; t++) {
      const x0 = Array.from(x.dataSync()), y0 = Array.from(y.dataSync());
      await opt.minimize(() => x.dot(c) as tf.Scalar);
      ref.minimize(() => y.dot(c) as tf.Scalar, false, [y]);
      const step = y0.map((v, k) => v - y.dataSync()[k]);
      x.dataSync().forEach((v, k) => expect(v).toBeCloseTo((1 - LR * wd) * x0[k] - step[k], 5));
    }
    opt.dispose();
    ref.dispose();
    tf.dispose([c, x, y]);
  });

  it('decays weights by lr·wd even where the gradient is zero', async () => {
    const x = tf.variable(tf.tensor1d([1, -4]));
    const opt = new AdamW([x], { lr: 0.01, weightDecay: 0.1 });
    await opt.minimize(() => tf.scalar(0).mul(x.sum()) as tf.Scalar);
    const got = x.dataSync();
    expect(got[0]).toBeCloseTo(1 * (1 - 0.001), 7);
    expect(got[1]).toBeCloseTo(-4 * (1 - 0.001), 6);
    opt.dispose();
    x.dispose();
  });
});
