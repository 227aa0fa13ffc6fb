/**
 * The exact Hessian of the influence objective L_D at θ̂, as Hessian-vector products on typed arrays.
 *
 * L(θ) = (1/n) Σ_z softplus(−x_z(E)) + (reg/2n) Σ_z (‖θ_u‖² + ‖θ_i‖² + ‖θ_j‖²) with E = Pθ and P = mean_k Â^k
 * linear and symmetric, so
 *   ∇²L(θ) = Pᵀ H_E P + Λ,   H_E = ∇²_E of the BPR term at E = Pθ̂,   Λ = diag(reg · count_v / n),
 * count_v = occurrences of node v in the triples. H_E has the raw-row form of fastHessian.ts with θ
 * replaced by E (and no L2), so one product is two SIMD propagations around one pass of the SIMD
 * triple kernel over D — tens of milliseconds on the default data instead of seconds for the tfjs
 * double backward (objective.ts exactHvp, kept as the test oracle). H_E, Λ and the buffers are
 * request-independent: UnlearnPrep builds them once per model (context.ts).
 */
import { propagateMeanCpu } from '../spmm';
import { fastHessian, rawCurvature, type Curvature, type FastHessian } from './fastHessian';
import type { Graph } from '../types';
import type { Triples } from './objective';

export interface HostHessian {
  /** ∇²L(θ̂) v for a full-length v (all nodes × d). */
  hvpFull(v: Float32Array): Float32Array;
  /** The same restricted to `rows` (compact: row r of v is node rows[r]; other rows held at zero). */
  hvpRows(rows: Int32Array, v: Float32Array): Float32Array;
  /** Triples the products read (all of D). */
  interactions: number;
}

/**
 * Builds the operator for the objective on `data` over graph `g` at the propagated embeddings E
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
  /** ℓ', ℓ'' of every triple at E, when already known (UnlearnPrep: from the gradient's scores). */
  curvature: Curvature = rawCurvature(E, d, nUsers, data),
): HostHessian {
  const nNodes = E.length / d;
  const all = Int32Array.from({ length: nNodes }, (_, v) => v);
  const ids = Int32Array.from({ length: data.users.length }, (_, k) => k);
  const HE: FastHessian = fastHessian(E, d, nUsers, all, data, 0, n, curvature, ids);
  const lambda = new Float64Array(nNodes);
  for (let z = 0; z < data.users.length; z++) {
    lambda[data.users[z]]++;
    lambda[nUsers + data.pos[z]]++;
    lambda[nUsers + data.neg[z]]++;
  }
  for (let v = 0; v < nNodes; v++) lambda[v] *= reg / n;
  const Pv = new Float32Array(nNodes * d);
  const full = new Float32Array(nNodes * d);
  const hvpFull = (v: Float32Array): Float32Array => {
    propagateMeanCpu(g, v, d, layers, Pv);
    const out = propagateMeanCpu(g, HE.hvp(Pv), d, layers);
    for (let r = 0; r < nNodes; r++) {
      const l = lambda[r];
      if (l !== 0) for (let c = r * d; c < r * d + d; c++) out[c] += l * v[c];
    }
    return out;
  };
  return {
    interactions: data.users.length,
    hvpFull,
    hvpRows(rows, v) {
      full.fill(0);
      for (let r = 0; r < rows.length; r++) full.set(v.subarray(r * d, r * d + d), rows[r] * d);
      const hv = hvpFull(full);
      const out = new Float32Array(rows.length * d);
      for (let r = 0; r < rows.length; r++) out.set(hv.subarray(rows[r] * d, rows[r] * d + d), r * d);
      return out;
    },
  };
}
