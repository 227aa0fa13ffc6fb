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
import { propagateMeanCpu } from '../spmm';
import { tripleKernels } from '../spmm/triples';
import { fastHessian, rawCurvature } from './fastHessian';
import { bprDataGradient, regGradient } from './hostObjective';
import type { Graph } from '../types';
import type { ObjectiveSpec, Triples } from './objective';

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
  const grad = gradData.slice();
  if (spec.reg !== 0) regGradient(theta, d, spec.nUsers, data, spec.reg, 1 / spec.n, grad);
  return { grad, gradData, hessian: operatorHessian(g, op, d, spec.nUsers, data, spec.reg, spec.n, spec.layers) };
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
  return operatorHessian(g, tripleOperator(E, d, nUsers, data, n), d, nUsers, data, reg, n, layers);
}

function operatorHessian(
  g: Graph,
  op: TripleOperator,
  d: number,
  nUsers: number,
  data: Triples,
  reg: number,
  n: number,
  layers: number,
): HostHessian {
  const nNodes = g.n;
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
    const out = propagateMeanCpu(g, op.hvpE(Pv), d, layers);
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
      // Rows come sorted (all nodes, all but the removed users, or a pruned subset): copy them in
      // runs of consecutive nodes — two block copies for a whole-user deletion instead of a
      // subarray per row.
      const runs = consecutiveRuns(rows);
      if (runs.length === 3 && rows.length === nNodes && rows[0] === 0) return hvpFull(v);
      full.fill(0);
      for (let k = 0; k < runs.length; k += 3) {
        const [at, node, len] = [runs[k], runs[k + 1], runs[k + 2]];
        full.set(v.subarray(at * d, (at + len) * d), node * d);
      }
      const hv = hvpFull(full);
      const out = new Float32Array(rows.length * d);
      for (let k = 0; k < runs.length; k += 3) {
        const [at, node, len] = [runs[k], runs[k + 1], runs[k + 2]];
        out.set(hv.subarray(node * d, (node + len) * d), at * d);
      }
      return out;
    },
  };
}

/** (position in rows, first node, length) of each maximal run of consecutive nodes in `rows`. */
export function consecutiveRuns(rows: Int32Array): number[] {
  const runs: number[] = [];
  for (let r = 0; r < rows.length; ) {
    let len = 1;
    while (r + len < rows.length && rows[r + len] === rows[r] + len) len++;
    runs.push(r, rows[r], len);
    r += len;
  }
  return runs;
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
