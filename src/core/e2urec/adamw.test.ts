import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw';

describe('AdamW', () => {
  it('matches a hand-computed decoupled-decay Adam on a scalar, and leaks no tensor', async () => {
    const start = tf.memory().numTensors;
    const init = tf.scalar(2);
    const x = tf.variable(init);
    init.dispose();
    const opt = new AdamW([x], { lr: 0.1, weightDecay: 0.5 });
    // f(x) = 3x² ⇒ g = 6x
    let ref = 2, m = 0, v = 0;
    for (let t = 1; t <= 3; t++) {
      const loss = await opt.minimize(() => x.square().mul(3) as tf.Scalar);
      expect(loss).toBeCloseTo(3 * ref * ref, 4);
      const g = 6 * ref;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      const step = m / (1 - 0.9 ** t) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
      ref = ref * (1 - 0.1 * 0.5) - 0.1 * step;
      expect(x.dataSync()[0]).toBeCloseTo(ref, 5);
    }
    opt.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(start);
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
