/**
 * The propagation and the triple passes on the kernel pool (./threads): data in the pool's memory,
 * rows (or triples) split between the threads so that each writes its own. Splits follow the work
 * (non-zeros per row for the SpMM, incidences per row for the gathers), and no result depends on
 * them: every element is computed by the same instructions in the same order on any thread.
 */
import type { Csr } from './arrays';
import { KERNEL_ID as K, type KernelPool } from './threads';

/** Â's CSR arrays in the pool's memory. */
export interface ResidentCsr {
  ip: number;
  ix: number;
  val: number;
  n: number;
  nnz: number;
  indptr: Int32Array;
}

const RESIDENT_MAX = 4;
const resident = new Map<Int32Array, ResidentCsr & { values: Float32Array }>();

/** `a` copied into the pool once and kept while among the last RESIDENT_MAX graphs used (the graphs of
 *  one call are the most recent, so none is evicted while in use). Keyed by the arrays: graphs are
 *  never changed in place (Â' is a new graph). */
export function residentCsr(p: KernelPool, a: Csr): ResidentCsr {
  const hit = resident.get(a.indices);
  if (hit && hit.indptr === a.indptr && hit.values === a.values) {
    resident.delete(a.indices);
    resident.set(a.indices, hit);
    return hit;
  }
  if (hit) dropResident(p, a.indices);
  const n = a.indptr.length - 1;
  const nnz = a.indices.length;
  const ip = p.alloc(a.indptr.byteLength);
  const ix = p.alloc(Math.max(4, a.indices.byteLength));
  const val = p.alloc(Math.max(4, a.values.byteLength));
  p.i32(ip, n + 1).set(a.indptr);
  p.i32(ix, nnz).set(a.indices);
  p.f32(val, nnz).set(a.values);
  const entry = { ip, ix, val, n, nnz, indptr: a.indptr, values: a.values };
  resident.set(a.indices, entry);
  while (resident.size > RESIDENT_MAX) dropResident(p, resident.keys().next().value!);
  return entry;
}

function dropResident(p: KernelPool, key: Int32Array): void {
  const e = resident.get(key)!;
  resident.delete(key);
  p.release(e.ip);
  p.release(e.ix);
  p.release(e.val);
}

/** Row boundaries b_0 = r0 < … < b_T = r1 splitting the entries counted by `ptr` (a CSR row pointer)
 *  into T nearly equal parts. */
export function splitRows(ptr: Int32Array, T: number, r0 = 0, r1 = ptr.length - 1): number[] {
  const bounds = [r0];
  const base = ptr[r0];
  const total = ptr[r1] - base;
  for (let t = 1; t < T; t++) {
    const target = base + (total * t) / T;
    let lo = bounds[t - 1], hi = r1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ptr[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    bounds.push(lo);
  }
  bounds.push(r1);
  return bounds;
}

/** Boundaries splitting 0..m evenly into T parts. */
export function splitEven(m: number, T: number): number[] {
  return Array.from({ length: T + 1 }, (_, t) => Math.round((m * t) / T));
}

/** programs[t] = make(b_t, b_{t+1}) for the T parts of `bounds`. */
function programs(bounds: number[], make: (a: number, b: number) => number[]): number[][] {
  return bounds.slice(0, -1).map((a, t) => make(a, bounds[t + 1]));
}

/**
 * dst = (1/(K+1)) Σ_{k=0..K} Â^k src, all rows, in the pool (n × d each, d % 16 == 0; dst ≠ src).
 * One job per layer: thread t computes its rows of Â h into the next buffer and adds them to dst;
 * the last layer also scales them.
 */
export function propagateAt(p: KernelPool, g: ResidentCsr, src: number, dst: number, d: number, layers: number): void {
  if (src === dst) throw new Error('propagateAt: dst must differ from src');
  const { n } = g;
  const dB = d * 4;
  if (layers === 0) {
    p.f32(dst, n * d).set(p.f32(src, n * d));
    return;
  }
  const bounds = splitRows(g.indptr, p.split(g.nnz * d));
  const h = [p.alloc(n * dB), layers > 1 ? p.alloc(n * dB) : 0];
  const s = p.alloc(4);
  p.f32(s, 1)[0] = 1 / (layers + 1);
  try {
    let cur = src;
    for (let k = 0; k < layers; k++) {
      const next = h[k % 2];
      const acc = k === 0 ? src : dst;
      const last = k === layers - 1;
      const from = cur;
      p.run(
        programs(bounds, (a, b) => [
          K.spmm, g.ip, g.ix, g.val, from, next + a * dB, a * 4, b * 4, dB,
          K.add, dst + a * dB, acc + a * dB, next + a * dB, (b - a) * dB,
          ...(last ? [K.scale, dst + a * dB, (b - a) * dB, s] : []),
        ]),
      );
      cur = next;
    }
  } finally {
    p.release(h[0]);
    if (h[1]) p.release(h[1]);
    p.release(s);
  }
}

/** dst = Â src in the pool (dst ≠ src). */
export function spmmAt(p: KernelPool, g: ResidentCsr, src: number, dst: number, d: number): void {
  if (src === dst) throw new Error('spmmAt: dst must differ from src');
  const dB = d * 4;
  const bounds = splitRows(g.indptr, p.split(g.nnz * d));
  p.run(programs(bounds, (a, b) => [K.spmm, g.ip, g.ix, g.val, src, dst + a * dB, a * 4, b * 4, dB]));
}

/** Copies x into the pool, runs f(src, dst) and copies dst out (into `out` when given). */
function throughPool(p: KernelPool, x: Float32Array, out: Float32Array | undefined, f: (src: number, dst: number) => void): Float32Array {
  const src = p.alloc(x.byteLength);
  const dst = p.alloc(x.byteLength);
  try {
    p.f32(src, x.length).set(x);
    f(src, dst);
    const y = out ?? new Float32Array(x.length);
    y.set(p.f32(dst, x.length));
    return y;
  } finally {
    p.release(src);
    p.release(dst);
  }
}

/** propagateMean on typed arrays through the pool. */
export function propagateMeanPooled(p: KernelPool, a: Csr, x: Float32Array, d: number, layers: number, out?: Float32Array): Float32Array {
  const g = residentCsr(p, a);
  return throughPool(p, x, out, (src, dst) => propagateAt(p, g, src, dst, d, layers));
}

/** spmm on typed arrays through the pool. */
export function spmmPooled(p: KernelPool, a: Csr, x: Float32Array, d: number, out?: Float32Array): Float32Array {
  const g = residentCsr(p, a);
  return throughPool(p, x, out, (src, dst) => spmmAt(p, g, src, dst, d));
}

/**
 * Triples (u, i, j) of node ids in the pool, with their incidence: per node, its (triple, role)
 * pairs in triple order (entry 4z + role, role 0 user, 1 positive, 2 negative) — what the gathers
 * read. `capacity` triples and n nodes are reserved; set() lays out a new set of up to capacity.
 */
export class TripleLayout {
  readonly U: number;
  readonly I: number;
  readonly J: number;
  readonly rowPtr: number;
  readonly ent: number;
  /** The row pointer, also on the JS side (for the splits). */
  ptr: Int32Array;
  m = 0;
  private released = false;

  constructor(
    private readonly p: KernelPool,
    readonly n: number,
    readonly capacity: number,
  ) {
    const c = Math.max(4, capacity);
    this.U = p.alloc(c * 4);
    this.I = p.alloc(c * 4);
    this.J = p.alloc(c * 4);
    this.rowPtr = p.alloc((n + 1) * 4);
    this.ent = p.alloc(3 * c * 4);
    this.ptr = new Int32Array(n + 1);
  }

  /** Lays out the triples (users[z], nUsers + pos[z], nUsers + neg[z]). */
  set(nUsers: number, users: Int32Array, pos: Int32Array, neg: Int32Array): this {
    const m = users.length;
    if (m > this.capacity) throw new Error(`TripleLayout: ${m} triples for a capacity of ${this.capacity}`);
    const { p, n } = this;
    this.m = m;
    const U = p.i32(this.U, m), I = p.i32(this.I, m), J = p.i32(this.J, m);
    const ptr = this.ptr;
    ptr.fill(0);
    for (let z = 0; z < m; z++) {
      const u = users[z], i = nUsers + pos[z], j = nUsers + neg[z];
      if (!(u >= 0 && u < nUsers && i >= nUsers && i < n && j >= nUsers && j < n)) {
        throw new Error(`TripleLayout: triple ${z} (${users[z]}, ${pos[z]}, ${neg[z]}) out of range`);
      }
      U[z] = u;
      I[z] = i;
      J[z] = j;
      ptr[u + 1]++;
      ptr[i + 1]++;
      ptr[j + 1]++;
    }
    for (let r = 0; r < n; r++) ptr[r + 1] += ptr[r];
    const fill = ptr.slice(0, n);
    const ent = p.i32(this.ent, 3 * m);
    for (let z = 0; z < m; z++) {
      ent[fill[U[z]]++] = 4 * z;
      ent[fill[I[z]]++] = 4 * z + 1;
      ent[fill[J[z]]++] = 4 * z + 2;
    }
    p.i32(this.rowPtr, n + 1).set(ptr);
    return this;
  }

  /** out[z] = X_u · (X_i − X_j) (X: an n × d table; out: m floats). */
  dots(X: number, out: number, d: number): void {
    const { p } = this;
    const bounds = splitEven(this.m, p.split(this.m * d));
    p.run(programs(bounds, (a, b) => [K.dots, this.U, this.I, this.J, X, a * 4, b * 4, d * 4, out]));
  }

  /** W[z] = C[z] · ((X_i − X_j)·Y_u + X_u·(Y_i − Y_j)). */
  hvpWeights(X: number, Y: number, C: number, W: number, d: number): void {
    const { p } = this;
    const bounds = splitEven(this.m, p.split(2 * this.m * d));
    p.run(programs(bounds, (a, b) => [K.hvpWeights, this.U, this.I, this.J, X, Y, C, a * 4, b * 4, d * 4, W]));
  }

  /** out (n × d, every row written) = the gather of ./poolKernels: with A alone, Σ A_z ∂x_z/∂X; with
   *  Y and B too, H_E's product terms. */
  gather(X: number, A: number, out: number, d: number, Y?: number, B?: number): void {
    const { p } = this;
    const dB = d * 4;
    const bounds = splitRows(this.ptr, p.split(3 * this.m * d));
    const head = [this.rowPtr, this.ent, this.U, this.I, this.J, X];
    p.run(
      programs(bounds, (a, b) =>
        Y === undefined
          ? [K.gather1, ...head, A, a * 4, b * 4, dB, out + a * dB]
          : [K.gather2, ...head, Y, A, B!, a * 4, b * 4, dB, out + a * dB],
      ),
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const a of [this.U, this.I, this.J, this.rowPtr, this.ent]) this.p.release(a);
  }
}

/** Rows [r0, r1) split evenly for a per-row kernel over n rows of d floats. */
export function rowBounds(p: KernelPool, n: number, d: number): number[] {
  return splitEven(n, p.split(n * d));
}

export { programs as threadPrograms };

/**
 * The vectors of a conjugate-gradient solve (x, r, p and the product H p) in the pool, with its loops
 * as kernels over fixed blocks of elements: each sum is a float64 partial per block, added here in
 * block order, and the blocks depend on the length only — so the same bits on any thread count.
 */
export class PooledCgVectors {
  private readonly blocks: number[];
  private readonly X: number;
  private readonly R: number;
  private readonly P: number;
  private readonly HP: number;
  private readonly prm: number;
  private readonly part: number;

  constructor(
    private readonly p: KernelPool,
    readonly n: number,
  ) {
    const block = Math.max(16384, Math.ceil(n / 200));
    this.blocks = [];
    for (let k = 0; k < n; k += block) this.blocks.push(k);
    this.blocks.push(n);
    [this.X, this.R, this.P, this.HP] = [n, n, n, n].map((f) => p.alloc(Math.max(1, f) * 4));
    this.prm = p.alloc(24);
    this.part = p.alloc(8 * this.blocks.length);
    p.f32(this.X, n).fill(0);
  }

  /** r = p = b; returns ‖b‖². */
  start(b: Float32Array): number {
    this.p.f32(this.R, this.n).set(b);
    this.p.f32(this.P, this.n).set(b);
    return this.sum((a, e) => [K.cgDot, this.R, this.R, a * 4, e * 4, this.partAt(a)]);
  }

  /** p, the product's input, as a view into the pool: valid until the next allocation there (which can
   *  grow a plain memory), so a product reads it before allocating — the host Hessians all do. */
  direction(): Float32Array {
    return this.p.f32(this.P, this.n);
  }

  /** pᵀ(Hp + μp) with Hp = hp. */
  curvature(hp: Float32Array, mu: number): number {
    this.p.f32(this.HP, this.n).set(hp);
    this.params(mu, 0, 0);
    return this.sum((a, e) => [K.cgCurvature, this.P, this.HP, this.prm, a * 4, e * 4, this.partAt(a)]);
  }

  /** x += αp; r −= α(Hp + μp); returns ‖r‖². */
  step(alpha: number, mu: number): number {
    this.params(mu, alpha, 0);
    return this.sum((a, e) => [K.cgStep, this.X, this.R, this.P, this.HP, this.prm, a * 4, e * 4, this.partAt(a)]);
  }

  /** p = r + βp. */
  turn(beta: number): void {
    this.params(0, 0, beta);
    this.p.run(programs(this.blocks, (a, e) => [K.cgDirection, this.P, this.R, this.prm, a * 4, e * 4]));
  }

  /** A copy of x. */
  solution(): Float32Array {
    return this.p.f32(this.X, this.n).slice();
  }

  release(): void {
    for (const b of [this.X, this.R, this.P, this.HP, this.prm, this.part]) this.p.release(b);
  }

  private partAt(a: number): number {
    return this.part + 8 * this.blocks.indexOf(a);
  }

  private params(mu: number, alpha: number, beta: number): void {
    this.p.f64(this.prm, 3).set([mu, alpha, beta]);
  }

  private sum(make: (a: number, e: number) => number[]): number {
    this.p.run(programs(this.blocks, make));
    const parts = this.p.f64(this.part, this.blocks.length - 1);
    let s = 0;
    for (let k = 0; k < parts.length; k++) s += parts[k];
    return s;
  }
}
