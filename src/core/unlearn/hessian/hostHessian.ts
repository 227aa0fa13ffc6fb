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
 * The per-model cache (context.ts) builds both at once: one layout of the triples and their
 * incidence in the kernel pool's memory, one pass of scores x_z, whose ℓ' is the gradient's
 * coefficient and whose ℓ' and ℓ'' are H_E's; the gradient and every product then run on that
 * layout, split over the pool's threads (every row's sum in triple order on any thread count, so
 * the same bits on 1, 2 or 3 threads).
 */
import { gatherRowsCpu, propagateMeanCpu, scatterRowsCpu } from '../../spmm';
import { propagateAt, residentCsr, rowBounds, threadPrograms, TripleLayout } from '../../spmm/pooled';
import { KERNEL_ID, kernelPool, type KernelPool } from '../../spmm/threads';
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
  /**
   * P_g ∇_E Σ_{z ∈ D \ without} softplus(−x_z(E)) / n at E = P_g θ on another graph g (Â'): the BPR part of
   * ∇L_{D_r}(θ; Â') from the cached layout of D, the triples `without` (indices into D) weighted 0 —
   * the remaining triples in the same order, so the same sums as a layout of D_r without building one.
   * Absent where the pool's kernels do not run.
   */
  dataGradientOn?(g: Graph, theta: Float32Array, without: Int32Array): Float32Array;
}

/** H_E on the triples at E, and the data term of ∇_E L from the same scores (the plain-JS form,
 *  where the pool's kernels cannot run). */
interface TripleOperator {
  /** H_E v (a view, valid until the next call). */
  hvpE(v: Float32Array): Float32Array;
  /** (1/n) Σ_z ∇_E softplus(−x_z) (a fresh array). */
  gradE(): Float32Array;
}

/** Both, with the whole product Pᵀ H_E P + Λ, on the kernel pool. */
interface Operator {
  gradE(): Float32Array;
  hessian: HostHessian;
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
  // The L2 term's gradient is Λθ̂: one count of the triples serves the gradient and the Hessian.
  const lambda = occurrences(g.n, spec.nUsers, data, spec.reg / spec.n);
  const op = operatorFor(g, E, d, data, spec, lambda);
  const gradData = propagateMeanCpu(g, op.gradE(), d, spec.layers);
  const grad = gradData.slice();
  addRowScaled(grad, lambda, theta, d);
  return { grad, gradData, hessian: op.hessian };
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
  return operatorFor(g, E, d, data, { nUsers, n, layers }, lambda).hessian;
}

type Shape = Pick<ObjectiveSpec, 'nUsers' | 'n' | 'layers'>;

/** The pool's operator for d % 16 == 0 (SIMD propagation and triple kernels), else the plain-JS one. */
function operatorFor(g: Graph, E: Float32Array, d: number, data: Triples, shape: Shape, lambda: Float64Array): Operator {
  const pool = d % 16 === 0 ? kernelPool() : null;
  if (pool) return pooledOperator(pool, g, E, d, data, shape, lambda);
  const op = tripleOperator(E, d, shape.nUsers, data, shape.n);
  return { gradE: () => op.gradE(), hessian: operatorHessian(g, op, d, lambda, data.users.length, shape.layers) };
}

/** Frees a pooled operator's memory once its Hessian is unreachable (the per-model cache dropped). */
const unreachable = new FinalizationRegistry<() => void>((release) => release());

/**
 * The triples laid out once in the pool with E, ℓ'/n and ℓ''/n; a product v ↦ Pᵀ H_E P v + Λv runs
 * there end to end: P v (SIMD propagation), w_z = ℓ''_z/n · ((E_i − E_j)·(Pv)_u + E_u·((Pv)_i − (Pv)_j))
 * per triple, H_E's gather per row (in triple order), P again, + Λv — each step split over the threads.
 */
function pooledOperator(p: KernelPool, g: Graph, E: Float32Array, d: number, data: Triples, { nUsers, n, layers }: Shape, lambda: Float64Array): Operator {
  const m = data.users.length;
  const nNodes = g.n;
  const size = E.length;
  const layout = new TripleLayout(p, nNodes, m).set(nUsers, data.users, data.pos, data.neg);
  const [pE, V, PV, HE, OUT] = [size, size, size, size, size].map((f) => p.alloc(f * 4));
  const [D1, D2, W] = [m, m, m].map((f) => p.alloc(Math.max(1, f) * 4));
  const LAM = p.alloc(nNodes * 4);
  const blocks = [pE, V, PV, HE, OUT, D1, D2, W, LAM];
  const release = () => {
    layout.release();
    for (const b of blocks) p.release(b);
  };
  try {
    p.f32(pE, size).set(E);
    p.f32(LAM, nNodes).set(lambda);
    layout.dots(pE, D1, d);
    const d1 = p.f32(D1, m), d2 = p.f32(D2, m);
    const inv = 1 / n;
    for (let z = 0; z < m; z++) {
      const sig = 1 / (1 + Math.exp(-d1[z]));
      d1[z] = (sig - 1) * inv;
      d2[z] = sig * (1 - sig) * inv;
    }
  } catch (e) {
    release();
    throw e;
  }
  const dB = d * 4;
  /** OUT = Pᵀ H_E P V + ΛV, V already in the pool. */
  const product = () => {
    const gr = residentCsr(p, g);
    propagateAt(p, gr, V, PV, d, layers);
    layout.hvpWeights(pE, PV, D2, W, d);
    layout.gather(pE, W, HE, d, PV, D1);
    propagateAt(p, gr, HE, OUT, d, layers);
    p.run(threadPrograms(rowBounds(p, nNodes, d), (a, b) => [KERNEL_ID.rowScaleAdd, OUT + a * dB, LAM, V + a * dB, a * 4, b * 4, dB]));
  };
  const hessian: HostHessian = {
    interactions: m,
    hvpFull(v) {
      p.f32(V, size).set(v);
      product();
      return p.f32(OUT, size).slice();
    },
    hvpRows(rows, v) {
      // Scattered straight into the pool and gathered straight out of it (views taken after the
      // product's allocations: they may grow a plain memory).
      scatterRowsCpu(v, d, rows, nNodes, p.f32(V, size));
      product();
      return gatherRowsCpu(p.f32(OUT, size), d, rows);
    },
    dataGradientOn(g2, theta, without) {
      if (g2.n !== nNodes || theta.length !== size) throw new Error('dataGradientOn: the graph or θ does not match the layout');
      const gr = residentCsr(p, g2);
      const C = p.alloc(Math.max(1, m) * 4);
      try {
        p.f32(V, size).set(theta);
        propagateAt(p, gr, V, PV, d, layers); // E' = P' θ
        layout.dots(PV, C, d);
        const c = p.f32(C, m);
        const inv = 1 / n;
        for (let z = 0; z < m; z++) c[z] = -inv / (1 + Math.exp(c[z]));
        for (let k = 0; k < without.length; k++) c[without[k]] = 0;
        layout.gather(PV, C, HE, d);
        propagateAt(p, gr, HE, OUT, d, layers);
        return p.f32(OUT, size).slice();
      } finally {
        p.release(C);
      }
    },
  };
  unreachable.register(hessian, release);
  return {
    hessian,
    gradE() {
      layout.gather(pE, D1, HE, d);
      return p.f32(HE, size).slice();
    },
  };
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

/** H_E and the gradient's data term in plain JS (fastHessian.ts and hostObjective.ts's float64 kernels). */
function tripleOperator(E: Float32Array, d: number, nUsers: number, data: Triples, n: number): TripleOperator {
  const m = data.users.length;
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
