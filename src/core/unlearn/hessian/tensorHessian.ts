/**
 * The exact Hessian ∇²L_D(θ̂; Â) = Pᵀ H_E P + Λ (see hostHessian.ts) as tensor ops on the active
 * backend, for the webgpu path: the propagation op both ways (CsrPropagate, a WGSL SpMM there)
 * around the per-triple H_E product written with row gathers, elementwise ops and row scatters.
 * Everything it reads (E, the triples, ℓ'' and ℓ' at E, Λ) is uploaded or computed once per model.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows, propagateMean, scatterAddRows } from '../../spmm';
import type { UnlearnPrep } from '../context';

export interface TensorHessian {
  /** ∇²L(θ̂) v for a full n × d tensor v; a new tensor. */
  hvp(v: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

const pool = new WeakMap<UnlearnPrep, TensorHessian>();

/** Built on first use per prep (disposed with a new prep's pool entry only when the prep goes). */
export function tensorHessianOf(prep: UnlearnPrep): TensorHessian {
  let h = pool.get(prep);
  if (!h) {
    h = tensorHessian(prep);
    pool.set(prep, h);
    const dispose = prep.dispose.bind(prep);
    prep.dispose = () => {
      h!.dispose();
      pool.delete(prep);
      dispose();
    };
  }
  return h;
}

export function tensorHessian(prep: UnlearnPrep): TensorHessian {
  const { nUsers, layers, reg, n } = prep.spec;
  const nodes = prep.theta.length / prep.cfg.dim;
  const count = new Float32Array(nodes);
  const { users, pos, neg } = prep.all;
  for (let z = 0; z < users.length; z++) {
    count[users[z]]++;
    count[nUsers + pos[z]]++;
    count[nUsers + neg[z]]++;
  }
  const kept = tf.tidy(() => {
    const u = tf.tensor1d(users, 'int32');
    const i = tf.add(tf.tensor1d(pos, 'int32'), nUsers) as tf.Tensor1D;
    const j = tf.add(tf.tensor1d(neg, 'int32'), nUsers) as tf.Tensor1D;
    const E = prep.EoldT;
    const eu = gatherRows(E, u);
    const ediff = tf.sub(gatherRows(E, i), gatherRows(E, j)) as tf.Tensor2D;
    const x = tf.sum(tf.mul(eu, ediff), 1);
    const sig = tf.sigmoid(x);
    return {
      u, i, j, eu, ediff,
      d1: tf.reshape(tf.sub(sig, 1), [-1, 1]),
      d2: tf.reshape(tf.mul(sig, tf.sub(1, sig)), [-1, 1]),
      lambda: tf.reshape(tf.mul(tf.tensor1d(count), reg / n), [-1, 1]),
    };
  });
  const all = Object.values(kept).map((t) => tf.keep(t));
  const gt = prep.gtOld;
  return {
    hvp(v) {
      return tf.tidy(() => {
        const a = propagateMean(gt, v, layers);
        const au = gatherRows(a, kept.u);
        const bc = tf.sub(gatherRows(a, kept.i), gatherRows(a, kept.j));
        const s = tf.reshape(tf.sum(tf.add(tf.mul(kept.ediff, au), tf.mul(kept.eu, bc)), 1), [-1, 1]);
        const w = tf.mul(kept.d2, s);
        const outU = tf.add(tf.mul(w, kept.ediff), tf.mul(kept.d1, bc)) as tf.Tensor2D;
        const outI = tf.add(tf.mul(w, kept.eu), tf.mul(kept.d1, au)) as tf.Tensor2D;
        const he = tf.mul(
          tf.sub(tf.add(scatterAddRows(outU, kept.u, nodes), scatterAddRows(outI, kept.i, nodes)), scatterAddRows(outI, kept.j, nodes)),
          1 / n,
        ) as tf.Tensor2D;
        return tf.add(propagateMean(gt, he, layers), tf.mul(kept.lambda, v)) as tf.Tensor2D;
      });
    },
    dispose() {
      tf.dispose(all);
    },
  };
}
