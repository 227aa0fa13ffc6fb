/**
 * Conjugate gradient for (H + μI) x = b with every vector and scalar a tensor on the active
 * backend: no value is read back inside the loop (on webgpu the whole solve is queued on the
 * GPU). It runs a fixed number of iterations; the decisions the host solver (cg.ts) takes by
 * reading values are made with masks instead:
 *  - the first direction with non-positive curvature raises μ to μ + 2|ρ| (ρ = bᵀHb / bᵀb), as
 *    with raiseDampingOnNegativeStart;
 *  - a later non-positive curvature, or ‖r‖ ≤ tol·‖b‖, freezes the iterate (step 0 from then on).
 * The figures (iterations taken, residual, negative curvature, μ) come back as one small tensor.
 * With checkEvery = k, one scalar (whether the solve is still open) is read back after every k
 * iterations, so a solve that has converged stops there instead of queueing the remaining
 * products as no-ops: a readback every k products, never one per iteration.
 */
import * as tf from '@tensorflow/tfjs';

export interface TensorCgOptions {
  damping: number;
  maxIter: number;
  tol: number;
  raiseDampingOnNegativeStart?: boolean;
  /** Read back whether the solve is still open after every `checkEvery` iterations (default: never). */
  checkEvery?: number;
}

export interface TensorCgResult {
  x: tf.Tensor;
  /** [iterations taken, ‖r‖/‖b‖, negative curvature (0/1), μ used] — read once, after the solve. */
  stats: tf.Tensor1D;
  /** Hessian-vector products queued (maxIter unless a check found the solve closed). */
  hvps: number;
}

const dot = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, b));

/** `hvp` returns a new tensor (it may allocate freely: each iteration runs in its own tidy). */
export async function solveHvpTensor(hvp: (v: tf.Tensor) => tf.Tensor, b: tf.Tensor, opts: TensorCgOptions): Promise<TensorCgResult> {
  const init = tf.tidy(() => {
    const rr0 = dot(b, b);
    return {
      x: tf.zerosLike(b),
      r: tf.clone(b),
      p: tf.clone(b),
      rr: rr0,
      bb: tf.clone(rr0),
      mu: tf.scalar(opts.damping),
      active: tf.greater(rr0, 0).toFloat(),
      iters: tf.scalar(0),
      negative: tf.scalar(0),
    };
  });
  let { x, r, p, rr, mu, active, iters, negative }: Record<string, tf.Tensor> = init;
  const bb = init.bb;
  const stop = opts.tol * opts.tol;
  let hvps = 0;
  for (let it = 0; it < opts.maxIter; it++) {
    if (opts.checkEvery && it > 0 && it % opts.checkEvery === 0 && (await active.data())[0] === 0) break;
    hvps++;
    const next = tf.tidy(() => {
      const hp = hvp(p);
      let m: tf.Tensor = mu;
      let pAp: tf.Tensor = tf.add(dot(p, hp), tf.mul(m, dot(p, p)));
      if (it === 0 && opts.raiseDampingOnNegativeStart) {
        const bad = tf.logicalAnd(tf.lessEqual(pAp, 0), tf.greater(rr, 0));
        const rho = tf.sub(tf.div(pAp, tf.maximum(rr, 1e-30)), m);
        const raised = tf.add(m, tf.mul(2, tf.abs(rho)));
        m = tf.where(bad, raised, m);
        pAp = tf.where(bad, tf.mul(rr, tf.add(rho, m)), pAp);
      }
      const curved = tf.greater(pAp, 0).toFloat();
      const stepping = tf.mul(active, curved);
      const neg = tf.maximum(negative, tf.mul(active, tf.sub(1, curved)));
      const alpha = tf.mul(stepping, tf.div(rr, tf.where(tf.greater(pAp, 0), pAp, tf.onesLike(pAp))));
      const x2 = tf.add(x, tf.mul(alpha, p));
      const r2 = tf.sub(r, tf.mul(alpha, tf.add(hp, tf.mul(m, p))));
      const rrNew = dot(r2, r2);
      const open = tf.mul(stepping, tf.greater(rrNew, tf.mul(stop, bb)).toFloat());
      const beta = tf.mul(open, tf.div(rrNew, tf.maximum(rr, 1e-30)));
      const p2 = tf.add(r2, tf.mul(beta, p));
      return {
        x: x2,
        r: r2,
        p: p2,
        rr: tf.where(tf.greater(stepping, 0), rrNew, rr),
        mu: tf.clone(m),
        active: open,
        iters: tf.add(iters, stepping),
        negative: neg,
      };
    });
    tf.dispose([x, r, p, rr, mu, active, iters, negative]);
    ({ x, r, p, rr, mu, active, iters, negative } = next);
  }
  const stats = tf.tidy(() =>
    tf.stack([iters, tf.where(tf.greater(bb, 0), tf.sqrt(tf.div(rr, tf.maximum(bb, 1e-30))), tf.scalar(0)), negative, mu]) as tf.Tensor1D,
  );
  tf.dispose([r, p, rr, bb, mu, active, iters, negative]);
  return { x, stats, hvps };
}
