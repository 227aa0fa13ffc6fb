import { tripleKernels, type TripleKernels } from '../../spmm/triples';
import type { Triples } from '../objective/objective';

/**
 * The "fast" Hessian (docs/method.md#hessians) (the IFRU authors' choice): the BPR + L2 loss written on the raw
 * embedding rows θ (no propagation), (1/n) Σ_z [softplus(−x_z) + reg/2 (‖θ_u‖² + ‖θ_i‖² + ‖θ_j‖²)],
 * x_z = θ_u·(θ_i − θ_j), summed over the interactions that touch the chosen rows, restricted to
 * those rows. Vectors are compact: row r of v is node rows[r].
 *
 * Per interaction, with a = v_u, b = v_i, c = v_j (zero off the chosen rows),
 * s = ∇x·v = (θ_i − θ_j)·a + θ_u·(b − c), ℓ' = σ(x) − 1, ℓ'' = σ(x)σ(−x):
 *   (Hv)_u += ℓ''·s·(θ_i − θ_j) + ℓ'·(b − c),  (Hv)_i += ℓ''·s·θ_u + ℓ'·a,  (Hv)_j −= ℓ''·s·θ_u + ℓ'·a.
 */
export interface FastHessian {
  rows: Int32Array;
  /** Interactions that touch the rows. */
  interactions: number;
  hvp(v: Float32Array): Float32Array;
}

/** ℓ'(x_z) and ℓ''(x_z) of every interaction at θ (raw-row scores): request-independent, so
 *  UnlearnPrep computes them once. */
export interface Curvature {
  d1: Float64Array;
  d2: Float64Array;
}

export function rawCurvature(theta: Float32Array, dim: number, nUsers: number, data: Triples): Curvature {
  const m = data.users.length;
  const d1 = new Float64Array(m);
  const d2 = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const ou = data.users[k] * dim;
    const oi = (nUsers + data.pos[k]) * dim;
    const oj = (nUsers + data.neg[k]) * dim;
    let x = 0;
    for (let c = 0; c < dim; c++) x += theta[ou + c] * (theta[oi + c] - theta[oj + c]);
    const sig = 1 / (1 + Math.exp(-x));
    d1[k] = sig - 1;
    d2[k] = sig * (1 - sig);
  }
  return { d1, d2 };
}

export function fastHessian(
  theta: Float32Array,
  dim: number,
  nUsers: number,
  rows: Int32Array,
  data: Triples,
  reg: number,
  n: number,
  curvature: Curvature = rawCurvature(theta, dim, nUsers, data),
  /** Indices of the interactions that touch the rows, when known (else found by a scan). */
  touched?: Int32Array,
  /** Use the WebAssembly SIMD kernels when available and dim % 4 == 0 (false: float64 JS loop);
   *  a TripleKernels instance to lay the data out in (reset here; default: a fresh one). */
  simd: boolean | TripleKernels = true,
): FastHessian {
  const nNodes = theta.length / dim;
  const R = rows.length;
  // Off-row endpoints point at a zero "dummy" row R so the inner loops have no branches.
  const slot = new Int32Array(nNodes).fill(R);
  for (let r = 0; r < R; r++) slot[rows[r]] = r;
  let pick = touched;
  if (!pick) {
    const found: number[] = [];
    for (let k = 0; k < data.users.length; k++) {
      if (slot[data.users[k]] < R || slot[nUsers + data.pos[k]] < R || slot[nUsers + data.neg[k]] < R) found.push(k);
    }
    pick = Int32Array.from(found);
  }
  const m = pick.length;
  // Per touched interaction: node offsets into θ, slot offsets into v, ℓ' and ℓ''.
  const ou = new Int32Array(m), oi = new Int32Array(m), oj = new Int32Array(m);
  const vu = new Int32Array(m), vi = new Int32Array(m), vj = new Int32Array(m);
  const d1 = new Float64Array(m);
  const d2 = new Float64Array(m);
  const regCount = new Float64Array(R + 1);
  for (let z = 0; z < m; z++) {
    const k = pick[z];
    const u = data.users[k], i = nUsers + data.pos[k], j = nUsers + data.neg[k];
    ou[z] = u * dim;
    oi[z] = i * dim;
    oj[z] = j * dim;
    vu[z] = slot[u] * dim;
    vi[z] = slot[i] * dim;
    vj[z] = slot[j] * dim;
    d1[z] = curvature.d1[k];
    d2[z] = curvature.d2[k];
    regCount[slot[u]]++;
    regCount[slot[i]]++;
    regCount[slot[j]]++;
  }
  const inv = 1 / n;
  const kernels = simd === false || dim % 4 !== 0 ? null : simd === true ? tripleKernels() : simd;
  kernels?.reset();
  if (kernels) return simdHvp(kernels, theta, dim, rows, { ou, oi, oj, vu, vi, vj, d1, d2 }, regCount, reg, inv);
  const ext = new Float64Array((R + 1) * dim);
  const out = new Float64Array((R + 1) * dim);

  return {
    rows,
    interactions: m,
    hvp(v: Float32Array): Float32Array {
      ext.set(v);
      out.fill(0);
      const th = theta, ex = ext, o = out, D = dim;
      for (let z = 0; z < m; z++) {
        const pu = ou[z], pi = oi[z], pj = oj[z];
        const qu = vu[z], qi = vi[z], qj = vj[z];
        let s = 0;
        for (let c = 0; c < D; c++) {
          s += (th[pi + c] - th[pj + c]) * ex[qu + c] + th[pu + c] * (ex[qi + c] - ex[qj + c]);
        }
        const w = d2[z] * s;
        const l1 = d1[z];
        for (let c = 0; c < D; c++) {
          const a = ex[qu + c];
          o[qu + c] += w * (th[pi + c] - th[pj + c]) + l1 * (ex[qi + c] - ex[qj + c]);
          const t = w * th[pu + c] + l1 * a;
          o[qi + c] += t;
          o[qj + c] -= t;
        }
      }
      const res = new Float32Array(R * dim);
      for (let r = 0; r < R; r++) {
        const rr = reg * regCount[r];
        for (let c = r * dim; c < r * dim + dim; c++) res[c] = (out[c] + rr * v[c]) * inv;
      }
      return res;
    },
  };
}

interface TouchedTriples {
  /** Offsets (in floats) of the rows in θ and in the compact vector (slot R: the zero row). */
  ou: Int32Array;
  oi: Int32Array;
  oj: Int32Array;
  vu: Int32Array;
  vi: Int32Array;
  vj: Int32Array;
  d1: Float64Array;
  d2: Float64Array;
}

/**
 * The same product on the SIMD triple kernels, in four passes over the touched interactions:
 * s = a·(θ_i − θ_j) + θ_u·(b − c); then ℓ''·s times the raw-row gradient, plus ℓ' times the
 * (b − c, a, −a) part — each pass one dotDiff or scatter.
 */
function simdHvp(
  k: TripleKernels,
  theta: Float32Array,
  dim: number,
  rows: Int32Array,
  t: TouchedTriples,
  regCount: Float64Array,
  reg: number,
  inv: number,
): FastHessian {
  const m = t.ou.length;
  const R = rows.length;
  const size = (R + 1) * dim;
  const [pTh, pV, pOut] = [theta.length, size, size].map((f) => k.alloc(f));
  const [OU, OI, OJ, QU, QI, QJ, WU, WI, WJ, D1, D2] = new Array(11).fill(0).map(() => k.alloc(m));
  k.f32(pTh, theta.length).set(theta);
  const addresses = (dst: number, base: number, offsets: Int32Array) => {
    const a = k.i32(dst, m);
    for (let z = 0; z < m; z++) a[z] = base + 4 * offsets[z];
  };
  addresses(OU, pTh, t.ou);
  addresses(OI, pTh, t.oi);
  addresses(OJ, pTh, t.oj);
  addresses(QU, pV, t.vu);
  addresses(QI, pV, t.vi);
  addresses(QJ, pV, t.vj);
  addresses(WU, pOut, t.vu);
  addresses(WI, pOut, t.vi);
  addresses(WJ, pOut, t.vj);
  k.f32(D1, m).set(t.d1);
  k.f32(D2, m).set(t.d2);
  const V = k.f32(pV, size);
  const out = k.f32(pOut, size);
  return {
    rows,
    interactions: m,
    hvp(v: Float32Array): Float32Array {
      V.set(v);
      out.fill(0);
      k.rawHvp([OU, OI, OJ], [QU, QI, QJ], [WU, WI, WJ], D1, D2, m, dim);
      const res = new Float32Array(R * dim);
      for (let r = 0; r < R; r++) {
        const rr = reg * regCount[r];
        for (let c = r * dim; c < r * dim + dim; c++) res[c] = (out[c] + rr * v[c]) * inv;
      }
      return res;
    },
  };
}

/**
 * Trace of each node's d × d diagonal block of the all-row fast Hessian (the diagonal of a block
 * only involves interactions touching that node, so it is the same on any row subset):
 * (1/n) Σ_z [ℓ''·‖θ_i − θ_j‖² for the user, ℓ''·‖θ_u‖² for i and for j] + reg · d · count / n.
 */
export function rowCurvatureTraces(
  theta: Float32Array,
  dim: number,
  nUsers: number,
  data: Triples,
  curvature: Curvature,
  reg: number,
  n: number,
): Float64Array {
  const out = new Float64Array(theta.length / dim);
  for (let k = 0; k < data.users.length; k++) {
    const u = data.users[k], i = nUsers + data.pos[k], j = nUsers + data.neg[k];
    const ou = u * dim, oi = i * dim, oj = j * dim;
    let diff = 0, user = 0;
    for (let c = 0; c < dim; c++) {
      const t = theta[oi + c] - theta[oj + c];
      diff += t * t;
      user += theta[ou + c] * theta[ou + c];
    }
    const w = curvature.d2[k];
    out[u] += w * diff + reg * dim;
    out[i] += w * user + reg * dim;
    out[j] += w * user + reg * dim;
  }
  for (let v = 0; v < out.length; v++) out[v] /= n;
  return out;
}
