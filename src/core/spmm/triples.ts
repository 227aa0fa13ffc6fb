/**
 * The fast (raw-row) Hessian-vector product as a WebAssembly SIMD kernel over (user, positive,
 * negative) triples — in plain JS it costs ~0.6 µs per interaction at d = 64, several times more
 * than this f32x4 loop. Rows are named by byte addresses in the kernel's own memory. Rows hold d
 * floats, d % 4 == 0; accumulation is float32. Each call of tripleKernels() returns a fresh
 * instance with its own memory, so a consumer's buffers stay put between calls; null where
 * WebAssembly SIMD is unavailable. (The BPR gradient and the exact Hessian's passes run on the
 * thread pool's gathers, ./poolKernels.)
 */
import { I32, V128, crossDotLanes, elementLoop, funcBody, laneLoop, moduleOf, op } from './wasm';

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
    ...crossDotLanes(ACC, C, DB, [ou, oi, oj], [qu, qi, qj]),
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

type RawHvpExport = (...args: number[]) => void;

export interface TripleKernels {
  /** Reserves `floats` 4-byte slots (16-byte aligned, zeroed) and returns their byte address. */
  alloc(floats: number): number;
  /** Frees every allocation (the memory is kept for reuse). */
  reset(): void;
  /** Views into the memory; take them after the last alloc (growing the memory detaches views). */
  f32(addr: number, length: number): Float32Array;
  i32(addr: number, length: number): Int32Array;
  /** The fast Hessian-vector product (see rawHvpBody): θ, vector and output row addresses, ℓ' and ℓ'' arrays (f32). */
  rawHvp(
    theta: [number, number, number], v: [number, number, number], out: [number, number, number],
    d1: number, d2: number, m: number, d: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | null {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    const bytes = moduleOf([
      { name: 'rawHvp', params: new Array(13).fill(I32), body: rawHvpBody() },
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
  const rawHvp = instance.exports.rawHvp as RawHvpExport;
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
    rawHvp(theta, v, out, d1, d2, m, d) {
      check(d);
      rawHvp(...theta, ...v, ...out, d1, d2, m * 4, d * 4);
    },
  };
}
