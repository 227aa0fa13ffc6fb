/**
 * IFRU (re-centred) (docs/method.md#methods): IFRU linearised at θ_D instead of θ̂.
 *
 * The proximal reference's D run solves θ_D = argmin L_D(θ) + (μ/2)‖θ − θ̂‖² (cached per model and μ,
 * reference/proximal.ts). There ∇L_D(θ_D; Â) = −μ(θ_D − θ̂), so the gradient of the D_r problem
 * L_{D_r}(θ; Â') + (μ/2)‖θ − θ̂‖² at θ_D is −[∇L_D(θ_D; Â) − ∇L_{D_r}(θ_D; Â')] = −g_D, and one
 * Newton step from θ_D (with H_D for H_{D_r}, as IFRU does at θ̂) is
 *     Δ = (H_D(θ_D) + μI)⁻¹ g_D:
 * IFRU with its per-model cache built at θ_D, its exact Hessian and its CG stop. Δ estimates
 * Δ_ref = θ_{D_r} − θ_D, so the deployed model is θ̂ + Δ — the frame of the reference's θ̂ + Δ_ref —
 * not θ_D + Δ, which would add the drift of the trained model's own training to the deletion.
 *
 * Where θ̂ is a minimum, θ_D = θ̂ and this is IFRU. Where it is not (an under-trained model), IFRU
 * linearises at a point that is still moving, and the error of that linearisation grows with the
 * drift ‖θ_D − θ̂‖ against the response ‖Δ_ref‖ (reference.stationarity).
 *
 * θ_D is the reference's D run to the reference's stop for the first request on the model and μ
 * (‖∇F_D‖ ≤ 1 % of that request's ‖g‖, so the reference finds it cached), and is kept for every
 * later request: the D run's residual r = ∇F_D(θ_D) cancels to first order (Δ is the difference of
 * the Newton steps of the D and D_r problems from one point), so a later, smaller deletion needs no
 * tighter θ_D. θ_D and the cache at θ_D (one pass over the triples, as IFRU's own cache) are charged
 * to the first request (MethodResult.modelPrepMs, in firstRequestMs), never to `ms`; a request then
 * costs what IFRU's does.
 */
import { PALETTE } from '../../palette';
import { prepareUnlearning, type MethodResult, type UnlearnContext, type UnlearnPrep, type UnlearningMethod } from '../context';
import { DEFAULT_REFERENCE, keptMask, keptNorm, proximalPoint } from '../reference/proximal';
import { influenceRows, influenceUnlearn, resolveDamping, unlearningGradient } from './influence';
import { influenceDiagnostics } from './influenceMethods';

/** The cache at θ_D of one model and μ. */
export interface CentredCache {
  prep: UnlearnPrep;
  /** ‖θ_D − θ̂‖ over all rows, ‖∇F_D(θ_D)‖ and whether the D run met its stop. */
  drift: number;
  gradNorm: number;
  converged: boolean;
  iterations: number;
  /** ‖g‖'s pass for the stop + θ_D (the D run, its part not already cached by the reference) + the cache at θ_D. */
  ms: number;
}

const pool = new WeakMap<UnlearnPrep, Map<number, CentredCache>>();

/** θ_D and the cache at θ_D for `prep` and μ, built on first use and disposed with `prep`. */
export async function centredCache(ctx: UnlearnContext, mu: number): Promise<CentredCache> {
  const { prep } = ctx;
  let perModel = pool.get(prep);
  if (!perModel) {
    const models = (perModel = new Map<number, CentredCache>());
    pool.set(prep, models);
    const dispose = prep.dispose.bind(prep);
    prep.dispose = () => {
      for (const c of models.values()) c.prep.dispose();
      models.clear();
      dispose();
    };
  }
  const have = perModel.get(mu);
  if (have) return have;
  const t0 = performance.now();
  const g0 = norm(prep.gradOld);
  // The reference's stop for this request: 1 % of ‖g‖ on the rows a method may move.
  const gradTol = DEFAULT_REFERENCE.tolRatio * keptNorm(await unlearningGradient(ctx, true, 'all'), keptMask(prep, ctx.req), prep.cfg.dim);
  const point = await proximalPoint(prep, {
    ...DEFAULT_REFERENCE,
    kind: 'proximal',
    mu,
    gradTol,
    token: ctx.token,
    onProgress: (it, gn) =>
      ctx.onProgress?.({
        stage: 'θ_D',
        fraction: g0 > gradTol ? Math.min(1, Math.max(0, Math.log(g0 / gn) / Math.log(g0 / gradTol))) : 1,
        message: `θ_D, the trained model relaxed on all its data within μ (once per model): iteration ${it}`,
      }),
  });
  const thetaD = Float32Array.from(point.x);
  const atD = await prepareUnlearning(prep.ds, { E0: thetaD, graph: prep.graphOld, seededInit: prep.init, negs: prep.negs }, prep.cfg);
  let drift = 0;
  for (let k = 0; k < thetaD.length; k++) drift += (thetaD[k] - prep.theta[k]) ** 2;
  const made: CentredCache = {
    prep: atD,
    drift: Math.sqrt(drift),
    gradNorm: point.run.gradNorm,
    converged: point.run.gradNorm <= gradTol,
    iterations: point.run.iterations,
    ms: performance.now() - t0,
  };
  perModel.set(mu, made);
  return made;
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * x[k];
  return Math.sqrt(s);
}

/** Δ = (H_D(θ_D) + μI)⁻¹ g_D from the cache at θ_D, deployed as θ̂ + Δ. */
export async function recentredUnlearn(ctx: UnlearnContext): Promise<MethodResult> {
  const mu = resolveDamping(ctx, influenceRows(ctx, false));
  const centre = await centredCache(ctx, mu);
  const r = await influenceUnlearn(
    { ...ctx, prep: centre.prep, options: { ...ctx.options, damping: mu } },
    { spillover: true, pruned: false, base: ctx.prep.theta },
  );
  const notes = [
    `linearised at θ_D (‖θ_D − θ̂‖ = ${centre.drift.toPrecision(3)}; ${centre.iterations} L-BFGS iterations, ${centre.ms.toFixed(0)} ms once per model and μ), deployed as θ̂ + Δ`,
    ...(centre.converged ? [] : [`θ_D's run stopped at ‖∇F_D‖ = ${centre.gradNorm.toPrecision(2)}, above its stop`]),
    ...r.notes,
  ];
  return { ...r, modelPrepMs: centre.ms, notes };
}

/** IFRU (re-centred): IFRU at θ_D (the proximal reference's D run), applied to θ̂. */
export const ifruRecentred: UnlearningMethod = {
  name: 'ifru-recentred',
  label: 'IFRU (re-centred)',
  usesPrep: true,
  hint: 'IFRU linearised where the trained model stops drifting (θ_D), applied to the trained model',
  colour: PALETTE.wine,
  quick: true,
  diagnostics: { ...influenceDiagnostics, modelPrepMs: 'θ_D and its cache, once per model and μ (ms)' },
  run: recentredUnlearn,
};
