/**
 * Test fixture: a tiny LightGCN problem (8 users × 10 items, d = 4) and an independent float64
 * implementation of the influence objective with a dense propagation matrix, used as ground
 * truth (dense Hessians by central differences of the analytic gradient, exact optima by Newton).
 */
import { buildGraph, denseAdjacency } from '../graph';
import { DEFAULT_LIGHTGCN, type Edges, type Graph, type LightGCNConfig } from '../types';
import { tinyDataset } from '../data/tiny';
import { fixedNegatives, triplesOf, type Triples } from './objective/objective';

export const TINY = { nUsers: 8, nItems: 10, dim: 4, layers: 2, reg: 0.05 };

export { tinyDataset };

/** The run and ledger tests' data: 12 users × 16 items, each user's first interaction held out as its
 *  test item (so Recall@20 is defined), and the recipe they train it with. */
export function heldOutTiny(): { ds: ReturnType<typeof tinyDataset>; cfg: LightGCNConfig } {
  const all = tinyDataset(12, 16, 5, 4);
  const first = all.train.u.map((u, k) => (k === 0 || all.train.u[k - 1] !== u ? 1 : 0));
  const pick = (keep: number) => Int32Array.from(all.train.u.keys()).filter((k) => first[k] === keep);
  const train = pick(0), test = pick(1);
  const ds = { ...all, train: { u: train.map((k) => all.train.u[k]), i: train.map((k) => all.train.i[k]) }, test: { u: test.map((k) => all.train.u[k]), i: test.map((k) => all.train.i[k]) } };
  const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, reg: 1e-3, batch: 16, epochs: 8, lr: 0.05, initStd: 0.3, evalEvery: 0 };
  return { ds, cfg };
}

/**
 * The tiny problem of the reference and re-centring tests: TINY's data with three interactions per
 * user and seed 3, a config, its fixed negatives, the dense float64 objective of an edge set, and two
 * models — θ̂ at a local minimum of L_D (the textbook setting) and θ̂ part-trained (60 gradient
 * steps from the same start: ∇L_D(θ̂) ≠ 0, the app's setting).
 */
export function tinyProblem() {
  const ds = tinyDataset(TINY.nUsers, TINY.nItems, 6, 3);
  const n = TINY.nUsers + TINY.nItems;
  const d = TINY.dim;
  const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: d, layers: TINY.layers, reg: TINY.reg, batch: 16, epochs: 3, lr: 0.05, initStd: 0.5, evalEvery: 0 };
  const negs = fixedNegatives(ds.nUsers, ds.nItems, ds.train, cfg.seed);
  const denseOf = (edges = ds.train, idx?: Int32Array) =>
    new DenseObjective(denseP(TINY.nUsers, TINY.nItems, edges, TINY.layers), n, d, TINY.nUsers, triplesOf(ds.train, negs, idx), TINY.reg, ds.train.u.length);
  const start = new Float64Array(n * d).map((_, k) => 0.6 * Math.sin(1.7 * k + 0.3));
  const optimal = denseOf().minimise(start, { gdSteps: 500, lr: 2 });
  const partTrained = (() => {
    const obj = denseOf();
    const t = Float64Array.from(start);
    for (let it = 0; it < 60; it++) {
      const g = obj.gradient(t);
      for (let k = 0; k < t.length; k++) t[k] -= 2 * g[k];
    }
    return t;
  })();
  /** Exact float64 θ_D, θ_{D_r} and Δ_ref = θ_{D_r} − θ_D (removed users' rows 0) of the paired proximal problem around `anchor`. */
  const exactPair = (anchor: ArrayLike<number>, split: { remaining: Edges; keepIdx: Int32Array; removedUsers: Int32Array }, mu: number) => {
    const a = Float64Array.from(anchor);
    const thetaD = exactProximal(denseOf(), a, mu);
    const thetaDr = exactProximal(denseOf(split.remaining, split.keepIdx), a, mu);
    const removed = new Set(split.removedUsers);
    const delta = thetaDr.map((x, k) => (removed.has(Math.floor(k / d)) ? 0 : x - thetaD[k]));
    return { delta, thetaD, thetaDr };
  };
  return { ds, n, d, cfg, negs, denseOf, optimal, partTrained, exactPair };
}

export const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
/** ‖a − b‖ / ‖b‖. */
export const errTo = (a: ArrayLike<number>, b: ArrayLike<number>) => l2(Array.from(a, (x, k) => x - b[k])) / l2(b);

/** Dense P = (1/(K+1)) Σ_k Â^k of the graph of `edges`. */
export function denseP(nUsers: number, nItems: number, edges: Edges, layers: number): Float64Array {
  const g: Graph = buildGraph(nUsers, nItems, edges);
  const n = g.n;
  const A = denseAdjacency(g);
  const P = new Float64Array(n * n);
  let Ak = new Float64Array(n * n);
  for (let r = 0; r < n; r++) Ak[r * n + r] = 1;
  for (let k = 0; k <= layers; k++) {
    for (let x = 0; x < n * n; x++) P[x] += Ak[x] / (layers + 1);
    const next = new Float64Array(n * n);
    for (let r = 0; r < n; r++)
      for (let m = 0; m < n; m++) {
        const a = Ak[r * n + m];
        if (a !== 0) for (let c = 0; c < n; c++) next[r * n + c] += a * A[m * n + c];
      }
    Ak = next;
  }
  return P;
}

/** Float64 objective (1/nNorm) Σ ℓ with E = P θ (P = null: raw rows, no propagation). */
export class DenseObjective {
  constructor(
    readonly P: Float64Array | null,
    readonly nNodes: number,
    readonly dim: number,
    readonly nUsers: number,
    readonly data: Triples,
    readonly reg: number,
    readonly nNorm: number,
  ) {}

  private embed(theta: Float64Array): Float64Array {
    if (!this.P) return theta;
    const { nNodes: n, dim: d, P } = this;
    const E = new Float64Array(n * d);
    for (let r = 0; r < n; r++)
      for (let m = 0; m < n; m++) {
        const p = P[r * n + m];
        if (p !== 0) for (let c = 0; c < d; c++) E[r * d + c] += p * theta[m * d + c];
      }
    return E;
  }

  value(theta: Float64Array): number {
    const E = this.embed(theta);
    const d = this.dim;
    let s = 0;
    this.forEach((u, i, j) => {
      let x = 0;
      for (let c = 0; c < d; c++) x += E[u * d + c] * (E[i * d + c] - E[j * d + c]);
      s += Math.log1p(Math.exp(-x));
      for (const r of [u, i, j]) for (let c = 0; c < d; c++) s += (this.reg / 2) * theta[r * d + c] ** 2;
    });
    return s / this.nNorm;
  }

  gradient(theta: Float64Array): Float64Array {
    const E = this.embed(theta);
    const d = this.dim;
    const gE = new Float64Array(E.length);
    const g = new Float64Array(theta.length);
    this.forEach((u, i, j) => {
      let x = 0;
      for (let c = 0; c < d; c++) x += E[u * d + c] * (E[i * d + c] - E[j * d + c]);
      const l1 = 1 / (1 + Math.exp(-x)) - 1;
      for (let c = 0; c < d; c++) {
        gE[u * d + c] += l1 * (E[i * d + c] - E[j * d + c]);
        gE[i * d + c] += l1 * E[u * d + c];
        gE[j * d + c] -= l1 * E[u * d + c];
      }
      for (const r of [u, i, j]) for (let c = 0; c < d; c++) g[r * d + c] += this.reg * theta[r * d + c];
    });
    const pulled = this.embed(gE); // Pᵀ = P
    for (let x = 0; x < g.length; x++) g[x] = (g[x] + pulled[x]) / this.nNorm;
    return g;
  }

  /** Dense Hessian (row-major, p × p) by central differences of the analytic gradient. */
  hessian(theta: Float64Array, h = 1e-5): Float64Array {
    const p = theta.length;
    const H = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[a] += h;
      tm[a] -= h;
      const gp = this.gradient(tp);
      const gm = this.gradient(tm);
      for (let b = 0; b < p; b++) H[b * p + a] = (gp[b] - gm[b]) / (2 * h);
    }
    for (let a = 0; a < p; a++)
      for (let b = 0; b < a; b++) {
        const s = (H[a * p + b] + H[b * p + a]) / 2;
        H[a * p + b] = s;
        H[b * p + a] = s;
      }
    return H;
  }

  /**
   * A local minimum near theta0: `gdSteps` of gradient descent (which avoids the saddles, e.g.
   * θ = 0), then Newton steps with a tiny damping (the loss is invariant under a common rotation
   * of all embeddings, so the Hessian is singular along those directions).
   */
  minimise(theta0: Float64Array, opts: { gdSteps?: number; lr?: number; tol?: number; damping?: number } = {}): Float64Array {
    const { gdSteps = 0, lr = 1, tol = 1e-11, damping = 1e-9 } = opts;
    let theta = Float64Array.from(theta0);
    for (let it = 0; it < gdSteps; it++) {
      const g = this.gradient(theta);
      for (let k = 0; k < g.length; k++) theta[k] -= lr * g[k];
    }
    for (let it = 0; it < 50; it++) {
      const g = this.gradient(theta);
      if (Math.hypot(...g) < tol) return theta;
      const H = this.hessian(theta);
      for (let k = 0; k < g.length; k++) H[k * g.length + k] += damping;
      const step = solveDense(H, g);
      theta = theta.map((t, k) => t - step[k]);
    }
    throw new Error('DenseObjective.minimise: no convergence');
  }

  /** Smallest eigenvalue of the Hessian (power iteration on a shifted matrix). */
  minEigenvalue(theta: Float64Array, shift = 10, iters = 3000): number {
    const H = this.hessian(theta);
    const p = theta.length;
    let v = new Float64Array(p).map((_, k) => Math.cos(k));
    let lam = 0;
    for (let it = 0; it < iters; it++) {
      const w = matVec(H, v).map((x, k) => shift * v[k] - x);
      const norm = Math.hypot(...w);
      v = w.map((x) => x / norm);
      lam = shift - norm;
    }
    return lam;
  }

  private forEach(f: (u: number, i: number, j: number) => void): void {
    const { users, pos, neg } = this.data;
    for (let k = 0; k < users.length; k++) f(users[k], this.nUsers + pos[k], this.nUsers + neg[k]);
  }
}

/** Solves A x = b (A p × p, row-major) by Gaussian elimination with partial pivoting. */
export function solveDense(A: Float64Array, b: Float64Array): Float64Array {
  const p = b.length;
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r * p + c]) > Math.abs(M[piv * p + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < p; k++) [M[c * p + k], M[piv * p + k]] = [M[piv * p + k], M[c * p + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < p; r++) {
      const f = M[r * p + c] / M[c * p + c];
      if (f === 0) continue;
      for (let k = c; k < p; k++) M[r * p + k] -= f * M[c * p + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = p - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < p; k++) s -= M[r * p + k] * x[k];
    x[r] = s / M[r * p + r];
  }
  return x;
}

export function matVec(A: Float64Array, v: ArrayLike<number>): Float64Array {
  const p = v.length;
  const out = new Float64Array(p);
  for (let r = 0; r < p; r++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += A[r * p + c] * v[c];
    out[r] = s;
  }
  return out;
}

/** max |a − b| / max |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < b.length; k++) {
    num = Math.max(num, Math.abs(a[k] - b[k]));
    den = Math.max(den, Math.abs(b[k]));
  }
  return num / den;
}

/** Score matrix e_u · e_i (nUsers × nItems) of propagated embeddings — invariant under the
 *  common rotation of all embeddings that leaves the BPR loss unchanged. */
export function scoreMatrix(E: ArrayLike<number>, nUsers: number, nItems: number, d: number): Float64Array {
  const S = new Float64Array(nUsers * nItems);
  for (let u = 0; u < nUsers; u++)
    for (let i = 0; i < nItems; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += E[u * d + c] * E[(nUsers + i) * d + c];
      S[u * nItems + i] = s;
    }
  return S;
}

/**
 * The exact float64 minimiser of F(θ) = L(θ) + (μ/2)‖θ − anchor‖² near `start` (Newton; μ = 0 with a
 * tiny damping for the rotation directions, as in minimise).
 */
export function exactProximal(obj: DenseObjective, anchor: Float64Array, mu: number, start: Float64Array = anchor): Float64Array {
  let theta = Float64Array.from(start);
  const p = theta.length;
  for (let it = 0; it < 60; it++) {
    const g = obj.gradient(theta).map((x, k) => x + mu * (theta[k] - anchor[k]));
    if (Math.hypot(...g) < 1e-12) return theta;
    const H = obj.hessian(theta);
    for (let k = 0; k < p; k++) H[k * p + k] += mu + 1e-10;
    const step = solveDense(H, g);
    theta = theta.map((t, k) => t - step[k]);
  }
  throw new Error('exactProximal: no convergence');
}
