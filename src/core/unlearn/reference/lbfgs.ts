/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Alg. 7.4/7.5): a deterministic,
 * curvature-aware minimiser for the reference solves. Float64 state; the objective may compute in
 * float32. Backtracking line search from the unit quasi-Newton step (Armijo, or approximate Wolfe
 * near the optimum); pairs with sᵀy ≤ 0
 * are skipped (the objective need not be convex), and a non-descent direction resets the memory.
 */
import { throwIfCancelled, type CancelToken } from '../../types';
import { makeYielder } from '../../common/yielder';

export interface Evaluation {
  value: number;
  grad: ArrayLike<number>;
}

export interface LbfgsOptions {
  /** Pairs kept (m). */
  memory: number;
  maxIter: number;
  /** Stop when ‖∇f‖ ≤ gradTol (absolute). */
  gradTol: number;
  /** H₀ = initialScale · I before the first curvature pair (later sᵀy / yᵀy). Default 1 / ‖∇f(x₀)‖. */
  initialScale?: number;
  token?: CancelToken;
  onIter?: (iter: number, gradNorm: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  /** ‖∇f‖ at x. */
  gradNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** ‖∇f‖ at x₀ and after each iteration. */
  curve: number[];
  /** Why it stopped when not converged. */
  stop?: 'max-iterations' | 'line-search';
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

export async function lbfgs(
  f: (x: Float64Array) => Evaluation | Promise<Evaluation>,
  x0: ArrayLike<number>,
  opts: LbfgsOptions,
): Promise<LbfgsResult> {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let cur = await f(x);
  let g = Float64Array.from(cur.grad);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const curve = [Math.sqrt(dot(g, g))];
  const pause = makeYielder();
  const done = (iterations: number, converged: boolean, stop?: LbfgsResult['stop']): LbfgsResult => ({
    x,
    value: cur.value,
    gradNorm: curve[curve.length - 1],
    iterations,
    evaluations,
    converged,
    curve,
    ...(stop ? { stop } : {}),
  });
  if (curve[0] <= opts.gradTol) return done(0, true);
  let gamma = opts.initialScale ?? 1 / curve[0];
  const alpha = new Float64Array(opts.memory);
  let failures = 0;
  for (let it = 0; it < opts.maxIter; it++) {
    throwIfCancelled(opts.token);
    // Two-loop recursion: d = −H g.
    const d = Float64Array.from(g);
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], d);
      const y = Y[k];
      for (let c = 0; c < n; c++) d[c] -= alpha[k] * y[c];
    }
    for (let c = 0; c < n; c++) d[c] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], d);
      const s = S[k];
      for (let c = 0; c < n; c++) d[c] += (alpha[k] - beta) * s[c];
    }
    for (let c = 0; c < n; c++) d[c] = -d[c];
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction: forget the curvature pairs and take a scaled gradient step.
      S.length = Y.length = rho.length = 0;
      for (let c = 0; c < n; c++) d[c] = -gamma * g[c];
      slope = dot(g, d);
    }
    let t = 1;
    let next: Evaluation | null = null;
    let xNew = x;
    for (let back = 0; back < 30; back++) {
      xNew = x.map((v, c) => v + t * d[c]);
      const e = await f(xNew);
      evaluations++;
      // Armijo, or Hager & Zhang's approximate Wolfe conditions, which judge by the slope where float32
      // values near the optimum no longer resolve the decrease: φ(t) ≤ φ(0) + ε|φ(0)| and
      // σ φ'(0) ≤ φ'(t) ≤ (2δ − 1) φ'(0).
      const armijo = e.value <= cur.value + 1e-4 * t * slope;
      let approxWolfe = false;
      if (!armijo && Number.isFinite(e.value) && e.value <= cur.value + 1e-8 * Math.abs(cur.value)) {
        const slopeT = dot(e.grad, d);
        approxWolfe = slopeT >= 0.9 * slope && slopeT <= (2 * 1e-4 - 1) * slope;
      }
      if (Number.isFinite(e.value) && (armijo || approxWolfe)) {
        next = e;
        break;
      }
      t *= 0.5;
    }
    if (!next) {
      // No decrease along d (float32 noise near the optimum, or a bad memory): reset once, then stop.
      if (++failures > 1 || S.length === 0) return done(it, false, 'line-search');
      S.length = Y.length = rho.length = 0;
      continue;
    }
    failures = 0;
    const gNew = Float64Array.from(next.grad);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      s[c] = xNew[c] - x[c];
      y[c] = gNew[c] - g[c];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === opts.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      gamma = sy / dot(y, y);
    }
    x = xNew;
    g = gNew;
    cur = next;
    const gn = Math.sqrt(dot(g, g));
    curve.push(gn);
    opts.onIter?.(it + 1, gn);
    if (gn <= opts.gradTol) return done(it + 1, true);
    await pause();
  }
  return done(opts.maxIter, false, 'max-iterations');
}
