/**
 * The horizon lesson: fidelity against the proximal reference as the trust-region strength μ varies.
 * At each μ the reference is re-solved at that μ and every influence method uses the same μ as its
 * damping (the two are one quantity by definition), so the curve shows over which horizon a
 * one-shot update from θ̂ can follow what the deletion does — and where θ̂'s negative curvature
 * breaks it (small μ), or where the update is just a scaled gradient (large μ).
 */
import type { CancelToken } from '../../types';
import type { RequestContext, UnlearnOptions, UnlearnPrep } from '../context';
import { HORIZON_METHODS } from '../defaults';
import { LESSON_BASELINES, lessonPoint, type LessonPoint } from './point';

/** 1e-3 … 1e-6, half a decade apart. */
export const HORIZON_MUS = [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6];
export { HORIZON_METHODS };
export const HORIZON_BASELINES = LESSON_BASELINES;

export type HorizonPoint = LessonPoint;

export interface HorizonOptions {
  mus?: number[];
  methods?: readonly string[];
  /** Settings of the methods (damping is replaced by each μ). */
  options: UnlearnOptions;
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

export async function horizon(prep: UnlearnPrep, req: RequestContext, opts: HorizonOptions): Promise<HorizonPoint[]> {
  const mus = opts.mus ?? HORIZON_MUS;
  const points: HorizonPoint[] = [];
  for (const [k, mu] of mus.entries()) {
    const point = await lessonPoint(prep, req, {
      mu,
      methods: opts.methods ?? HORIZON_METHODS,
      options: opts.options,
      token: opts.token,
      onProgress: (f, what) => opts.onProgress?.((k + f) / mus.length, `μ = ${mu.toExponential(0)}: ${what}`),
    });
    points.push(point);
  }
  opts.onProgress?.(1, 'done');
  return points;
}
