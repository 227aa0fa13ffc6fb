/**
 * WebAssembly SIMD kernels over (user, positive, negative) triples of embedding rows — the inner
 * loops of the BPR gradient and of the fast Hessian-vector product, which in plain JS cost
 * ~0.6 µs per interaction at d = 64 (several times more than these f32x4 loops). Rows are named
 * by byte addresses in the kernels' own memory, so one kernel serves any pair of arrays there:
 *   dotDiff  out[z] = X[p_z] · (Y[q_z] − Y[r_z])
 *   scatter  G[gu_z] += c_z (X[xi_z] − X[xj_z]);  G[gi_z] += c_z X[xu_z];  G[gj_z] −= c_z X[xu_z]
 *   rowAddresses  out[z] = base + idx[z] · rowBytes  (the row addresses the other kernels read)
 * (for BPR: X = Y = E, and G the gradient). Rows hold d floats, d % 4 == 0; accumulation is
 * float32. Each call of tripleKernels() returns a fresh instance with its own memory, so a
 * consumer's buffers stay put between calls; null where WebAssembly SIMD is unavailable.
 */
import { I32, V128, elementLoop, funcBody, laneLoop, moduleOf, op } from './wasm';

// dotDiff(P*, Q*, R*, mBytes, dBytes, OUT*): P, Q, R are i32 arrays of row addresses.
function dotDiffBody(): number[] {
  const [P, Q, R, M, DB, OUT, Z, C, p, q, r, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const row = (arr: number, local: number) => [...op.get(arr), ...op.get(Z), ...op.add, ...op.load(0), ...op.set(local)];
  const at = (base: number) => [...op.get(base), ...op.get(C), ...op.add, ...op.v128load(0)];
  const lane = (l: number) => [...op.get(ACC), ...op.f32x4lane(l)];
  return funcBody([[5, I32], [1, V128]], elementLoop(Z, M, [
    ...row(P, p), ...row(Q, q), ...row(R, r),
    ...op.v128zero, ...op.set(ACC),
    ...op.i32(0), ...op.set(C),
    ...laneLoop(C, DB, [...op.get(ACC), ...at(p), ...at(q), ...at(r), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add, ...op.set(ACC)]),
    ...op.get(OUT), ...op.get(Z), ...op.add,
    ...lane(0), ...lane(1), ...op.f32add, ...lane(2), ...lane(3), ...op.f32add, ...op.f32add,
    ...op.f32store,
  ]));
}

// scatter(GU*, GI*, GJ*, XU*, XI*, XJ*, COEF*, mBytes, dBytes)
function scatterBody(): number[] {
  const [GU, GI, GJ, XU, XI, XJ, CF, M, DB] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [Z, C, gu, gi, gj, xu, xi, xj] = [9, 10, 11, 12, 13, 14, 15, 16];
  const [CV, A, T] = [17, 18, 19];
  const row = (arr: number, local: number) => [...op.get(arr), ...op.get(Z), ...op.add, ...op.load(0), ...op.set(local)];
  const addr = (base: number) => [...op.get(base), ...op.get(C), ...op.add];
  const at = (base: number) => [...addr(base), ...op.v128load(0)];
  const update = (g: number, v: number, combine: number[]) => [...addr(g), ...at(g), ...op.get(v), ...combine, ...op.v128store(0)];
  return funcBody([[8, I32], [3, V128]], elementLoop(Z, M, [
    ...row(GU, gu), ...row(GI, gi), ...row(GJ, gj), ...row(XU, xu), ...row(XI, xi), ...row(XJ, xj),
    ...op.get(CF), ...op.get(Z), ...op.add, ...op.f32load, ...op.f32x4splat, ...op.set(CV),
    ...op.i32(0), ...op.set(C),
    ...laneLoop(C, DB, [
      ...at(xu), ...op.get(CV), ...op.f32x4mul, ...op.set(A),
      ...at(xi), ...at(xj), ...op.f32x4sub, ...op.get(CV), ...op.f32x4mul, ...op.set(T),
      ...update(gu, T, op.f32x4add),
      ...update(gi, A, op.f32x4add),
      ...update(gj, A, op.f32x4sub),
    ]),
  ]));
}

// rawHvp(OU*, OI*, OJ*, QU*, QI*, QJ*, WU*, WI*, WJ*, D1*, D2*, mBytes, dBytes): the fast
// Hessian-vector product of fastHessian.ts in one pass per interaction — θ rows at O·, vector rows
// at Q·, output rows at W·; s = (θ_i − θ_j)·a + θ_u·(b − c), w = ℓ''·s;
// W_u += w(θ_i − θ_j) + ℓ'(b − c), W_i += wθ_u + ℓ'a, W_j −= wθ_u + ℓ'a.
function rawHvpBody(): number[] {
  const [OU, OI, OJ, QU, QI, QJ, WU, WI, WJ, D1, D2, M, DB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [Z, C, ou, oi, oj, qu, qi, qj, wu, wi, wj] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const [ACC, W, L, DT, A, T] = [24, 25, 26, 27, 28, 29];
  const row = (arr: number, local: number) => [...op.get(arr), ...op.get(Z), ...op.add, ...op.load(0), ...op.set(local)];
  const addr = (base: number) => [...op.get(base), ...op.get(C), ...op.add];
  const at = (base: number) => [...addr(base), ...op.v128load(0)];
  const lane = (l: number) => [...op.get(ACC), ...op.f32x4lane(l)];
  const scalar = (arr: number) => [...op.get(arr), ...op.get(Z), ...op.add, ...op.f32load];
  return funcBody([[11, I32], [6, V128]], elementLoop(Z, M, [
    ...row(OU, ou), ...row(OI, oi), ...row(OJ, oj),
    ...row(QU, qu), ...row(QI, qi), ...row(QJ, qj),
    ...row(WU, wu), ...row(WI, wi), ...row(WJ, wj),
    ...op.v128zero, ...op.set(ACC),
    ...op.i32(0), ...op.set(C),
    ...laneLoop(C, DB, [
      ...op.get(ACC),
      ...at(oi), ...at(oj), ...op.f32x4sub, ...at(qu), ...op.f32x4mul, ...op.f32x4add,
      ...at(ou), ...at(qi), ...at(qj), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add,
      ...op.set(ACC),
    ]),
    ...scalar(D2), ...lane(0), ...lane(1), ...op.f32add, ...lane(2), ...lane(3), ...op.f32add, ...op.f32add, ...op.f32mul,
    ...op.f32x4splat, ...op.set(W),
    ...scalar(D1), ...op.f32x4splat, ...op.set(L),
    ...op.i32(0), ...op.set(C),
    ...laneLoop(C, DB, [
      ...at(oi), ...at(oj), ...op.f32x4sub, ...op.set(DT),
      ...at(qu), ...op.set(A),
      // W_u += w·dt + ℓ'(b − c)
      ...addr(wu), ...at(wu), ...op.get(W), ...op.get(DT), ...op.f32x4mul, ...op.f32x4add,
      ...op.get(L), ...at(qi), ...at(qj), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add, ...op.v128store(0),
      // t = w·θ_u + ℓ'·a
      ...op.get(W), ...at(ou), ...op.f32x4mul, ...op.get(L), ...op.get(A), ...op.f32x4mul, ...op.f32x4add, ...op.set(T),
      ...addr(wi), ...at(wi), ...op.get(T), ...op.f32x4add, ...op.v128store(0),
      ...addr(wj), ...at(wj), ...op.get(T), ...op.f32x4sub, ...op.v128store(0),
    ]),
  ]));
}

// rowAddresses(SRC*, DST*, nBytes, base, rowBytes): DST[z] = base + SRC[z] · rowBytes, i32x4 lanes
// (nBytes rounded up to 16: allocations are padded to 16 bytes, so the last lane stays inside).
function rowAddressesBody(): number[] {
  const [SRC, DST, NB, BASE, ROW, I, BV, RV] = [0, 1, 2, 3, 4, 5, 6, 7];
  return funcBody([[1, I32], [2, V128]], [
    ...op.get(BASE), ...op.i32x4splat, ...op.set(BV),
    ...op.get(ROW), ...op.i32x4splat, ...op.set(RV),
    ...laneLoop(I, NB, [
      ...op.get(DST), ...op.get(I), ...op.add,
      ...op.get(SRC), ...op.get(I), ...op.add, ...op.v128load(0), ...op.get(RV), ...op.i32x4mul, ...op.get(BV), ...op.i32x4add,
      ...op.v128store(0),
    ]),
  ]);
}

type DotDiffExport = (p: number, q: number, r: number, mBytes: number, dBytes: number, out: number) => void;
type RawHvpExport = (...args: number[]) => void;
type RowAddressesExport = (src: number, dst: number, nBytes: number, base: number, rowBytes: number) => void;
type ScatterExport = (
  gu: number, gi: number, gj: number, xu: number, xi: number, xj: number, coef: number, mBytes: number, dBytes: number,
) => void;

export interface TripleKernels {
  /** Reserves `floats` 4-byte slots (16-byte aligned, zeroed) and returns their byte address. */
  alloc(floats: number): number;
  /** Frees every allocation (the memory is kept for reuse). */
  reset(): void;
  /** Views into the memory; take them after the last alloc (growing the memory detaches views). */
  f32(addr: number, length: number): Float32Array;
  i32(addr: number, length: number): Int32Array;
  /** out[z] = X[p_z] · (Y[q_z] − Y[r_z]) for z < m; p, q, r, out are addresses of m-element arrays. */
  dotDiff(p: number, q: number, r: number, m: number, d: number, out: number): void;
  /** G[gu_z] += c_z (X[xi_z] − X[xj_z]); G[gi_z] += c_z X[xu_z]; G[gj_z] −= c_z X[xu_z], in order z = 0, 1, … */
  scatter(g: [number, number, number], x: [number, number, number], coef: number, m: number, d: number): void;
  /** The fast Hessian-vector product (see rawHvpBody): θ, vector and output row addresses, ℓ' and ℓ'' arrays (f32). */
  rawHvp(
    theta: [number, number, number], v: [number, number, number], out: [number, number, number],
    d1: number, d2: number, m: number, d: number,
  ): void;
  /** out[z] = base + idx[z] · rowBytes for z < m (idx, out: addresses of m-element i32 arrays from
   *  alloc; in place when idx = out): byte addresses of rows in a table at `base`. */
  rowAddresses(idx: number, out: number, m: number, base: number, rowBytes: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | null {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    const bytes = moduleOf([
      { name: 'dotDiff', params: new Array(6).fill(I32), body: dotDiffBody() },
      { name: 'scatter', params: new Array(9).fill(I32), body: scatterBody() },
      { name: 'rawHvp', params: new Array(13).fill(I32), body: rawHvpBody() },
      { name: 'rowAddresses', params: new Array(5).fill(I32), body: rowAddressesBody() },
    ]);
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/** A fresh kernel instance (own memory), or null without WebAssembly SIMD. */
export function tripleKernels(): TripleKernels | null {
  if (compiled === undefined) compiled = compile();
  if (!compiled) return null;
  const instance = new WebAssembly.Instance(compiled, {});
  const memory = instance.exports.mem as WebAssembly.Memory;
  const dotDiff = instance.exports.dotDiff as DotDiffExport;
  const scatter = instance.exports.scatter as ScatterExport;
  const rawHvp = instance.exports.rawHvp as RawHvpExport;
  const rowAddresses = instance.exports.rowAddresses as RowAddressesExport;
  let top = 16; // address 0 stays unused
  const check = (d: number) => {
    if (d % 4 !== 0) throw new Error(`triple kernels need d % 4 == 0, got ${d}`);
  };
  return {
    alloc(floats) {
      const addr = top;
      top = (addr + floats * 4 + 15) & ~15;
      const need = top - memory.buffer.byteLength;
      // Grow at least by doubling: many small grows would each reallocate the buffer.
      if (need > 0) memory.grow(Math.max(Math.ceil(need / 65536), memory.buffer.byteLength / 65536));
      new Float32Array(memory.buffer, addr, floats).fill(0);
      return addr;
    },
    reset() {
      top = 16;
    },
    f32: (addr, length) => new Float32Array(memory.buffer, addr, length),
    i32: (addr, length) => new Int32Array(memory.buffer, addr, length),
    dotDiff(p, q, r, m, d, out) {
      check(d);
      dotDiff(p, q, r, m * 4, d * 4, out);
    },
    scatter(g, x, coef, m, d) {
      check(d);
      scatter(g[0], g[1], g[2], x[0], x[1], x[2], coef, m * 4, d * 4);
    },
    rawHvp(theta, v, out, d1, d2, m, d) {
      check(d);
      rawHvp(...theta, ...v, ...out, d1, d2, m * 4, d * 4);
    },
    rowAddresses(idx, out, m, base, rowBytes) {
      rowAddresses(idx, out, ((m + 3) & ~3) * 4, base, rowBytes);
    },
  };
}
