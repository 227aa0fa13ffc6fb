/**
 * The influence objective's gradient on plain typed arrays (same math as objective.ts): the BPR
 * data term on the kernel pool's WebAssembly SIMD triple kernels (../spmm/pooled: scores per triple,
 * then each row's gradient gathered in triple order, both split over the pool's threads) where
 * available, else the training step's JS kernel (lightgcn.bprDataGradCpu); the L2 term per row; the
 * SIMD propagation. On the cpu and wasm backends this is many times faster than the tfjs graph over
 * ~80k interactions; on webgpu the tfjs path is used instead.
 */
import { bprDataGradCpu } from '../../lightgcn';
import { propagateMeanCpu } from '../../spmm';
import { TripleLayout } from '../../spmm/pooled';
import { kernelPool } from '../../spmm/threads';
import type { Graph } from '../../types';
import type { ObjectiveSpec, Triples } from './objective';

/**
 * Adds scale · Σ_{z∈t} ∇_E softplus(−x_z), x_z = e_u·(e_i − e_j), into gradE and returns
 * scale · Σ_z softplus(−x_z). `simd` false forces the JS kernel (for tests).
 */
export function bprDataGradient(
  E: Float32Array,
  d: number,
  nUsers: number,
  t: Triples,
  scale: number,
  gradE: Float32Array,
  simd = true,
  /** false: skip the loss (one log per interaction) and return 0. */
  withLoss = true,
  /** Receives the scores x_z (length = t.users.length), e.g. for the curvature at E. */
  scores?: Float32Array,
): number {
  const m = t.users.length;
  if (m === 0) return 0;
  const p = simd && d % 4 === 0 ? kernelPool() : null;
  if (!p) {
    if (scores) {
      for (let z = 0; z < m; z++) {
        const ou = t.users[z] * d, oi = (nUsers + t.pos[z]) * d, oj = (nUsers + t.neg[z]) * d;
        let x = 0;
        for (let c = 0; c < d; c++) x += E[ou + c] * (E[oi + c] - E[oj + c]);
        scores[z] = x;
      }
    }
    const part = new Float32Array(E.length);
    const loss = bprDataGradCpu(E, d, nUsers, t.users, t.pos, t.neg, part);
    const s = scale * m; // the kernel averages over its batch
    for (let c = 0; c < part.length; c++) gradE[c] += s * part[c];
    return s * loss;
  }
  const size = E.length;
  const layout = new TripleLayout(p, size / d, m);
  const [pE, pG, pX] = [size, size, m].map((f) => p.alloc(f * 4));
  try {
    layout.set(nUsers, t.users, t.pos, t.neg);
    p.f32(pE, size).set(E);
    layout.dots(pE, pX, d);
    const X = p.f32(pX, m);
    scores?.set(X);
    let loss = 0;
    for (let z = 0; z < m; z++) {
      const x = X[z];
      const e = Math.exp(x);
      // −ln σ(x) = softplus(−x), computed stably; d/dx = −σ(−x). The coefficient overwrites x.
      if (withLoss) loss += x > 0 ? Math.log1p(1 / e) : -x + Math.log1p(e);
      X[z] = -scale / (1 + e);
    }
    layout.gather(pE, pX, pG, d);
    const G = p.f32(pG, size);
    for (let c = 0; c < size; c++) gradE[c] += G[c];
    return scale * loss;
  } finally {
    layout.release();
    for (const b of [pE, pG, pX]) p.release(b);
  }
}

/** How often each of nNodes nodes appears in t (as user, positive or negative), times `scale`: the
 *  per-row weight of the L2 term (regGradient; the exact Hessian's Λ). */
export function occurrences(nNodes: number, nUsers: number, t: Triples, scale = 1): Float64Array {
  const count = new Float64Array(nNodes);
  for (let z = 0; z < t.users.length; z++) {
    count[t.users[z]]++;
    count[nUsers + t.pos[z]]++;
    count[nUsers + t.neg[z]]++;
  }
  if (scale !== 1) for (let v = 0; v < nNodes; v++) count[v] *= scale;
  return count;
}

/**
 * Adds ∂/∂θ of scale · Σ_{z∈t} reg/2 (‖θ_u‖² + ‖θ_i‖² + ‖θ_j‖²) into grad — per row, reg · scale ·
 * (occurrences of the row in t) · θ_row — and returns that term.
 */
export function regGradient(theta: Float32Array, d: number, nUsers: number, t: Triples, reg: number, scale: number, grad: Float32Array): number {
  const nNodes = theta.length / d;
  const count = occurrences(nNodes, nUsers, t);
  let sq = 0;
  for (let v = 0; v < nNodes; v++) {
    if (count[v] === 0) continue;
    const w = reg * scale * count[v];
    for (let c = v * d; c < v * d + d; c++) {
      sq += w * theta[c] * theta[c];
      grad[c] += w * theta[c];
    }
  }
  return sq / 2;
}

/** ∇_θ L(θ) = P ∇_E L + ∂L/∂θ (P symmetric), and L(θ). `E` = P θ when already known. */
export function objectiveGradientHost(
  g: Graph,
  theta: Float32Array,
  d: number,
  t: Triples,
  s: ObjectiveSpec,
  E: Float32Array = propagateMeanCpu(g, theta, d, s.layers),
  /** false: skip the BPR part of the loss (a log per interaction); only the gradient is needed. */
  withLoss = true,
  /** Receives the BPR scores x_z at E (see bprDataGradient). */
  scores?: Float32Array,
): { grad: Float32Array; loss: number } {
  const grad = new Float32Array(theta.length);
  if (t.users.length === 0) return { grad, loss: 0 };
  // The objective sums over t and divides by n.
  const gE = new Float32Array(theta.length);
  let loss = bprDataGradient(E, d, s.nUsers, t, 1 / s.n, gE, true, withLoss, scores);
  propagateMeanCpu(g, gE, d, s.layers, grad);
  if (s.reg !== 0) loss += regGradient(theta, d, s.nUsers, t, s.reg, 1 / s.n, grad);
  return { grad, loss };
}

/** a − b into a new array (a small shared loop, kept hot). */
export function subtract(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k] - b[k];
  return out;
}
