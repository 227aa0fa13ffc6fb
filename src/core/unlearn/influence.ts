/**
 * Influence-function unlearning (DESIGN §4): IF (direct influence only) and IFRU (direct +
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
import { bprDataGradCpu, bprRegGradCpu } from '../lightgcn';
import { propagateMeanCpu } from '../spmm';
import { solveHvp, type Hvp } from './cg';
import { resetRemovedUsers, type HessianKind, type MethodResult, type UnlearnContext } from './context';
import { fastHessian } from './fastHessian';
import { importanceScores, pruneByQuantile } from './importance';
import { objectiveGradientHost } from './hostObjective';
import { touching } from './incidence';
import { endpointNodes, kHopNeighbourhood, nodeMask } from './neighbourhood';
import { exactHvp, objectiveGradient, objectiveGradientAt, triplesOf, tripleTensors, type Triples } from './objective';

/** The tfjs graph on webgpu; typed arrays on cpu/wasm, where they are several times faster. */
export function gradientOnHost(): boolean {
  return tf.getBackend() !== 'webgpu';
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
  const d = prep.cfg.dim;
  const g = new Float32Array(prep.theta.length);
  if (hops === 'all') {
    const gNew = host
      ? objectiveGradientHost(req.graphNew, prep.theta, d, req.remain, prep.spec).grad
      : await download(objectiveGradient(req.gtNew, prep.thetaT, req.remainT, prep.spec));
    for (let k = 0; k < g.length; k++) g[k] = prep.gradOld[k] - gNew[k];
    return g;
  }
  const C = changedSet(ctx, hops);
  if (host) return truncatedGradientHost(prep, req, C);
  const withForget = tripleTensors(concatTriples(req.forget, C));
  const changed = tripleTensors(C);
  try {
    const gOld = await download(objectiveGradientAt(prep.gtOld, prep.EoldT, prep.thetaT, withForget, prep.spec));
    const gNew = await download(objectiveGradient(req.gtNew, prep.thetaT, changed, prep.spec));
    for (let k = 0; k < g.length; k++) g[k] = gOld[k] - gNew[k];
    return g;
  } finally {
    withForget.dispose();
    changed.dispose();
  }
}

/**
 * g = P ∇_E L_{D_f ∪ C}(E) − P' ∇_E L_C(E') + ∂/∂θ of D_f's L2 (C's L2 terms cancel), with the
 * cached E = Pθ̂ and E' = P'θ̂.
 */
function truncatedGradientHost(prep: UnlearnContext['prep'], req: UnlearnContext['req'], C: Triples): Float32Array {
  const d = prep.cfg.dim;
  const { nUsers, layers, n, reg } = prep.spec;
  const size = prep.theta.length;
  const accumulate = (E: Float32Array, t: Triples, into: Float32Array) => {
    if (t.users.length === 0) return;
    const part = new Float32Array(size);
    bprDataGradCpu(E, d, nUsers, t.users, t.pos, t.neg, part);
    const scale = t.users.length / n; // the kernel averages over its batch
    for (let k = 0; k < size; k++) into[k] += scale * part[k];
  };
  const aOld = new Float32Array(size);
  accumulate(prep.Eold, req.forget, aOld);
  accumulate(prep.Eold, C, aOld);
  const aNew = new Float32Array(size);
  accumulate(propagateMeanCpu(req.graphNew, prep.theta, d, layers), C, aNew);
  const g = propagateMeanCpu(prep.graphOld, aOld, d, layers);
  const pNew = propagateMeanCpu(req.graphNew, aNew, d, layers);
  const f = req.forget;
  const gReg = new Float32Array(size);
  if (reg !== 0 && f.users.length > 0) bprRegGradCpu(prep.theta, d, nUsers, f.users, f.pos, f.neg, reg, gReg);
  const regScale = f.users.length / n;
  for (let k = 0; k < size; k++) g[k] += regScale * gReg[k] - pNew[k];
  return g;
}

/** Remaining interactions with an endpoint (user, item or fixed negative) within `hops` hops of
 *  the forgotten edges' endpoints in the old graph. */
export function changedSet(ctx: UnlearnContext, hops: number): Triples {
  const { prep, req } = ctx;
  const near = kHopNeighbourhood(prep.graphOld, endpointNodes(req.split.forgotten, prep.ds.nUsers), hops).nodes;
  const forgotten = nodeMask(prep.incidence.m, req.split.forgetIdx);
  const idx = touching(prep.incidence, near).filter((k) => !forgotten[k]);
  return triplesOf(prep.ds.train, prep.negs, idx);
}

function concatTriples(a: Triples, b: Triples): Triples {
  const cat = (x: Int32Array, y: Int32Array) => {
    const out = new Int32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return { users: cat(a.users, b.users), pos: cat(a.pos, b.pos), neg: cat(a.neg, b.neg) };
}

/** g_s alone (for inspection and tests): the total minus the direct part. */
export async function spilloverInfluence(ctx: UnlearnContext, host = gradientOnHost()): Promise<Float32Array> {
  const total = await unlearningGradient(ctx, host);
  const direct = await directInfluence(ctx, host);
  return total.map((x, k) => x - direct[k]);
}

async function download(t: tf.Tensor): Promise<Float32Array> {
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

export interface InfluenceSettings {
  spillover: boolean;
  pruned: boolean;
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

function gatherRowsHost(x: Float32Array, d: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) out.set(x.subarray(rows[r] * d, rows[r] * d + d), r * d);
  return out;
}

/**
 * H v on the chosen rows. H is the Hessian of the original objective L_D at θ̂ (the classic
 * influence-function choice: at a minimum it is positive semi-definite, while ∇²L_{D_r}(θ̂) need
 * not be; to first order in the deletion both give the same step). Exact: through the propagation
 * on the old graph; fast: raw rows, interactions of D touching them.
 */
function hessianOperator(
  ctx: UnlearnContext,
  kind: HessianKind,
  rows: Int32Array,
): { hvp: Hvp; interactions: number; dispose(): void } {
  const { prep } = ctx;
  const d = prep.cfg.dim;
  if (kind === 'fast') {
    const touched = touching(prep.incidence, rows);
    const fh = fastHessian(prep.theta, d, prep.ds.nUsers, rows, prep.all, prep.spec.reg, prep.spec.n, prep.curvature, touched);
    return { hvp: (v) => fh.hvp(v), interactions: fh.interactions, dispose() {} };
  }
  const n = prep.theta.length / d;
  const rowsT = tf.keep(tf.tensor1d(rows, 'int32'));
  const full = new Float32Array(n * d);
  return {
    interactions: prep.all.users.length,
    hvp: async (v) => {
      for (let r = 0; r < rows.length; r++) full.set(v.subarray(r * d, r * d + d), rows[r] * d);
      const hv = tf.tidy(() => {
        const vt = tf.tensor2d(full, [n, d]);
        return tf.gather(exactHvp(prep.gtOld, prep.thetaT, prep.allT, prep.spec, vt), rowsT);
      });
      const out = (await hv.data()) as Float32Array;
      hv.dispose();
      return out;
    },
    dispose() {
      rowsT.dispose();
    },
  };
}

/** The shared body of IF, IFRU and IFRU-pruned. */
export async function influenceUnlearn(ctx: UnlearnContext, s: InfluenceSettings): Promise<MethodResult> {
  const { prep, req, options } = ctx;
  const d = prep.cfg.dim;
  const t0 = performance.now();
  const g = s.spillover
    ? await unlearningGradient(ctx, gradientOnHost(), s.pruned ? options.spilloverHops : 'all')
    : await directInfluence(ctx);
  const t1 = performance.now();
  const rows = influenceRows(ctx, s.pruned);
  const b = gatherRowsHost(g, d, rows);
  const t2 = performance.now();
  const H = hessianOperator(ctx, options.hessian, rows);
  const t3 = performance.now();
  let cg;
  try {
    cg = await solveHvp(H.hvp, b, {
      damping: options.damping,
      maxIter: options.cgIters,
      tol: options.cgTol,
      token: ctx.token,
      onIter: (it, res) =>
        ctx.onProgress?.({ stage: 'cg', fraction: it / options.cgIters, message: `CG ${it}: residual ${res.toExponential(2)}` }),
    });
  } finally {
    H.dispose();
  }
  const E0 = Float32Array.from(prep.theta);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let c = 0; c < d; c++) E0[o + c] += cg.x[r * d + c];
  }
  const notes: string[] = [];
  if (cg.negativeCurvature) notes.push('CG stopped on a direction of non-positive curvature (indefinite Hessian)');
  resetRemovedUsers(ctx, E0, notes);
  const t4 = performance.now();
  return {
    E0,
    ms: t4 - t0 + req.graphMs,
    phases: { graph: req.graphMs, gradient: t1 - t0, rows: t2 - t1, hessian: t3 - t2, solve: t4 - t3 },
    hessian: options.hessian,
    hvps: cg.hvps,
    cgIters: cg.iters,
    cgResidual: cg.residual,
    negativeCurvature: cg.negativeCurvature,
    rowsTouched: rows.length,
    interactionsTouched: H.interactions,
    notes,
  };
}
