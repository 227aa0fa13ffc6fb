import type { CancelToken } from '../../types';
import { throwIfCancelled } from '../../types';
import { makeYielder } from '../../common/yielder';
import { PooledCgVectors } from '../../spmm/pooled';
import { kernelPool } from '../../spmm/threads';

/** Hessian-vector product v ↦ H v (undamped); may be async (tfjs downloads). It reads v before anything
 *  else: v may be a view into the kernel pool's memory, valid until the next allocation there. */
export type Hvp = (v: Float32Array) => Float32Array | Promise<Float32Array>;

export interface CgOptions {
  /** μ in (H + μI) p = b. */
  damping: number;
  /** Iteration cap: early stopping acts as a regulariser on an indefinite Hessian (docs/method.md#hessians). */
  maxIter: number;
  /** Stop when ‖r‖ ≤ tol · ‖b‖. */
  tol: number;
  /** When the first direction (b itself) has non-positive curvature, raise μ until it is positive
   *  and go on (a damped gradient step, then CG on the more damped system) instead of returning 0. */
  raiseDampingOnNegativeStart?: boolean;
  token?: CancelToken;
  onIter?: (iter: number, relResidual: number) => void;
}

export interface CgResult {
  x: Float32Array;
  iters: number;
  hvps: number;
  /** Final ‖b − (H + μI) x‖ / ‖b‖. */
  residual: number;
  /** True when a direction of non-positive curvature stopped the solve. */
  negativeCurvature: boolean;
  /** The μ actually used (greater than opts.damping when raiseDampingOnNegativeStart fired). */
  damping: number;
}

// Vectors are float32 (sums in float64): on the default data the solve's own loops are memory-bound,
// and float64 vectors (plus a float32 copy of p for every product) moved twice the bytes — ≈ 12 ms
// of an IFRU request's 3-iteration solve. Where the kernel pool runs, the same loops are its kernels,
// split over its threads (PooledCgVectors: sums per fixed block, added in block order, so the same
// bits on any thread count); otherwise small top-level JS functions that V8 keeps hot.
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** pᵀ(Hp + μp). */
function curvature(p: Float32Array, hp: Float32Array, mu: number): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) s += p[k] * (hp[k] + mu * p[k]);
  return s;
}

/** x += αp; r −= α(Hp + μp); returns ‖r‖². */
function step(x: Float32Array, r: Float32Array, p: Float32Array, hp: Float32Array, alpha: number, mu: number): number {
  let rr = 0;
  for (let k = 0; k < x.length; k++) {
    x[k] += alpha * p[k];
    const rk = (r[k] -= alpha * (hp[k] + mu * p[k]));
    rr += rk * rk;
  }
  return rr;
}

/** p = r + βp. */
function direction(p: Float32Array, r: Float32Array, beta: number): void {
  for (let k = 0; k < p.length; k++) p[k] = r[k] + beta * p[k];
}

/** The solve's vectors and loops: typed arrays here, or the kernel pool's. */
interface CgVectors {
  start(b: Float32Array): number;
  direction(): Float32Array;
  curvature(hp: Float32Array, mu: number): number;
  step(alpha: number, mu: number): number;
  turn(beta: number): void;
  solution(): Float32Array;
  release(): void;
}

function hostVectors(n: number): CgVectors {
  const x = new Float32Array(n);
  let r = x, p = x;
  let hp: Float32Array = x;
  return {
    start(b) {
      r = Float32Array.from(b);
      p = Float32Array.from(b);
      return dot(r, r);
    },
    direction: () => p,
    curvature(h, mu) {
      hp = h;
      return curvature(p, hp, mu);
    },
    step: (alpha, mu) => step(x, r, p, hp, alpha, mu),
    turn: (beta) => direction(p, r, beta),
    solution: () => x,
    release() {},
  };
}

/** Below this many unknowns the solve stays in JS (a pool job costs more than the loop). */
const POOLED_CG_MIN = 4096;

/**
 * solveHvp: conjugate gradient for (H + μI) x = b from x = 0, with Hessian-vector products only
 * (float32 vectors, float64 sums). On a direction of non-positive curvature it stops at the last iterate;
 * on the first one, with raiseDampingOnNegativeStart, it instead raises μ to μ + 2|ρ| (ρ = bᵀHb / bᵀb,
 * so the damped curvature along b becomes μ + |ρ| > 0) and continues with that μ.
 */
export async function solveHvp(hvp: Hvp, b: Float32Array, opts: CgOptions): Promise<CgResult> {
  const n = b.length;
  let mu = opts.damping;
  const pool = n >= POOLED_CG_MIN ? kernelPool() : null;
  const v: CgVectors = pool ? new PooledCgVectors(pool, n) : hostVectors(n);
  try {
    let rr = v.start(b);
    const bnorm = Math.sqrt(rr);
    const out = (iters: number, hvps: number, rr: number, negativeCurvature: boolean): CgResult => ({
      x: v.solution(),
      iters,
      hvps,
      residual: bnorm > 0 ? Math.sqrt(rr) / bnorm : 0,
      negativeCurvature,
      damping: mu,
    });
    if (bnorm === 0) return out(0, 0, 0, false);
    let hvps = 0;
    const pause = makeYielder();
    for (let it = 0; it < opts.maxIter; it++) {
      throwIfCancelled(opts.token);
      const hp = await hvp(v.direction());
      hvps++;
      let pAp = v.curvature(hp, mu);
      if (!(pAp > 0) && it === 0 && opts.raiseDampingOnNegativeStart && Number.isFinite(pAp)) {
        const rho = pAp / rr - mu; // p = b here, so pᵀp = rr
        mu += 2 * Math.abs(rho);
        pAp = rr * (rho + mu);
      }
      if (!(pAp > 0)) return out(it, hvps, rr, true);
      const alpha = rr / pAp;
      const rrNew = v.step(alpha, mu);
      opts.onIter?.(it + 1, Math.sqrt(rrNew) / bnorm);
      if (Math.sqrt(rrNew) <= opts.tol * bnorm) return out(it + 1, hvps, rrNew, false);
      const beta = rrNew / rr;
      rr = rrNew;
      v.turn(beta);
      await pause();
    }
    return out(opts.maxIter, hvps, rr, false);
  } finally {
    v.release();
  }
}
