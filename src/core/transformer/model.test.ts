import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TRANSFORMER,
  attentionLoraParamCount,
  cloneTransformer,
  createAttentionLora,
  dense,
  disposeTransformer,
  hiddenStates,
  initTransformer,
  loraVariables,
  transformerParamCount,
  transformerVariables,
  transformerWeights,
} from './model';

const cfg = { ...DEFAULT_TRANSFORMER, dim: 8, heads: 2, layers: 2, maxLen: 6, ffnDim: 12, seed: 5 };

const states = (p: ReturnType<typeof initTransformer>, ids: number[], lora?: ReturnType<typeof createAttentionLora>) =>
  tf.tidy(() => hiddenStates(p, tf.tensor1d(ids, 'int32'), ids.length / cfg.maxLen, cfg.maxLen, lora).arraySync());

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('transformer recommender', () => {
  it('is causal: changing a later item leaves earlier positions unchanged', () => {
    const p = initTransformer(20, cfg);
    const a = states(p, [3, 7, 1, 9, 4, 2]);
    const b = states(p, [3, 7, 1, 9, 15, 2]);
    for (let t = 0; t < 4; t++) a[t].forEach((x, c) => expect(b[t][c]).toBeCloseTo(x, 6));
    const moved = (t: number) => Math.max(...a[t].map((x, c) => Math.abs(x - b[t][c])));
    expect(moved(4)).toBeGreaterThan(1e-3);
    expect(moved(5)).toBeGreaterThan(1e-3);
    disposeTransformer(p);
  });

  it('counts its parameters as stated, and LoRA on q, v has layers·4·d·r', () => {
    const p = initTransformer(20, cfg);
    const total = transformerVariables(p).reduce((s, v) => s + v.size, 0);
    expect(total).toBe(transformerParamCount(20, cfg));
    // 20·8 + 6·8 + 2·(4·64 + 8·12 + 12 + 12·8 + 8 + 32) + 16
    expect(total).toBe(160 + 48 + 2 * (256 + 96 + 12 + 96 + 8 + 32) + 16);
    const lora = createAttentionLora(cfg, 3, 1);
    expect(loraVariables(lora).reduce((s, v) => s + v.size, 0)).toBe(attentionLoraParamCount(cfg, 3));
    expect(attentionLoraParamCount(cfg, 3)).toBe(2 * 4 * 8 * 3);
    tf.dispose(loraVariables(lora));
    disposeTransformer(p);
  });

  it('with the zero-initialised LoRA factor reproduces the base model exactly; not otherwise', () => {
    const p = initTransformer(20, cfg);
    const lora = createAttentionLora(cfg, 2, 1);
    const ids = [3, 7, 1, 9, 4, 2, 5, 5, 0, 1, 2, 3];
    expect(states(p, ids, lora)).toEqual(states(p, ids));
    lora.bv[1].assign(tf.onesLike(lora.bv[1]).mul(0.3));
    expect(states(p, ids, lora)).not.toEqual(states(p, ids));
    tf.dispose(loraVariables(lora));
    disposeTransformer(p);
  });

  it('clones into independent variables and leaks no tensor', () => {
    const start = tf.memory().numTensors;
    const p = initTransformer(20, cfg);
    const c = cloneTransformer(p);
    expect(transformerWeights(c)).toEqual(transformerWeights(p));
    tf.tidy(() => c.itemEmb.assign(tf.zerosLike(c.itemEmb)));
    expect(transformerWeights(c)[0]).not.toEqual(transformerWeights(p)[0]);
    disposeTransformer(p);
    disposeTransformer(c);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('dense has the gradient of x·w (hand-rolled for speed on wasm)', () => {
    const x = tf.tensor2d([[1, -2, 0.5], [3, 0.25, -1]]);
    const w = tf.tensor2d([[0.2, -1], [1.5, 0.3], [-0.7, 2]]);
    const dy = tf.tensor2d([[1, 2], [-3, 0.5]]);
    const f = (g: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => g(a as tf.Tensor2D, b as tf.Tensor2D).mul(dy).sum())([x, w]).map((t) => t.arraySync());
    expect(tf.tidy(() => dense(x, w).arraySync())).toEqual(tf.tidy(() => tf.matMul(x, w).arraySync()));
    const [gx, gw] = f(dense);
    const [rx, rw] = f((a, b) => tf.matMul(a, b));
    expect(gx).toEqual(rx);
    expect(gw).toEqual(rw);
    tf.dispose([x, w, dy]);
  });
});
