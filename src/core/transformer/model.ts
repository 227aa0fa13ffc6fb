/**
 * A small SASRec-style recommender (Kang & McAuley 2018), the playground's stand-in for an LLM
 * recommender: item + position embeddings, pre-LayerNorm blocks of causal multi-head
 * self-attention and a ReLU feed-forward net, a final LayerNorm. The hidden state at position t
 * summarises items 0..t; its inner product with an item's (shared) embedding is that item's
 * click logit. Optional LoRA (Hu et al. 2022) on the attention projections q and v, as in E2URec.
 */
import * as tf from '@tensorflow/tfjs';
import { makeRng, type Rng } from '../rng';
import { gatherRows } from '../spmm';

export interface TransformerConfig {
  dim: number;
  layers: number;
  heads: number;
  /** Window length: the longest history the model reads. */
  maxLen: number;
  /** Training windows kept per user, most recent first: caps the history trained on at
   *  maxWindows·maxLen + 1 items (SASRec keeps the last maxLen). */
  maxWindows: number;
  ffnDim: number;
  initStd: number;
  lr: number;
  /** Windows per batch. */
  batch: number;
  epochs: number;
  seed: number;
}

export const DEFAULT_TRANSFORMER: TransformerConfig = {
  dim: 64,
  layers: 2,
  heads: 2,
  maxLen: 50,
  maxWindows: 1,
  ffnDim: 64,
  initStd: 0.1,
  lr: 2e-3,
  batch: 32,
  epochs: 10,
  seed: 2024,
};

export interface Block {
  ln1g: tf.Variable;
  ln1b: tf.Variable;
  wq: tf.Variable;
  wk: tf.Variable;
  wv: tf.Variable;
  wo: tf.Variable;
  ln2g: tf.Variable;
  ln2b: tf.Variable;
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;
}

export interface TransformerParams {
  nItems: number;
  cfg: TransformerConfig;
  itemEmb: tf.Variable;
  posEmb: tf.Variable;
  blocks: Block[];
  lnFg: tf.Variable;
  lnFb: tf.Variable;
}

/** LoRA factors per block: q' = h(Wq + Aq·Bq), v' = h(Wv + Av·Bv); A random, B zero. */
export interface AttentionLora {
  rank: number;
  aq: tf.Variable[];
  bq: tf.Variable[];
  av: tf.Variable[];
  bv: tf.Variable[];
}

function variable(shape: number[], fill: (rng: Rng) => number, rng: Rng, trainable = true): tf.Variable {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let k = 0; k < size; k++) data[k] = fill(rng);
  const t = tf.tensor(data, shape);
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

export function initTransformer(nItems: number, cfg: TransformerConfig): TransformerParams {
  const { dim: d, ffnDim: f, maxLen: L } = cfg;
  if (d % cfg.heads !== 0) throw new Error(`initTransformer: dim ${d} is not a multiple of heads ${cfg.heads}`);
  const rng = makeRng(`${cfg.seed}:transformer`);
  const normal = (std: number) => (r: Rng) => std * r.normal();
  const one = () => 1;
  const zero = () => 0;
  // Projections ~ N(0, 1/fan-in): unit-scale activations through the residual stream.
  const proj = (fanIn: number) => normal(1 / Math.sqrt(fanIn));
  const blocks: Block[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    blocks.push({
      ln1g: variable([d], one, rng),
      ln1b: variable([d], zero, rng),
      wq: variable([d, d], proj(d), rng),
      wk: variable([d, d], proj(d), rng),
      wv: variable([d, d], proj(d), rng),
      wo: variable([d, d], proj(d), rng),
      ln2g: variable([d], one, rng),
      ln2b: variable([d], zero, rng),
      w1: variable([d, f], proj(d), rng),
      b1: variable([f], zero, rng),
      w2: variable([f, d], proj(f), rng),
      b2: variable([d], zero, rng),
    });
  }
  return {
    nItems,
    cfg,
    itemEmb: variable([nItems, d], normal(cfg.initStd), rng),
    posEmb: variable([L, d], normal(cfg.initStd), rng),
    blocks,
    lnFg: variable([d], one, rng),
    lnFb: variable([d], zero, rng),
  };
}

export function transformerVariables(p: TransformerParams): tf.Variable[] {
  return [p.itemEmb, p.posEmb, ...p.blocks.flatMap((b) => Object.values(b) as tf.Variable[]), p.lnFg, p.lnFb];
}

/** Parameter count: items·d + L·d + layers·(4d² + d·f + f + f·d + d + 4d) + 2d. */
export function transformerParamCount(nItems: number, cfg: TransformerConfig): number {
  const { dim: d, ffnDim: f, maxLen: L, layers } = cfg;
  return nItems * d + L * d + layers * (4 * d * d + d * f + f + f * d + d + 4 * d) + 2 * d;
}

/** An independent copy (new variables, same values). */
export function cloneTransformer(p: TransformerParams): TransformerParams {
  const c = (v: tf.Variable) => tf.variable(v, true);
  return {
    nItems: p.nItems,
    cfg: p.cfg,
    itemEmb: c(p.itemEmb),
    posEmb: c(p.posEmb),
    blocks: p.blocks.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, c(v)])) as unknown as Block),
    lnFg: c(p.lnFg),
    lnFb: c(p.lnFb),
  };
}

export function disposeTransformer(p: TransformerParams): void {
  tf.dispose(transformerVariables(p));
}

/** Every weight's values, in transformerVariables order (for snapshots and comparisons). */
export function transformerWeights(p: TransformerParams): Float32Array[] {
  return transformerVariables(p).map((v) => v.dataSync() as Float32Array);
}

export function createAttentionLora(cfg: TransformerConfig, rank: number, seed: number): AttentionLora {
  const rng = makeRng(`${seed}:lora`);
  const a = () => variable([cfg.dim, rank], (r) => r.normal() / Math.sqrt(cfg.dim), rng);
  const b = () => variable([rank, cfg.dim], () => 0, rng);
  const lora: AttentionLora = { rank, aq: [], bq: [], av: [], bv: [] };
  for (let l = 0; l < cfg.layers; l++) {
    lora.aq.push(a());
    lora.bq.push(b());
    lora.av.push(a());
    lora.bv.push(b());
  }
  return lora;
}

export function loraVariables(l: AttentionLora): tf.Variable[] {
  return [...l.aq, ...l.bq, ...l.av, ...l.bv];
}

/** LoRA on q and v: layers · 2 · (d·r + r·d). */
export function attentionLoraParamCount(cfg: TransformerConfig, rank: number): number {
  return cfg.layers * 2 * 2 * cfg.dim * rank;
}

/**
 * x·w with a gradient written as plain products of explicitly transposed operands: tfjs-wasm's
 * matMul is ~4× slower with its transpose flags (the default gradient) than on a transposed copy.
 */
export const dense = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
      tf.matMul(dy, saved[1].transpose() as tf.Tensor2D),
      tf.matMul(saved[0].transpose() as tf.Tensor2D, dy),
    ],
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor) => tf.Tensor2D;

function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b) as tf.Tensor2D;
}

/** 0 on and below the diagonal, −1e9 above: position t attends to positions ≤ t only. */
function causalMask(L: number): tf.Tensor2D {
  return tf.tidy(() => tf.sub(1, tf.linalg.bandPart(tf.ones([L, L]), -1, 0)).mul(-1e9) as tf.Tensor2D);
}

/**
 * Hidden states [B·L, d] for item windows `inputs` (B·L ids, row-major, L ≤ maxLen). Right
 * padding is harmless: thanks to the causal mask no real position reads a later (padded) one.
 */
export function hiddenStates(p: TransformerParams, inputs: tf.Tensor1D, B: number, L: number, lora?: AttentionLora | null): tf.Tensor2D {
  const { dim: d, heads: H } = p.cfg;
  const dh = d / H;
  return tf.tidy(() => {
    const pos = p.posEmb.slice([0, 0], [L, d]);
    let x = gatherRows(p.itemEmb as tf.Tensor2D, inputs).reshape([B, L, d]).add(pos).reshape([B * L, d]) as tf.Tensor2D;
    const mask = causalMask(L);
    const heads = (t: tf.Tensor) => t.reshape([B, L, H, dh]).transpose([0, 2, 1, 3]).reshape([B * H, L, dh]) as tf.Tensor3D;
    p.blocks.forEach((blk, l) => {
      const h = layerNorm(x, blk.ln1g, blk.ln1b);
      let q = dense(h, blk.wq);
      let v = dense(h, blk.wv);
      if (lora) {
        q = q.add(dense(dense(h, lora.aq[l]), lora.bq[l])) as tf.Tensor2D;
        v = v.add(dense(dense(h, lora.av[l]), lora.bv[l])) as tf.Tensor2D;
      }
      const k = dense(h, blk.wk);
      const scores = tf.matMul(heads(q), heads(k), false, true).div(Math.sqrt(dh)).add(mask);
      const att = tf.matMul(tf.softmax(scores), heads(v)) // [B·H, L, dh]
        .reshape([B, H, L, dh])
        .transpose([0, 2, 1, 3])
        .reshape([B * L, d]) as tf.Tensor2D;
      x = x.add(dense(att, blk.wo)) as tf.Tensor2D;
      const h2 = layerNorm(x, blk.ln2g, blk.ln2b);
      const ffn = tf.relu(dense(h2, blk.w1).add(blk.b1)) as tf.Tensor2D;
      x = x.add(dense(ffn, blk.w2).add(blk.b2)) as tf.Tensor2D;
    });
    return layerNorm(x, p.lnFg, p.lnFb);
  });
}

/** logit(h_k, item_k) = h_k · e_item for rows of `states` [m, d] and `items` (m ids). */
export function itemLogits(p: TransformerParams, states: tf.Tensor2D, items: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => states.mul(gatherRows(p.itemEmb as tf.Tensor2D, items)).sum(1) as tf.Tensor1D);
}
