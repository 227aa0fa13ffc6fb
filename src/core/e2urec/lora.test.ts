import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createEmbeddingLora, disposeEmbeddingLora, embeddingLoraParams, mergeEmbeddingLora } from './lora';

describe('embedding LoRA', () => {
  it('has r·(n + d) parameters and, with A = 0, merges to W exactly', async () => {
    const start = tf.memory().numTensors;
    const W = Float32Array.from({ length: 5 * 3 }, (_, k) => Math.sin(k) * 0.37);
    const lora = createEmbeddingLora(5, 3, 2, 0.1, 1);
    expect(lora.A.size + lora.B.size).toBe(embeddingLoraParams(5, 3, 2));
    expect(embeddingLoraParams(5, 3, 2)).toBe(16);
    expect(await mergeEmbeddingLora(W, lora)).toEqual(W);
    disposeEmbeddingLora(lora);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('merges W + A·B (hand-computed)', async () => {
    const W = new Float32Array(2 * 2);
    const lora = createEmbeddingLora(2, 2, 1, 1, 1);
    lora.A.assign(tf.tensor2d([[2], [-1]]));
    lora.B.assign(tf.tensor2d([[0.5, 3]]));
    expect(Array.from(await mergeEmbeddingLora(W, lora))).toEqual([1, 6, -0.5, -3]);
    disposeEmbeddingLora(lora);
  });
});
