/**
 * Influence-function unlearning (docs/method.md#methods): IF (direct influence only) and IFRU (direct +
 * spillover), optionally on importance-pruned rows, with the exact or the fast Hessian.
 *
 * With L_T(θ; Â) = (1/n) Σ_{z∈T} ℓ(z; θ, Â):
 *   direct     g_d = ∇ L_{D_f}(θ̂; Â)
 *   spillover  g_s = ∇ [L_C(θ̂; Â) − L_C(θ̂; Â')], C = remaining interactions whose loss depends on
 *              rows of P = mean_k Â^k that the deletion changes.
 * Every z ∈ D_r \ C has the same loss function under Â and Â', so
 *   g_d + g_s = ∇ L_D(θ̂; Â) − ∇ L_{D_r}(θ̂; Â')
 * exactly: the first term is request-independent (cached in UnlearnPrep), the second costs one
 * forward/backward on the new graph (IFRU). IFRU-pruned may truncate C to the interactions near
 * the forgotten edges (options.spilloverHops), which skips most of that pass.
 * Δθ = (H + μI)⁻¹ g on the chosen rows, θ' = θ̂ + Δθ.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRowsCpu, propagateMeanCpu, scatterRowsCpu } from '../../spmm';
import { tripleKernels, type TripleKernels } from '../../spmm/triples';
import { solveHvp, type Hvp } from '../hessian/cg';
import { solveHvpTensor } from '../hessian/cgTensor';
import { tensorHessianOf } from '../hessian/tensorHessian';
import { throwIfCancelled } from '../../types';
import { resetRemovedUsers, type HessianKind, type MethodResult, type UnlearnContext } from '../context';
import { fastHessian, rowCurvatureTraces } from '../hessian/fastHessian';
import { importanceScores, pruneByQuantile } from './importance';
import { bprDataGradient, objectiveGradientHost, regGradient, subtract } from '../objective/hostObjective';
import { touching } from '../objective/incidence';
import { endpointNodes, kHopNeighbourhood } from '../measure/neighbourhood';
import { objectiveGradient, objectiveGradientAt, triplesOf, tripleTensors, type Triples } from '../objective/objective';

/**
 * g = ∇L_D(θ̂; Â) − ∇L_{D_r}(θ̂; Â') exactly (above), computed only where the terms can differ
 * between the two: the BPR terms need one forward and backward pass of D_r on Â' (against the
 * cached ∇ of D's on Â), while the L2 terms are the same for every remaining triple, so their
 * difference is D_f's own L2 gradient — its few rows, not a pass over the remaining triples.
 */
function unlearningGradientHost(prep: UnlearnContext['prep'], req: UnlearnContext['req']): Float32Array {
  const d = prep.cfg.dim;
  const { nUsers, reg, n } = prep.spec;
  // On the kernel pool, from the cache's layout of D with D_f weighted 0 (no layout of D_r to build).
  const gNew =
    prep.exactHessian.dataGradientOn?.(req.graphNew, prep.theta, req.split.forgetIdx) ??
    objectiveGradientHost(req.graphNew, prep.theta, d, req.remain, { ...prep.spec, reg: 0 }, undefined, false).grad;
  const g = subtract(prep.gradOldData, gNew);
  if (reg !== 0) regGradient(prep.theta, d, nUsers, req.forget, reg, 1 / n, g);
  return g;
}

const tracePool = new WeakMap<UnlearnContext['prep'], Float64Array>();

/**
 * 'auto' damping per unit of the fast Hessian's mean diagonal on the solved rows, for data at other
 * scales: 9 reproduces the fixed μ = 1e-4 measured best on the default data (mean diagonal
 * 1.12e-5 there; 3.9e-5 on synthetic-small, where it gives μ ≈ 3.5e-4, slightly worse than 1e-4).
 */
export const DAMPING_PER_MEAN_DIAGONAL = 9;

/** μ for the solve: the fixed option, or DAMPING_PER_MEAN_DIAGONAL × mean diagonal of H on `rows`. */
export function resolveDamping(ctx: UnlearnContext, rows: Int32Array): number {
  const { prep, options } = ctx;
  if (options.damping !== 'auto') return options.damping;
  let traces = tracePool.get(prep);
  if (!traces) {
    traces = rowCurvatureTraces(prep.theta, prep.cfg.dim, prep.ds.nUsers, prep.all, prep.curvature, prep.spec.reg, prep.spec.n);
    tracePool.set(prep, traces);
  }
  let sum = 0;
  for (let r = 0; r < rows.length; r++) sum += traces[rows[r]];
  return rows.length > 0 ? (DAMPING_PER_MEAN_DIAGONAL * sum) / (rows.length * prep.cfg.dim) : 0;
}

const kernelPool = new WeakMap<UnlearnContext['prep'], { kernels: TripleKernels | null; busy: boolean }>();

/** The tfjs graph on webgpu; typed arrays on cpu/wasm, where they are several times faster. */
export function gradientOnHost(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/**
 * SCIF's gradient: ∇ of D_f's loss written on the raw rows θ, with no propagation (x_z = θ_u·(θ_i − θ_j)),
 * (1/n) Σ_{z∈D_f} ∇_θ [softplus(−x_z) + reg/2 (‖θ_u‖² + ‖θ_i‖² + ‖θ_j‖²)] — the fast Hessian's objective.
 */
export function rawDirectInfluence(ctx: UnlearnContext): Float32Array {
  const { prep, req } = ctx;
  const { nUsers, reg, n } = prep.spec;
  const g = new Float32Array(prep.theta.length);
  bprDataGradient(prep.theta, prep.cfg.dim, nUsers, req.forget, 1 / n, g, true, false);
  if (reg !== 0) regGradient(prep.theta, prep.cfg.dim, nUsers, req.forget, reg, 1 / n, g);
  return g;
}

/** g_d = ∇ L_{D_f}(θ̂; Â), from the cached propagation. */
export async function directInfluence(ctx: UnlearnContext, host = gradientOnHost()): Promise<Float32Array> {
  const { prep, req } = ctx;
  if (host) return objectiveGradientHost(prep.graphOld, prep.theta, prep.cfg.dim, req.forget, prep.spec, prep.Eold).grad;
  return download(objectiveGradientAt(prep.gtOld, prep.EoldT, prep.thetaT, req.forgetT, prep.spec));
}

/**
 * g_d + g_s. spilloverHops 'all' (default): C is every interaction whose loss can change and the
 * identity g = ∇ L_D(θ̂; Â) − ∇ L_{D_r}(θ̂; Â') gives g exactly. A number h: C = the remaining
 * interactions with an endpoint within h hops of the forgotten edges' endpoints and
 * g = ∇ L_{D_f ∪ C}(θ̂; Â) − ∇ L_C(θ̂; Â') — exact for h ≥ K, cheaper and approximate below.
 */
export async function unlearningGradient(
  ctx: UnlearnContext,
  host = gradientOnHost(),
  hops: number | 'all' = ctx.options.spilloverHops,
): Promise<Float32Array> {
  const { prep, req } = ctx;
  if (hops === 'all') {
    if (host) return unlearningGradientHost(prep, req);
    return subtract(prep.gradOld, await download(objectiveGradient(req.gtNew, prep.thetaT, req.remainT, prep.spec)));
  }
  const near = nearInteractions(ctx, hops);
  const withForget = triplesOf(prep.ds.train, prep.negs, near.withForget);
  const C = triplesOf(prep.ds.train, prep.negs, near.changed);
  if (host) return truncatedGradientHost(prep, req, withForget, C);
  const withForgetT = tripleTensors(withForget);
  const changed = tripleTensors(C);
  try {
    const gOld = await download(objectiveGradientAt(prep.gtOld, prep.EoldT, prep.thetaT, withForgetT, prep.spec));
    return subtract(gOld, await download(objectiveGradient(req.gtNew, prep.thetaT, changed, prep.spec)));
  } finally {
    withForgetT.dispose();
    changed.dispose();
  }
}

/**
 * g = P ∇_E L_{D_f ∪ C}(E) − P' ∇_E L_C(E') + ∂/∂θ of D_f's L2 (C's L2 terms cancel), with the
 * cached E = Pθ̂ and E' = P'θ̂.
 */
function truncatedGradientHost(prep: UnlearnContext['prep'], req: UnlearnContext['req'], withForget: Triples, C: Triples): Float32Array {
  const d = prep.cfg.dim;
  const { nUsers, layers, n, reg } = prep.spec;
  const size = prep.theta.length;
  const aOld = new Float32Array(size);
  bprDataGradient(prep.Eold, d, nUsers, withForget, 1 / n, aOld, true, false);
  const aNew = new Float32Array(size);
  if (C.users.length > 0) {
    bprDataGradient(propagateMeanCpu(req.graphNew, prep.theta, d, layers), d, nUsers, C, 1 / n, aNew, true, false);
  }
  const g = propagateMeanCpu(prep.graphOld, aOld, d, layers);
  const pNew = propagateMeanCpu(req.graphNew, aNew, d, layers);
  for (let k = 0; k < size; k++) g[k] -= pNew[k];
  if (reg !== 0) regGradient(prep.theta, d, nUsers, req.forget, reg, 1 / n, g);
  return g;
}

/**
 * Indices into ds.train of C (remaining interactions with an endpoint — user, item or fixed
 * negative — within `hops` hops of the forgotten edges' endpoints in the old graph) and of
 * D_f ∪ C (every forgotten interaction touches an endpoint, so that is all interactions near).
 */
export function nearInteractions(ctx: UnlearnContext, hops: number): { withForget: Int32Array; changed: Int32Array } {
  const { prep, req } = ctx;
  const { indptr, ids, m } = prep.incidence;
  const near = kHopNeighbourhood(prep.graphOld, endpointNodes(req.split.forgotten, prep.ds.nUsers), hops).nodes;
  // 1: near, 2: near and forgotten (every forgotten interaction is near).
  const mark = new Uint8Array(m);
  let count = 0;
  for (let a = 0; a < near.length; a++) {
    for (let p = indptr[near[a]]; p < indptr[near[a] + 1]; p++) {
      if (!mark[ids[p]]) {
        mark[ids[p]] = 1;
        count++;
      }
    }
  }
  const forgetIdx = req.split.forgetIdx;
  for (let a = 0; a < forgetIdx.length; a++) mark[forgetIdx[a]] = 2;
  const withForget = new Int32Array(count);
  const changed = new Int32Array(count - forgetIdx.length);
  for (let k = 0, a = 0, b = 0; k < m; k++) {
    if (mark[k] === 0) continue;
    withForget[a++] = k;
    if (mark[k] === 1) changed[b++] = k;
  }
  return { withForget, changed };
}

/** g_s alone (for inspection and tests): the total minus the direct part. */
export async function spilloverInfluence(ctx: UnlearnContext, host = gradientOnHost()): Promise<Float32Array> {
  const total = await unlearningGradient(ctx, host);
  const direct = await directInfluence(ctx, host);
  return subtract(total, direct);
}

async function download(t: tf.Tensor): Promise<Float32Array> {
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

export interface InfluenceSettings {
  spillover: boolean;
  pruned: boolean;
  /** Overrides options.hessian (the registered "IFRU (fast Hessian)" method). */
  hessian?: HessianKind;
  /** The model the update Δθ is added to (default: the prep's θ). IFRU (re-centred) computes Δθ with
   *  a cache at θ_D and deploys θ̂ + Δθ. */
  base?: Float32Array;
  /** SCIF (methods/scif.ts): the raw-row gradient of D_f (rawDirectInfluence) on D_f's own endpoints
   *  selected by importance (selectiveRows) instead of `spillover` and `pruned`. */
  selective?: boolean;
}

/** SCIF keeps the endpoints of D_f whose importance is at or above this quantile (the authors' 0.4). */
export const SELECTIVE_QUANTILE = 0.4;

/** SCIF's rows: D_f's users and items scored by (their forgotten interactions) / degree — IFRU's
 *  importance without spreading — at or above SELECTIVE_QUANTILE; never a removed user. */
export function selectiveRows(ctx: UnlearnContext): Int32Array {
  const { prep, req } = ctx;
  const removed = new Set(req.split.removedUsers);
  return pruneByQuantile(importanceScores(prep.graphOld, req.split.forgotten, 0), SELECTIVE_QUANTILE).filter((v) => !removed.has(v));
}

/** Rows the update may change: all nodes, or the importance-pruned ones; never a removed user. */
export function influenceRows(ctx: UnlearnContext, pruned: boolean): Int32Array {
  const { prep, req, options } = ctx;
  const removed = new Set(req.split.removedUsers);
  let rows: Int32Array;
  if (pruned) {
    const scores = importanceScores(prep.graphOld, req.split.forgotten, options.importanceHops);
    rows = pruneByQuantile(scores, options.pruneQuantile);
  } else {
    rows = Int32Array.from({ length: prep.graphOld.n }, (_, v) => v);
  }
  return removed.size > 0 ? rows.filter((v) => !removed.has(v)) : rows;
}

/**
 * H v on the chosen rows. H is the Hessian of the original objective L_D at θ̂ (the classic
 * influence-function choice: at a minimum it is positive semi-definite, while ∇²L_{D_r}(θ̂) need
 * not be; to first order in the deletion both give the same step). Exact: through the propagation
 * on the old graph (Pᵀ H_E P + Λ, hostHessian.ts); fast: raw rows, interactions of D touching them.
 */
export function hessianOperator(
  ctx: UnlearnContext,
  kind: HessianKind,
  rows: Int32Array,
): { hvp: Hvp; interactions: number; dispose(): void } {
  const { prep } = ctx;
  const d = prep.cfg.dim;
  if (kind === 'fast' && rows.length === prep.fastHessianAll.rows.length - ctx.req.split.removedUsers.length && rows.length > 0) {
    // All rows but removed users': the cached all-row Hessian with those rows held at zero,
    // which is exactly its block on the kept rows.
    const full = prep.fastHessianAll;
    const nAll = full.rows.length;
    const v0 = new Float32Array(nAll * d);
    return {
      interactions: full.interactions,
      hvp: (v) => gatherRowsCpu(full.hvp(scatterRowsCpu(v, d, rows, nAll, v0)), d, rows),
      dispose() {},
    };
  }
  if (kind === 'fast') {
    const touched = touching(prep.incidence, rows);
    // Reuse one kernel instance (and its grown memory) per prep while no other operator holds it.
    const pool = kernelPool.get(prep) ?? { kernels: tripleKernels(), busy: false };
    kernelPool.set(prep, pool);
    const own = pool.kernels && !pool.busy ? pool : null;
    if (own) own.busy = true;
    const fh = fastHessian(prep.theta, d, prep.ds.nUsers, rows, prep.all, prep.spec.reg, prep.spec.n, prep.curvature, touched, own?.kernels ?? true);
    return {
      hvp: (v) => fh.hvp(v),
      interactions: fh.interactions,
      dispose() {
        if (own) own.busy = false;
      },
    };
  }
  // Exact: Pᵀ H_E P + Λ on typed arrays (hostHessian.ts), built with the prep.
  const exact = prep.exactHessian;
  return {
    interactions: exact.interactions,
    hvp: (v) => exact.hvpRows(rows, v),
    dispose() {},
  };
}

/**
 * Where the update runs: 'host' (typed arrays, SIMD) or 'tensors' (the active tfjs backend end to
 * end, one download at the end: the webgpu path). Default: tensors on webgpu with the exact Hessian.
 */
export type InfluenceDevice = 'host' | 'tensors';

/** The shared body of IF, IFRU and IFRU-pruned. */
export async function influenceUnlearn(
  ctx: UnlearnContext,
  s: InfluenceSettings,
  device: InfluenceDevice = !gradientOnHost() && (s.hessian ?? ctx.options.hessian) === 'exact' ? 'tensors' : 'host',
): Promise<MethodResult> {
  if (device === 'tensors') return influenceUnlearnTensors(ctx, s);
  const { prep, options } = ctx;
  const d = prep.cfg.dim;
  const t0 = performance.now();
  const g = s.selective
    ? rawDirectInfluence(ctx)
    : s.spillover
      ? await unlearningGradient(ctx, gradientOnHost(), s.pruned ? options.spilloverHops : 'all')
      : await directInfluence(ctx);
  const t1 = performance.now();
  const rows = s.selective ? selectiveRows(ctx) : influenceRows(ctx, s.pruned);
  const b = gatherRowsCpu(g, d, rows);
  const t2 = performance.now();
  const damping = resolveDamping(ctx, rows);
  const hessian = s.hessian ?? options.hessian;
  const H = hessianOperator(ctx, hessian, rows);
  const t3 = performance.now();
  let cg;
  try {
    cg = await solveHvp(H.hvp, b, {
      damping,
      raiseDampingOnNegativeStart: true,
      maxIter: options.cgIters,
      tol: options.cgTol,
      token: ctx.token,
      onIter: (it) =>
        ctx.onProgress?.({ stage: 'cg', fraction: it / options.cgIters, message: `solving for the update, step ${it} of ${options.cgIters}` }),
    });
  } finally {
    H.dispose();
  }
  const E0 = (s.base ?? prep.theta).slice();
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let c = 0; c < d; c++) E0[o + c] += cg.x[r * d + c];
  }
  return influenceResult(ctx, E0, [t0, t1, t2, t3], damping, {
    hessian,
    hvps: cg.hvps,
    cgIters: cg.iters,
    cgResidual: cg.residual,
    negativeCurvature: cg.negativeCurvature,
    damping: cg.damping,
    rowsTouched: rows.length,
    interactionsTouched: H.interactions,
  });
}

/**
 * The result both paths return: the notes on the solve (damping raised, negative curvature), removed
 * users reset, and the phase times from the marks t0..t3 (gradient, rows, Hessian) to now (solve).
 */
function influenceResult(
  ctx: UnlearnContext,
  E0: Float32Array,
  [t0, t1, t2, t3]: number[],
  requestedDamping: number,
  solve: Omit<MethodResult, 'E0' | 'ms' | 'phases' | 'notes'> & { damping: number },
  extraNotes: string[] = [],
): MethodResult {
  const graphMs = ctx.req.graphMs;
  const notes: string[] = [];
  if (solve.damping > requestedDamping) {
    notes.push(
      `the gradient itself is a direction of negative curvature: damping raised from ${requestedDamping.toExponential(1)} to ${solve.damping.toExponential(1)} (a damped gradient step first)`,
    );
  }
  if (solve.negativeCurvature) notes.push('CG stopped on a direction of non-positive curvature (indefinite Hessian)');
  notes.push(...extraNotes);
  resetRemovedUsers(ctx, E0, notes);
  const t4 = performance.now();
  return {
    E0,
    ms: t4 - t0 + graphMs,
    phases: { graph: graphMs, gradient: t1 - t0, rows: t2 - t1, hessian: t3 - t2, solve: t4 - t3 },
    ...solve,
    notes,
  };
}

/** g as a tensor on the active backend (no download): the tfjs counterpart of unlearningGradient. */
function unlearningGradientTensor(ctx: UnlearnContext, s: InfluenceSettings): tf.Tensor2D {
  const { prep, req, options } = ctx;
  if (!s.spillover) return objectiveGradientAt(prep.gtOld, prep.EoldT, prep.thetaT, req.forgetT, prep.spec);
  const hops = s.pruned ? options.spilloverHops : 'all';
  if (hops === 'all') {
    return tf.tidy(() => {
      const gradOld = tf.tensor2d(prep.gradOld, prep.thetaT.shape);
      return tf.sub(gradOld, objectiveGradient(req.gtNew, prep.thetaT, req.remainT, prep.spec)) as tf.Tensor2D;
    });
  }
  const near = nearInteractions(ctx, hops);
  const withForgetT = tripleTensors(triplesOf(prep.ds.train, prep.negs, near.withForget));
  const changed = tripleTensors(triplesOf(prep.ds.train, prep.negs, near.changed));
  try {
    return tf.tidy(() =>
      tf.sub(
        objectiveGradientAt(prep.gtOld, prep.EoldT, prep.thetaT, withForgetT, prep.spec),
        objectiveGradient(req.gtNew, prep.thetaT, changed, prep.spec),
      ) as tf.Tensor2D,
    );
  } finally {
    withForgetT.dispose();
    changed.dispose();
  }
}

/** The tensor CG reads back one scalar after every this many iterations (where the 5% stop usually
 *  lands on the default data): a converged solve skips its remaining products. */
const TENSOR_CG_CHECK_EVERY = 3;

/**
 * The exact-Hessian update with g, the Hessian-vector products (tensorHessian.ts), CG
 * (cgTensor.ts) and θ̂ + Δθ all tensors on the active backend; the chosen rows are a 0/1 row mask
 * (the masked operator is the principal block of H on them). Nothing is read back before the end
 * but one convergence flag every TENSOR_CG_CHECK_EVERY iterations: the new E⁽⁰⁾ and the four CG figures
 * come back in one download (two were two round trips to the GPU; npm run bench -- --browser-only counts them).
 */
async function influenceUnlearnTensors(ctx: UnlearnContext, s: InfluenceSettings): Promise<MethodResult> {
  const { prep, options } = ctx;
  const d = prep.cfg.dim;
  const nodes = prep.theta.length / d;
  const t0 = performance.now();
  const g = unlearningGradientTensor(ctx, s);
  const t1 = performance.now();
  const rows = influenceRows(ctx, s.pruned);
  const maskHost = new Float32Array(nodes);
  for (let r = 0; r < rows.length; r++) maskHost[rows[r]] = 1;
  const mask = tf.tensor2d(maskHost, [nodes, 1]);
  const b = tf.mul(g, mask) as tf.Tensor2D;
  g.dispose();
  const t2 = performance.now();
  const damping = resolveDamping(ctx, rows);
  const H = tensorHessianOf(prep);
  const t3 = performance.now();
  throwIfCancelled(ctx.token);
  const cg = await solveHvpTensor((v) => tf.mul(H.hvp(tf.mul(v, mask) as tf.Tensor2D), mask), b, {
    damping,
    raiseDampingOnNegativeStart: true,
    maxIter: options.cgIters,
    tol: options.cgTol,
    checkEvery: TENSOR_CG_CHECK_EVERY,
  });
  const both = tf.tidy(() => {
    const theta = s.base ? tf.add(tf.tensor2d(s.base, prep.thetaT.shape), cg.x) : tf.add(prep.thetaT, cg.x);
    return tf.concat([tf.reshape(theta, [-1]), tf.reshape(cg.stats, [-1])]);
  });
  const all = (await both.data()) as Float32Array;
  const E0 = all.slice(0, prep.theta.length);
  const [iters, residual, negative, used] = Array.from(all.subarray(prep.theta.length, prep.theta.length + 4));
  tf.dispose([mask, b, cg.x, cg.stats, both]);
  return influenceResult(
    ctx,
    E0,
    [t0, t1, t2, t3],
    damping,
    {
      hessian: 'exact',
      hvps: cg.hvps,
      cgIters: iters,
      cgResidual: residual,
      negativeCurvature: negative > 0,
      damping: used,
      rowsTouched: rows.length,
      interactionsTouched: prep.all.users.length,
    },
    [`on ${tf.getBackend()} as tensors: ${cg.hvps} CG products queued, convergence read back every ${TENSOR_CG_CHECK_EVERY} (one scalar)`],
  );
}
