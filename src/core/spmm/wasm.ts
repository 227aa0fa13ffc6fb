/**
 * A tiny WebAssembly assembler: just the opcodes our SIMD kernels use, so kernels are built byte
 * by byte in TypeScript (no toolchain, no .wasm file to serve).
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
export const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export const F64 = 0x7c;

export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if_: [0x04, 0x40],
  else_: [0x05],
  end: [0x0b],
  br: (l: number) => [0x0c, l],
  brIf: (l: number) => [0x0d, l],
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  tee: (i: number) => [0x22, i],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  and: [0x71],
  shl: [0x74],
  shrU: [0x76],
  eqz: [0x45],
  eq: [0x46],
  geU: [0x4f],
  load: (offset: number) => [0x28, 2, ...uleb(offset)],
  f32load: [0x2a, 2, 0],
  v128load: (offset: number) => [0xfd, 0x00, 2, ...uleb(offset)],
  v128store: (offset: number) => [0xfd, 0x0b, 2, ...uleb(offset)],
  v128zero: [0xfd, 0x0c, ...new Array(16).fill(0)],
  f32x4splat: [0xfd, 0x13],
  f32x4lane: (l: number) => [0xfd, 0x1f, l],
  f32add: [0x92],
  f32mul: [0x94],
  f32store: [0x38, 2, 0],
  f64load: [0x2b, 3, 0],
  f64store: [0x39, 3, 0],
  f64const: (v: number) => [0x44, ...Array.from(new Uint8Array(Float64Array.of(v).buffer))],
  f64add: [0xa0],
  f64sub: [0xa1],
  f64mul: [0xa2],
  f64div: [0xa3],
  f64sqrt: [0x9f],
  f64promote: [0xbb],
  f32demote: [0xb6],
  f32x4add: [0xfd, 0xe4, 0x01],
  f32x4sub: [0xfd, 0xe5, 0x01],
  f32x4mul: [0xfd, 0xe6, 0x01],
  i32x4splat: [0xfd, 0x11],
  i32x4add: [0xfd, 0xae, 0x01],
  i32x4mul: [0xfd, 0xb5, 0x01],
};

/** A loop over 16-byte lanes i = 0, 16, … < nBytes (local `i`), running `lane`. */
export function laneLoop(i: number, nBytes: number, lane: number[]): number[] {
  return [
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(nBytes), ...op.geU, ...op.brIf(1),
    ...lane,
    ...op.get(i), ...op.i32(16), ...op.add, ...op.set(i),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

/**
 * acc += (X_i − X_j) ⊙ Y_u + X_u ⊙ (Y_i − Y_j) over the 16-byte lanes of a row (local `c` from 0 to local
 * `nBytes`); x and y are the locals holding the rows' addresses [u, i, j]. Summed, it is the directional
 * derivative of the BPR score x_z = e_u·(e_i − e_j) at X along Y: the fast Hessian's s and H_E's weights.
 */
export function crossDotLanes(acc: number, c: number, nBytes: number, x: number[], y: number[]): number[] {
  const at = (base: number) => [...op.get(base), ...op.get(c), ...op.add, ...op.v128load(0)];
  return laneLoop(c, nBytes, [
    ...op.get(acc),
    ...at(x[1]), ...at(x[2]), ...op.f32x4sub, ...at(y[0]), ...op.f32x4mul, ...op.f32x4add,
    ...at(x[0]), ...at(y[1]), ...at(y[2]), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add,
    ...op.set(acc),
  ]);
}

/** A loop over i = 0, 4, … < nBytes (local `i`, a 4-byte element index), running `body`. */
export function elementLoop(i: number, nBytes: number, body: number[]): number[] {
  return [
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(nBytes), ...op.geU, ...op.brIf(1),
    ...body,
    ...op.get(i), ...op.i32(4), ...op.add, ...op.set(i),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

/** A function body: its locals (groups of [count, type]) and code. */
export function funcBody(locals: number[][], code: number[]): number[] {
  const body = [...vec(locals), ...code, ...op.end];
  return [...uleb(body.length), ...body];
}

/** A module of functions (types[k] is [params, results] of function k) exporting them by name and its memory as "mem". */
export function moduleOf(funcs: { name: string; params: number[]; body: number[] }[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs.map((_, k) => [k]))),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([...funcs.map((f, k) => [...str(f.name), 0x00, k]), [...str('mem'), 0x02, 0]])),
    ...section(10, vec(funcs.map((f) => f.body))),
  ]);
}

/**
 * A module of functions over an IMPORTED memory ("env"."mem"): `shared` declares it shared (WebAssembly
 * threads: one memory seen by every worker's instance; a shared memory needs a maximum), otherwise a
 * plain memory. Exports the functions by name.
 */
export function moduleImportingMemory(
  funcs: { name: string; params: number[]; body: number[] }[],
  memory: { shared: boolean; initialPages: number; maximumPages: number },
): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const limits = [memory.shared ? 0x03 : 0x01, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, ...limits]])),
    ...section(3, vec(funcs.map((_, k) => [k]))),
    ...section(7, vec(funcs.map((f, k) => [...str(f.name), 0x00, k]))),
    ...section(10, vec(funcs.map((f) => f.body))),
  ]);
}
