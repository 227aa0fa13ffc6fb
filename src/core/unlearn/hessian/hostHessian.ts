/**
 * The exact Hessian of the influence objective L_D at θ̂, as Hessian-vector products on typed arrays,
 * and ∇L_D(θ̂) from the same pass over the triples.
 *
 * L(θ) = (1/n) Σ_z softplus(−x_z(E)) + (reg/2n) Σ_z (‖θ_u‖² + ‖θ_i‖² + ‖θ_j‖²) with E = Pθ and P = mean_k Â^k
 * linear and symmetric, so
 *   ∇L(θ̂) = P ∇_E L + reg·count ⊙ θ̂ / n,     ∇²L(θ̂) = Pᵀ H_E P + Λ,
 * H_E = ∇²_E of the BPR term at E = Pθ̂, Λ = diag(reg · count_v / n), count_v = occurrences of node v
 * in the triples. H_E has the raw-row form of fastHessian.ts with θ replaced by E (and no L2), so one
 * product is two SIMD propagations around one pass of the SIMD triple kernel over D — tens of
 * milliseconds on the default data instead of seconds for the tfjs double backward (objective.ts
 * exactHvp, kept as the test oracle).
 *
 * The per-model cache (context.ts) builds both at once: one pass lays out the triples' row
 * addresses, one dotDiff gives the scores x_z, whose ℓ' is the gradient's coefficient and whose
 * ℓ' and ℓ'' are H_E's; the gradient's scatter and every product then run on that layout.
 */
import { gatherRowsCpu, propagateMeanCpu, scatterRowsCpu } from '../../spmm';
import { tripleKernels } from '../../spmm/triples';
import { fastHessian, rawCurvature } from './fastHessian';
import { bprDataGradient, occurrences } from '../objective/hostObjective';
import type { Graph } from '../../types';
import type { ObjectiveSpec, Triples } from '../objective/objective';

export interface HostHessian {
  /** ∇²L(θ̂) v for a full-length v (all nodes × d). */
  hvpFull(v: Float32Array): Float32Array;
  /** The same restricted to `rows` (compact: row r of v is node rows[r]; other rows held at zero). */
  hvpRows(rows: Int32Array, v: Float32Array): Float32Array;
  /** Triples the products read (all of D). */
  interactions: number;
}

/** H_E on the triples at E, and the data term of ∇_E L from the same scores. */
interface TripleOperator {
  /** H_E v (a view, valid until the next call). */
  hvpE(v: Float32Array): Float32Array;
  /** (1/n) Σ_z ∇_E softplus(−x_z) (a fresh array). */
  gradE(): Float32Array;
}

/** ∇L_D(θ̂; Â), its BPR term alone (gradData: without the L2), and ∇²L_D(θ̂; Â) (as products), at
 *  E = Pθ̂ on graph g. */
export function exactGradientAndHessian(
  g: Graph,
  theta: Float32Array,
  E: Float32Array,
  d: number,
  data: Triples,
  spec: ObjectiveSpec,
): { grad: Float32Array; gradData: Float32Array; hessian: HostHessian } {
  const op = tripleOperator(E, d, spec.nUsers, data, spec.n);
  const gradData = propagateMeanCpu(g, op.gradE(), d, spec.layers);
  // The L2 term's gradient is Λθ̂: one count of the triples serves the gradient and the Hessian.
  const lambda = occurrences(g.n, spec.nUsers, data, spec.reg / spec.n);
  const grad = gradData.slice();
  addRowScaled(grad, lambda, theta, d);
  return { grad, gradData, hessian: operatorHessian(g, op, d, lambda, data.users.length, spec.layers) };
}

/**
 * The Hessian alone, for the objective on `data` over graph `g` at the propagated embeddings E
 * (E = P θ̂ on g) — θ̂ itself only enters Λ, which does not depend on it.
 */
export function hostHessian(
  g: Graph,
  E: Float32Array,
  d: number,
  nUsers: number,
  data: Triples,
  reg: number,
  n: number,
  layers: number,
): HostHessian {
  const lambda = occurrences(g.n, nUsers, data, reg / n);
  return operatorHessian(g, tripleOperator(E, d, nUsers, data, n), d, lambda, data.users.length, layers);
}

/** out += diag(lambda) ⊗ I_d · v, row by row (Λ's rows are zero where a node has no triple). */
function addRowScaled(out: Float32Array, lambda: Float64Array, v: Float32Array, d: number): void {
  for (let r = 0; r < lambda.length; r++) {
    const l = lambda[r];
    if (l !== 0) for (let c = r * d; c < r * d + d; c++) out[c] += l * v[c];
  }
}

/** Pᵀ H_E P + Λ as products, over `interactions` triples (H_E: `op`). */
function operatorHessian(g: Graph, op: TripleOperator, d: number, lambda: Float64Array, interactions: number, layers: number): HostHessian {
  const nNodes = g.n;
  const Pv = new Float32Array(nNodes * d);
  const full = new Float32Array(nNodes * d);
  const hvpFull = (v: Float32Array): Float32Array => {
    propagateMeanCpu(g, v, d, layers, Pv);
    const out = propagateMeanCpu(g, op.hvpE(Pv), d, layers);
    addRowScaled(out, lambda, v, d);
    return out;
  };
  return {
    interactions,
    hvpFull,
    hvpRows(rows, v) {
      return gatherRowsCpu(hvpFull(scatterRowsCpu(v, d, rows, nNodes, full)), d, rows);
    },
  };
}

/**
 * One SIMD layout of the triples (θ = E rows, vector rows, output rows: nine address arrays filled
 * in one loop), the scores by one dotDiff, and per triple ℓ'/n and ℓ''/n — the gradient's scatter
 * coefficient and H_E's two weights. Without WebAssembly SIMD (or for d % 4 ≠ 0): the float64 JS
 * kernels of fastHessian.ts and hostObjective.ts.
 */
function tripleOperator(E: Float32Array, d: number, nUsers: number, data: Triples, n: number): TripleOperator {
  const m = data.users.length;
  const k = d % 4 === 0 ? tripleKernels() : null;
  if (!k) {
    const nNodes = E.length / d;
    const all = new Int32Array(nNodes).map((_, v) => v);
    const ids = new Int32Array(m).map((_, z) => z);
    const HE = fastHessian(E, d, nUsers, all, data, 0, n, rawCurvature(E, d, nUsers, data), ids, false);
    return {
      hvpE: (v) => HE.hvp(v),
      gradE() {
        const gE = new Float32Array(E.length);
        bprDataGradient(E, d, nUsers, data, 1 / n, gE, false, false);
        return gE;
      },
    };
  }
  const size = E.length;
  const [pE, pV, pOut] = [size, size, size].map((f) => k.alloc(f));
  const [OU, OI, OJ, QU, QI, QJ, WU, WI, WJ, D1, D2] = new Array(11).fill(0).map(() => k.alloc(m));
  // Row addresses of E (O), of the vector (Q) and of the output (W): the indices are copied into W,
  // turned into addresses by the rowAddresses kernel, W last and in place.
  const row = 4 * d, items = nUsers * row;
  for (const [idx, O, Q, W, base] of [
    [data.users, OU, QU, WU, 0],
    [data.pos, OI, QI, WI, items],
    [data.neg, OJ, QJ, WJ, items],
  ] as const) {
    k.i32(W, m).set(idx);
    k.rowAddresses(W, O, m, pE + base, row);
    k.rowAddresses(W, Q, m, pV + base, row);
    k.rowAddresses(W, W, m, pOut + base, row);
  }
  k.f32(pE, size).set(E);
  k.dotDiff(OU, OI, OJ, m, d, D1);
  const d1 = k.f32(D1, m), d2 = k.f32(D2, m);
  const inv = 1 / n;
  for (let z = 0; z < m; z++) {
    const sig = 1 / (1 + Math.exp(-d1[z]));
    d1[z] = (sig - 1) * inv;
    d2[z] = sig * (1 - sig) * inv;
  }
  const V = k.f32(pV, size);
  const out = k.f32(pOut, size);
  return {
    hvpE(v) {
      V.set(v);
      out.fill(0);
      k.rawHvp([OU, OI, OJ], [QU, QI, QJ], [WU, WI, WJ], D1, D2, m, d);
      return out;
    },
    gradE() {
      // d/dE softplus(−x) = ℓ'(x) ∇x: the scatter with coefficient ℓ'/n.
      out.fill(0);
      k.scatter([WU, WI, WJ], [OU, OI, OJ], D1, m, d);
      return out.slice();
    },
  };
}
