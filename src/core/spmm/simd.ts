/**
 * The evaluation's scorer as a WebAssembly SIMD kernel, assembled here byte by byte (no toolchain,
 * no .wasm file to serve), for d a multiple of 16: one user's scores against every item, 16 columns
 * at a time in four f32x4 accumulators. Its own memory holds E between calls. (The SpMM and the
 * triple passes run on the thread pool's kernels, ./poolKernels.)
 * Returns null where WebAssembly SIMD is unavailable; callers fall back to JS.
 */
import { I32, V128, funcBody, op, section, str, vec } from './wasm';

/** dots(u*, items*, out*, nItems·4, d·4): out[i] = e_u · e_items[i], d % 16 == 0. */
function dotsBody(): number[] {
  const [U, P, O, NB, DB, END, C] = [0, 1, 2, 3, 4, 5, 6];
  const A = [7, 8, 9, 10];
  return funcBody([[2, I32], [4, V128]], [
    ...op.get(O), ...op.get(NB), ...op.add, ...op.set(END),
    ...op.block, ...op.loop, // items
    ...op.get(O), ...op.get(END), ...op.geU, ...op.brIf(1),
    ...A.flatMap((a) => [...op.v128zero, ...op.set(a)]),
    ...op.i32(0), ...op.set(C),
    ...op.block, ...op.loop, // 16 columns at a time
    ...op.get(C), ...op.get(DB), ...op.geU, ...op.brIf(1),
    ...A.flatMap((a, k) => [
      ...op.get(a),
      ...op.get(U), ...op.get(C), ...op.add, ...op.v128load(16 * k),
      ...op.get(P), ...op.get(C), ...op.add, ...op.v128load(16 * k),
      ...op.f32x4mul, ...op.f32x4add, ...op.set(a),
    ]),
    ...op.get(C), ...op.i32(64), ...op.add, ...op.set(C),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(A[0]), ...op.get(A[1]), ...op.f32x4add, ...op.get(A[2]), ...op.get(A[3]), ...op.f32x4add, ...op.f32x4add,
    ...op.set(A[0]),
    ...op.get(O),
    ...op.get(A[0]), ...op.f32x4lane(0), ...op.get(A[0]), ...op.f32x4lane(1), ...op.f32add,
    ...op.get(A[0]), ...op.f32x4lane(2), ...op.get(A[0]), ...op.f32x4lane(3), ...op.f32add,
    ...op.f32add, ...op.f32store,
    ...op.get(O), ...op.i32(4), ...op.add, ...op.set(O),
    ...op.get(P), ...op.get(DB), ...op.add, ...op.set(P),
    ...op.br(0), ...op.end, ...op.end,
  ]);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const dotsType = [0x60, ...vec(new Array(5).fill([I32])), 0];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([dotsType])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([
      [...str('dots'), 0x00, 0],
      [...str('mem'), 0x02, 0],
    ])),
    ...section(10, vec([dotsBody()])),
  ]);
}

// ---- the kernel -----------------------------------------------------------------------------

type DotsExport = (u: number, items: number, out: number, nBytes: number, dBytes: number) => void;

export interface SimdKernels {
  /**
   * Loads E (users first, then items; d % 16 == 0) and returns score(user, out): out[i] = e_u·e_i
   * for all items. The scorer is valid until the next call into these kernels.
   */
  scorer(E: Float32Array, d: number, nUsers: number, nItems: number): (user: number, out: Float64Array) => void;
}

function instantiate(): SimdKernels | null {
  if (typeof WebAssembly === 'undefined') return null;
  let dots: DotsExport;
  let memory: WebAssembly.Memory;
  try {
    const bytes = moduleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    dots = instance.exports.dots as DotsExport;
    memory = instance.exports.mem as WebAssembly.Memory;
  } catch {
    return null;
  }

  return {
    scorer(E, d, nUsers, nItems) {
      if (d % 16 !== 0) throw new Error(`simd scorer needs d % 16 == 0, got ${d}`);
      if (E.length !== (nUsers + nItems) * d) throw new Error('scorer: E has the wrong size');
      const base = 0;
      const outAt = (E.byteLength + 15) & ~15;
      const need = outAt + nItems * 4 - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / 65536));
      new Float32Array(memory.buffer, base, E.length).set(E);
      const items = base + nUsers * d * 4;
      return (user, out) => {
        dots(base + user * d * 4, items, outAt, nItems * 4, d * 4);
        out.set(new Float32Array(memory.buffer, outAt, nItems));
      };
    },
  };
}

let cached: SimdKernels | null | undefined;

/** The SIMD kernels, or null where WebAssembly SIMD is not available. */
export function simdKernels(): SimdKernels | null {
  if (cached === undefined) cached = instantiate();
  return cached;
}
