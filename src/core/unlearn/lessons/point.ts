/**
 * One point of a lesson: for one model (its cache), one request and one μ, the proximal reference at
 * μ, every chosen method run at damping μ, and their fidelity beside the three baselines and the
 * stationarity figures. The horizon varies μ, the convergence lesson the model, the size lesson the
 * request; each point is this computation.
 */
import { throwIfCancelled, type CancelToken } from '../../types';
import { layer0, type RequestContext, type UnlearnOptions, type UnlearnPrep } from '../context';
import { baselines, fidelity, fidelityProbe, type Fidelity } from '../measure/fidelity';
import { movementNeighbourhood } from '../measure/metrics';
import { DEFAULT_REFERENCE, proximalReference, type Stationarity } from '../reference/proximal';
import { methodByName } from '../registry';
import { LESSON_METHODS } from '../defaults';
export { LESSON_METHODS };
import { influenceRows, resolveDamping } from '../methods/influence';

/** The baselines every lesson shows beside the methods (fidelity.ts). */
export const LESSON_BASELINES = ['graphOnly', 'random', 'scaledGradient'] as const;

export interface LessonPoint {
  /** The reference's μ and the methods' damping at this point. */
  mu: number;
  reference: { converged: boolean; gradRatio: number; iterations: number; ms: number };
  stationarity: Stationarity;
  /** Per method and baseline: its fidelity against this point's reference. */
  fidelity: Record<string, Fidelity>;
  /** Methods whose solve met negative curvature (CG stopped or raised μ). */
  negativeCurvature: string[];
}

export interface PointOptions {
  /** The reference's μ and the methods' damping (default: options.damping, 'auto' resolved as run.ts does). */
  mu?: number;
  methods: readonly string[];
  /** Settings of the methods (damping is replaced by μ). */
  options: UnlearnOptions;
  token?: CancelToken;
  /** Fraction 0..1 of this point, and plain words. */
  onProgress?: (fraction: number, message: string) => void;
}

export async function lessonPoint(prep: UnlearnPrep, req: RequestContext, opts: PointOptions): Promise<LessonPoint> {
  const { methods } = opts;
  const mu = opts.mu ?? resolveDamping({ prep, req, options: opts.options }, influenceRows({ prep, req, options: opts.options }, false));
  throwIfCancelled(opts.token);
  const ref = await proximalReference(prep, req, {
    ...DEFAULT_REFERENCE,
    mu,
    token: opts.token,
    onProgress: (f, m) => opts.onProgress?.(0.8 * f, m),
  });
  const probe = fidelityProbe(prep, req, ref, movementNeighbourhood(prep.graphOld, req.split, prep.cfg.layers));
  const fid: Record<string, Fidelity> = {};
  const negative: string[] = [];
  for (const [k, name] of methods.entries()) {
    throwIfCancelled(opts.token);
    opts.onProgress?.(0.8 + (0.2 * k) / methods.length, methodByName(name).label);
    const r = await methodByName(name).run({ prep, req, options: { ...opts.options, damping: mu }, token: opts.token });
    fid[name] = fidelity(probe, layer0(r));
    if (r.negativeCurvature || (r.damping ?? mu) > mu) negative.push(name);
  }
  const b = baselines(probe, ref.g);
  for (const key of LESSON_BASELINES) fid[key] = b[key].fidelity;
  opts.onProgress?.(1, 'done');
  return {
    mu,
    reference: { converged: ref.converged, gradRatio: ref.gradRatio, iterations: ref.iterations, ms: ref.ms },
    stationarity: ref.stationarity,
    fidelity: fid,
    negativeCurvature: negative,
  };
}
