import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (Loshchilov & Hutter 2019): θ ← θ − lr·wd·θ, apart from the Adam step. */
  weightDecay?: number;
}

/**
 * AdamW over a fixed list of variables. tfjs has Adam but no AdamW, and folding the decay into
 * the gradient (L2) is not the same thing under Adam's per-coordinate scaling.
 */
export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(
    readonly vars: tf.Variable[],
    opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    this.m = vars.map((x) => ownedVariable(tf.zerosLike(x), false));
    this.v = vars.map((x) => ownedVariable(tf.zerosLike(x), false));
  }

  /** One step on the gradient of `loss` w.r.t. the variables; returns the loss before the step. */
  async minimize(loss: () => tf.Scalar): Promise<number> {
    const value = this.step(loss);
    const out = (await value.data())[0];
    value.dispose();
    return out;
  }

  /** One update, without a readback: returns the loss as a scalar tensor (the caller disposes it). */
  step(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.vars);
    this.t++;
    const c1 = 1 - Math.pow(this.beta1, this.t);
    const c2 = 1 - Math.pow(this.beta2, this.t);
    tf.tidy(() => {
      this.vars.forEach((x, k) => {
        const g = grads[x.name];
        const m = this.m[k].mul(this.beta1).add(g.mul(1 - this.beta1));
        const v = this.v[k].mul(this.beta2).add(g.square().mul(1 - this.beta2));
        this.m[k].assign(m);
        this.v[k].assign(v);
        const step = m.div(c1).div(v.div(c2).sqrt().add(this.eps));
        x.assign(x.mul(1 - this.lr * this.weightDecay).sub(step.mul(this.lr)));
      });
    });
    tf.dispose(grads);
    return value;
  }

  dispose(): void {
    tf.dispose(this.m);
    tf.dispose(this.v);
  }
}

/** A variable initialised from `init`, which is disposed (tf.variable keeps its own reference). */
export function ownedVariable<R extends tf.Rank>(init: tf.Tensor<R>, trainable = true): tf.Variable<R> {
  const v = tf.variable(init, trainable);
  init.dispose();
  return v;
}
