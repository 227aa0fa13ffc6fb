/**
 * LoRA (Hu et al. 2022) on an embedding table, as peft does for nn.Embedding: the table W (n × d)
 * is frozen and read as W + A·B with A (n × r) zero-initialised and B (r × d) small random. With
 * A = 0 the adapted table equals W exactly; A's gradient G·Bᵀ is non-zero from the first step.
 * Trainable parameters: r·(n + d) instead of n·d.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../rng';
import { ownedVariable } from './adamw';

export interface EmbeddingLora {
  A: tf.Variable<tf.Rank.R2>;
  B: tf.Variable<tf.Rank.R2>;
  rank: number;
}

export function createEmbeddingLora(n: number, d: number, rank: number, bStd: number, seed: number): EmbeddingLora {
  const rng = makeRng(seed);
  const b = new Float32Array(rank * d);
  for (let k = 0; k < b.length; k++) b[k] = bStd * rng.normal();
  return {
    A: ownedVariable(tf.zeros([n, rank]) as tf.Tensor2D),
    B: ownedVariable(tf.tensor2d(b, [rank, d])),
    rank,
  };
}

export function embeddingLoraParams(n: number, d: number, rank: number): number {
  return rank * (n + d);
}

/** W + A·B as a plain array (row-major n × d). */
export async function mergeEmbeddingLora(W: Float32Array, lora: EmbeddingLora): Promise<Float32Array> {
  const delta = tf.tidy(() => tf.matMul(lora.A, lora.B));
  const d = (await delta.data()) as Float32Array;
  delta.dispose();
  const out = new Float32Array(W.length);
  for (let k = 0; k < W.length; k++) out[k] = W[k] + d[k];
  return out;
}

export function disposeEmbeddingLora(lora: EmbeddingLora): void {
  lora.A.dispose();
  lora.B.dispose();
}
