/**
 * The training objective as a deterministic function of E⁽⁰⁾ (θ) for influence computations:
 * L(θ) = (1/n) Σ_{z ∈ T} ℓ(z; θ, Â), ℓ = BPR with the interaction's FIXED negative + L2 on its
 * three rows (lightgcn.bprLoss scaled from a batch mean to a sum over n). n = |train| of the
 * original data for every set T, so L_D − L_{D_r} is exactly (1/n)·(forget + spillover terms).
 */
import * as tf from '@tensorflow/tfjs';
import type { Edges } from '../../types';
import type { GraphTensors } from '../../spmm';
import { bprLoss, propagate, sampleNegatives, userItems } from '../../lightgcn';
import { makeRng } from '../../rng';

/** Interactions with their fixed negatives: (users[k], pos[k]) positive, neg[k] negative item. */
export interface Triples {
  users: Int32Array;
  pos: Int32Array;
  neg: Int32Array;
}

export interface TripleTensors {
  count: number;
  users: tf.Tensor1D;
  pos: tf.Tensor1D;
  neg: tf.Tensor1D;
  dispose(): void;
}

/** Shapes and constants of the objective. */
export interface ObjectiveSpec {
  nUsers: number;
  layers: number;
  reg: number;
  /** Normaliser n (|train| of the original data). */
  n: number;
}

/**
 * One negative per train interaction, seeded and drawn among items the user has not interacted
 * with in train; shared by the old objective, the new one and the proximal reference.
 */
export function fixedNegatives(nUsers: number, nItems: number, train: Edges, seed: number): Int32Array {
  return sampleNegatives(train, nItems, makeRng(`fixed-negatives:${seed}`), 1, userItems(nUsers, train));
}

/** The triples of `edges` at positions `idx` (all when omitted); `negs` is indexed like `edges`. */
export function triplesOf(edges: Edges, negs: Int32Array, idx?: Int32Array): Triples {
  if (!idx) return { users: edges.u, pos: edges.i, neg: negs };
  const users = new Int32Array(idx.length);
  const pos = new Int32Array(idx.length);
  const neg = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    users[k] = edges.u[idx[k]];
    pos[k] = edges.i[idx[k]];
    neg[k] = negs[idx[k]];
  }
  return { users, pos, neg };
}

export function tripleTensors(t: Triples): TripleTensors {
  const users = tf.keep(tf.tensor1d(t.users, 'int32'));
  const pos = tf.keep(tf.tensor1d(t.pos, 'int32'));
  const neg = tf.keep(tf.tensor1d(t.neg, 'int32'));
  return {
    count: t.users.length,
    users,
    pos,
    neg,
    dispose() {
      users.dispose();
      pos.dispose();
      neg.dispose();
    },
  };
}

/** (1/n) Σ_{z∈t} ℓ(z) given the propagated E and the raw θ (for L2). */
export function objectiveAt(E: tf.Tensor2D, theta: tf.Tensor2D, t: TripleTensors, s: ObjectiveSpec): tf.Scalar {
  if (t.count === 0) return tf.scalar(0);
  return tf.tidy(() => tf.mul(bprLoss(E, theta, s.nUsers, t.users, t.pos, t.neg, s.reg), t.count / s.n) as tf.Scalar);
}

/** L(θ) = (1/n) Σ_{z∈t} ℓ(z; θ, Â). */
export function objective(g: GraphTensors, theta: tf.Tensor2D, t: TripleTensors, s: ObjectiveSpec): tf.Scalar {
  return tf.tidy(() => objectiveAt(propagate(g, theta, s.layers), theta, t, s));
}

/** ∇_θ L(θ) through the propagation. */
export function objectiveGradient(
  g: GraphTensors,
  theta: tf.Tensor2D,
  t: TripleTensors,
  s: ObjectiveSpec,
): tf.Tensor2D {
  if (t.count === 0) return tf.zerosLike(theta);
  return tf.tidy(() => tf.grad((th: tf.Tensor) => objective(g, th as tf.Tensor2D, t, s))(theta) as tf.Tensor2D);
}

/**
 * ∇_θ L(θ) when E = propagate(θ) is already known (cached): ∂L/∂E is pulled back through the
 * propagation operator P, which is symmetric (Pᵀ = P), plus the direct L2 part ∂L/∂θ.
 */
export function objectiveGradientAt(
  g: GraphTensors,
  E: tf.Tensor2D,
  theta: tf.Tensor2D,
  t: TripleTensors,
  s: ObjectiveSpec,
): tf.Tensor2D {
  if (t.count === 0) return tf.zerosLike(theta);
  return tf.tidy(() => {
    const [gE, gTheta] = tf.grads((e: tf.Tensor, th: tf.Tensor) =>
      objectiveAt(e as tf.Tensor2D, th as tf.Tensor2D, t, s),
    )([E, theta]);
    return tf.add(propagate(g, gE as tf.Tensor2D, s.layers), gTheta) as tf.Tensor2D;
  });
}

/** Exact Hessian-vector product ∇²L(θ)·v through the propagation (double backward). */
export function exactHvp(
  g: GraphTensors,
  theta: tf.Tensor2D,
  t: TripleTensors,
  s: ObjectiveSpec,
  v: tf.Tensor2D,
): tf.Tensor2D {
  if (t.count === 0) return tf.zerosLike(theta);
  return tf.tidy(
    () =>
      tf.grad((th: tf.Tensor) => tf.sum(tf.mul(objectiveGradientInner(g, th as tf.Tensor2D, t, s), v)))(theta) as tf.Tensor2D,
  );
}

// Inside an outer tf.grad the inner gradient must not be tidied away or kept out of the tape.
function objectiveGradientInner(g: GraphTensors, theta: tf.Tensor2D, t: TripleTensors, s: ObjectiveSpec) {
  return tf.grad((th: tf.Tensor) => objective(g, th as tf.Tensor2D, t, s))(theta);
}
