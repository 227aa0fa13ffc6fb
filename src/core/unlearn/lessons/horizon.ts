/**
 * The horizon lesson: fidelity against the proximal reference as the trust-region strength μ varies.
 * At each μ the reference is re-solved at that μ and every influence method uses the same μ as its
 * damping (the two are one quantity by definition), so the curve shows over which horizon a
 * one-shot update from θ̂ can follow what the deletion does — and where θ̂'s negative curvature
 * breaks it (small μ), or where the update is just a scaled gradient (large μ).
 */
import { throwIfCancelled, type CancelToken } from '../../types';
import type { RequestContext, UnlearnOptions, UnlearnPrep } from '../context';
import { baselines, fidelity, fidelityProbe, type Fidelity } from '../measure/fidelity';
import { movementNeighbourhood } from '../measure/metrics';
import { DEFAULT_REFERENCE, proximalReference } from '../reference/proximal';
import { methodByName } from '../registry';

/** 1e-3 … 1e-6, half a decade apart. */
export const HORIZON_MUS = [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6];
export const HORIZON_METHODS = ['if', 'ifru', 'ifru-fast'];
export const HORIZON_BASELINES = ['graphOnly', 'random', 'scaledGradient'] as const;

export interface HorizonPoint {
  mu: number;
  reference: { converged: boolean; gradRatio: number; iterations: number; ms: number };
  /** Per method and baseline: its fidelity at this μ. */
  fidelity: Record<string, Fidelity>;
  /** Methods whose solve met negative curvature (CG stopped or raised μ). */
  negativeCurvature: string[];
}

export interface HorizonOptions {
  mus?: number[];
  methods?: string[];
  /** Settings of the methods (damping is replaced by each μ). */
  options: UnlearnOptions;
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

export async function horizon(prep: UnlearnPrep, req: RequestContext, opts: HorizonOptions): Promise<HorizonPoint[]> {
  const mus = opts.mus ?? HORIZON_MUS;
  const methods = opts.methods ?? HORIZON_METHODS;
  const hood = movementNeighbourhood(prep.graphOld, req.split, prep.cfg.layers);
  const points: HorizonPoint[] = [];
  for (let k = 0; k < mus.length; k++) {
    const mu = mus[k];
    const at = (f: number, what: string) => opts.onProgress?.((k + f) / mus.length, `μ = ${mu.toExponential(0)}: ${what}`);
    throwIfCancelled(opts.token);
    const ref = await proximalReference(prep, req, {
      ...DEFAULT_REFERENCE,
      mu,
      token: opts.token,
      onProgress: (f, m) => at(0.8 * f, m),
    });
    const probe = fidelityProbe(prep, req, ref, hood);
    const fid: Record<string, Fidelity> = {};
    const negative: string[] = [];
    for (const name of methods) {
      throwIfCancelled(opts.token);
      at(0.8, methodByName(name).label);
      const r = await methodByName(name).run({ prep, req, options: { ...opts.options, damping: mu }, token: opts.token });
      fid[name] = fidelity(probe, r.E0);
      if (r.negativeCurvature || (r.damping ?? mu) > mu) negative.push(name);
    }
    const b = baselines(probe, ref.g);
    for (const key of HORIZON_BASELINES) fid[key] = b[key].fidelity;
    points.push({
      mu,
      reference: { converged: ref.converged, gradRatio: ref.gradRatio, iterations: ref.iterations, ms: ref.ms },
      fidelity: fid,
      negativeCurvature: negative,
    });
  }
  opts.onProgress?.(1, 'done');
  return points;
}
