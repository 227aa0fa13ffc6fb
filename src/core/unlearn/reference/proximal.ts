/**
 * The reference every unlearning method is measured against: the paired proximal response.
 *
 * Influence functions estimate how the model answers a deletion within a trust region of strength μ
 * around θ̂ (Bae et al., NeurIPS 2022, "If influence functions are the answer, then what is the
 * question?") — not where retraining converges. So the reference solves, for S ∈ {D, D_r} (D_r on
 * the new graph Â'), with the same fixed negatives,
 *   θ_S = argmin_θ F_S(θ) = L_S(θ) + (μ/2)‖θ − θ̂‖²
 * to convergence with L-BFGS from θ̂, and Δ_ref = θ_{D_r} − θ_D. The D run removes the drift that θ̂
 * (a trained, not optimal, model) has on its own; it does not depend on the request and is cached
 * per model and μ. μ is the same damping the influence methods use — by definition, not tuning.
 *
 * Convergence is judged against the signal: g = ∇L_D(θ̂; Â) − ∇L_{D_r}(θ̂; Â') (what the deletion
 * changes at θ̂, on the rows a method may move). A residual r of ∇F moves θ by up to r/μ, so both
 * runs stop when ‖∇F‖ ≤ tolRatio · ‖g‖ (gradRatio reports the larger of the two ratios).
 *
 * μ = 0 with a tight tolerance gives the converged paired retrain (`kind: 'converged'`): on the
 * default data it walks far from θ̂ (hundreds of iterations) and is a CLI experiment, not the page's.
 */
import { propagateCpu } from '../../lightgcn';
import { throwIfCancelled, type CancelToken, type Graph } from '../../types';
import type { RequestContext, UnlearnPrep } from '../context';
import { objectiveGradientHost, subtract } from '../objective/hostObjective';
import { lbfgs, type LbfgsResult } from './lbfgs';
import type { Triples } from '../objective/objective';

export type ReferenceKind = 'proximal' | 'converged';

export interface ReferenceOptions {
  kind: ReferenceKind;
  /** μ of the proximal term (ignored for 'converged', which uses 0). */
  mu: number;
  /** Stop when ‖∇F‖ ≤ tolRatio · ‖g‖ on both runs. */
  tolRatio: number;
  /** L-BFGS iteration cap per run. */
  maxIter: number;
  /** L-BFGS memory. */
  memory: number;
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

export const DEFAULT_REFERENCE: Omit<ReferenceOptions, 'mu' | 'token' | 'onProgress'> = {
  kind: 'proximal',
  tolRatio: 0.01,
  maxIter: 500,
  memory: 10,
};

/** The converged paired retrain: no proximal term, a 100× tighter stop, a larger cap. */
export const CONVERGED_REFERENCE: Omit<ReferenceOptions, 'mu' | 'token' | 'onProgress'> = {
  kind: 'converged',
  tolRatio: 1e-4,
  maxIter: 5000,
  memory: 10,
};

export interface ReferenceRun {
  iterations: number;
  evaluations: number;
  ms: number;
  /** ‖∇F‖ at θ̂ and after each iteration. */
  curve: number[];
  gradNorm: number;
  converged: boolean;
  /** Served from the per-model cache (the D run). */
  cached: boolean;
}

export interface ProximalReference {
  kind: ReferenceKind;
  mu: number;
  /** θ_D, θ_{D_r} (layer-0) and Δ_ref = θ_{D_r} − θ_D. */
  thetaD: Float32Array;
  thetaDr: Float32Array;
  delta: Float32Array;
  /** g = ∇L_D(θ̂; Â) − ∇L_{D_r}(θ̂; Â') over all rows. */
  g: Float32Array;
  /** ‖g‖ on the kept rows (removed users excluded): the scale of the stop. */
  gNorm: number;
  /** max over the two runs of ‖∇F‖ / ‖g‖. */
  gradRatio: number;
  converged: boolean;
  runs: { D: ReferenceRun; Dr: ReferenceRun };
  /** Iterations of both runs together (a cached D run counts its own once). */
  iterations: number;
  ms: number;
  /** How far θ̂ is from a minimum of its own loss, against the deletion's size. */
  stationarity: Stationarity;
}

/** F(θ) = L(θ) + (μ/2)‖θ − θ̂‖² and its gradient, on the host. */
function proximalObjective(prep: UnlearnPrep, graph: Graph, data: Triples, mu: number) {
  const d = prep.cfg.dim;
  const theta0 = prep.theta;
  const theta = new Float32Array(theta0.length);
  return (x: Float64Array) => {
    for (let k = 0; k < x.length; k++) theta[k] = x[k];
    const { grad, loss } = objectiveGradientHost(graph, theta, d, data, prep.spec);
    const out = new Float64Array(x.length);
    let prox = 0;
    for (let k = 0; k < x.length; k++) {
      const r = x[k] - theta0[k];
      prox += r * r;
      out[k] = grad[k] + mu * r;
    }
    return { value: loss + 0.5 * mu * prox, grad: out };
  };
}

interface CachedRun {
  x: Float64Array;
  run: ReferenceRun;
}

const cache = new WeakMap<UnlearnPrep, Map<string, CachedRun>>();

async function solve(
  f: ReturnType<typeof proximalObjective>,
  x0: ArrayLike<number>,
  gradTol: number,
  opts: Pick<ReferenceOptions, 'memory' | 'maxIter' | 'token'>,
  mu: number,
  onIter: (it: number, gn: number) => void,
): Promise<{ r: LbfgsResult; ms: number }> {
  const t0 = performance.now();
  const r = await lbfgs(f, x0, {
    memory: opts.memory,
    maxIter: opts.maxIter,
    gradTol,
    // Before any curvature pair, the proximal term's curvature μ sets the step: Δ ≈ −∇F/μ.
    initialScale: mu > 0 ? 1 / mu : undefined,
    token: opts.token,
    onIter,
  });
  return { r, ms: performance.now() - t0 };
}

function runOf(r: LbfgsResult, ms: number, cached: boolean, before?: ReferenceRun): ReferenceRun {
  return {
    iterations: (before?.iterations ?? 0) + r.iterations,
    evaluations: (before?.evaluations ?? 0) + r.evaluations,
    ms: (before?.ms ?? 0) + ms,
    curve: before ? [...before.curve, ...r.curve.slice(1)] : r.curve,
    gradNorm: r.gradNorm,
    converged: r.converged,
    cached,
  };
}

/** Settings of the D run alone (proximalPoint): the reference's, with the stop given as a gradient norm. */
export interface PointOptions extends Pick<ReferenceOptions, 'kind' | 'mu' | 'maxIter' | 'memory' | 'token'> {
  /** Stop when ‖∇F_D‖ ≤ gradTol (absolute). */
  gradTol: number;
  onProgress?: (it: number, gradNorm: number) => void;
}

/**
 * θ_D = argmin_θ L_D(θ) + (μ/2)‖θ − θ̂‖² (the reference's D run), cached per model, kind and μ and
 * continued from where it stopped when a tighter stop is asked for. It depends on the model and μ
 * only, so the reference and IFRU (re-centred) share it. `run.cached`: nothing was computed here.
 */
export async function proximalPoint(prep: UnlearnPrep, opts: PointOptions): Promise<{ x: Float64Array; run: ReferenceRun }> {
  const mu = opts.kind === 'converged' ? 0 : opts.mu;
  if (!(mu >= 0) || !Number.isFinite(mu)) throw new Error(`reference: μ must be a finite number ≥ 0, got ${opts.mu}`);
  const key = `${opts.kind}:${mu}`;
  const perModel = cache.get(prep) ?? new Map<string, CachedRun>();
  cache.set(prep, perModel);
  const cachedD = perModel.get(key);
  if (cachedD && cachedD.run.gradNorm <= opts.gradTol) return { x: cachedD.x, run: { ...cachedD.run, cached: true } };
  const fD = proximalObjective(prep, prep.graphOld, prep.all, mu);
  const { r, ms } = await solve(fD, cachedD?.x ?? prep.theta, opts.gradTol, opts, mu, opts.onProgress ?? (() => {}));
  const run = runOf(r, ms, false, cachedD?.run);
  perModel.set(key, { x: r.x, run });
  return { x: r.x, run };
}

/**
 * How far θ̂ is from a minimum of its own loss, in units of the deletion (docs/method.md, "When do
 * influence functions work?"), on the rows a method may move:
 *  - gradOverSignal = ‖∇L_D(θ̂; Â)‖ / ‖g‖: the trained model's own gradient against the deletion's;
 *  - driftOverResponse = ‖θ_D − θ̂‖ / ‖Δ_ref‖: how far the reference's D run moves θ̂ on its own,
 *    against how far the deletion moves it. An influence step linearised at θ̂ is accurate when
 *    both are small; re-centring at θ_D (IFRU (re-centred)) removes the drift from the linearisation.
 */
export interface Stationarity {
  gradOverSignal: number;
  driftOverResponse: number;
}

export async function proximalReference(prep: UnlearnPrep, req: RequestContext, opts: ReferenceOptions): Promise<ProximalReference> {
  const t0 = performance.now();
  const mu = opts.kind === 'converged' ? 0 : opts.mu;
  if (!(mu >= 0) || !Number.isFinite(mu)) throw new Error(`reference: μ must be a finite number ≥ 0, got ${opts.mu}`);
  const d = prep.cfg.dim;
  const gNew = objectiveGradientHost(req.graphNew, prep.theta, d, req.remain, prep.spec, undefined, false).grad;
  const g = subtract(prep.gradOld, gNew);
  const kept = keptMask(prep, req);
  const gNorm = keptNorm(g, kept, d);
  const gradTol = opts.tolRatio * gNorm;
  const progress = (label: string, share: number, offset: number, g0: number) => {
    let best = 0;
    return (it: number, gn: number) => {
      // Progress on a log scale from ‖∇F(θ̂)‖ to the target; it never goes back.
      best = Math.max(best, g0 > gradTol ? Math.min(1, Math.max(0, Math.log(g0 / gn) / Math.log(g0 / gradTol))) : 1);
      const frac = best;
      opts.onProgress?.(offset + share * frac, `${label}: iteration ${it}, gradient ${(gn / gNorm).toPrecision(2)} × ‖g‖`);
    };
  };

  // The D run, cached per model, kind and μ; continued when a tighter stop is asked for.
  const g0D = cache.get(prep)?.get(`${opts.kind}:${mu}`)?.run.gradNorm ?? norm(prep.gradOld); // ∇F_D(θ̂) = ∇L_D(θ̂)
  const pointD = await proximalPoint(prep, { ...opts, gradTol, onProgress: progress('reference on all data', 0.5, 0, g0D) });
  const runD = pointD.run;
  throwIfCancelled(opts.token);
  const fDr = proximalObjective(prep, req.graphNew, req.remain, mu);
  const { r: rDr, ms: msDr } = await solve(fDr, prep.theta, gradTol, opts, mu, progress('reference without the forgotten data', 0.5, 0.5, norm(gNew)));
  const runDr = runOf(rDr, msDr, false);
  const thetaD = Float32Array.from(pointD.x);
  const thetaDr = Float32Array.from(rDr.x);
  const delta = subtract(thetaDr, thetaD);
  return {
    kind: opts.kind,
    mu,
    thetaD,
    thetaDr,
    delta,
    g,
    gNorm,
    gradRatio: Math.max(runD.gradNorm, runDr.gradNorm) / gNorm,
    converged: runD.converged && runDr.converged,
    runs: { D: runD, Dr: runDr },
    iterations: (runD.cached ? 0 : runD.iterations) + runDr.iterations,
    ms: performance.now() - t0,
    stationarity: {
      gradOverSignal: keptNorm(prep.gradOld, kept, d) / gNorm,
      driftOverResponse: keptNorm(subtract(thetaD, prep.theta), kept, d) / keptNorm(delta, kept, d),
    },
  };
}

/** 1 for a row a method may move: every node but the users the request removes. */
export function keptMask(prep: UnlearnPrep, req: RequestContext): Uint8Array {
  const kept = new Uint8Array(prep.theta.length / prep.cfg.dim).fill(1);
  for (const u of req.split.removedUsers) kept[u] = 0;
  return kept;
}

/** ‖x‖ over the rows with kept[v] = 1. */
export function keptNorm(x: ArrayLike<number>, kept: Uint8Array, d: number): number {
  let s = 0;
  for (let v = 0; v < kept.length; v++) {
    if (!kept[v]) continue;
    for (let c = v * d; c < v * d + d; c++) s += x[c] * x[c];
  }
  return Math.sqrt(s);
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * x[k];
  return Math.sqrt(s);
}

/** Propagated embeddings of θ̂ + Δ on the new graph: the reference's model in the methods' frame. */
export function referenceEmbeddings(prep: UnlearnPrep, req: RequestContext, delta: Float32Array): Float32Array {
  const theta = prep.theta.map((x, k) => x + delta[k]);
  return propagateCpu(req.graphNew, theta, prep.cfg.dim, prep.cfg.layers);
}
