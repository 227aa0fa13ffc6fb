/**
 * The WebAssembly SIMD kernels that the thread pool (./threads) runs, assembled here byte by byte
 * like ./simd and ./triples, over ONE imported memory that every thread's instance shares. Every
 * kernel works on a range of output rows (or of triples) given as arguments, and writes only there:
 * no two threads ever write the same element, and each element is computed by the same instructions
 * in the same order whatever the range it falls in — so results are bit-for-bit the same for any
 * number of threads (docs/method.md#backends).
 *
 * The triple passes (the BPR gradient, the exact Hessian's H_E product) are written as GATHERS: a
 * row's output is the sum, in triple order, of the contributions of the triples that name it, read
 * through an incidence list (row → (triple, role)), instead of a scatter over triples (which would
 * have two threads add into one row). Addresses are byte addresses; "z"/"r" ranges are byte offsets
 * (index · 4) into the per-triple / per-row arrays. Accumulation is float32; Adam's update is float64,
 * the same arithmetic as train.ts's AdamCpu.
 */
import { I32, V128, F64, crossDotLanes, funcBody, laneLoop, moduleImportingMemory, op } from './wasm';

const f64at = (offset: number) => [0x2b, 3, offset];
const hsum = (acc: number) => [
  ...op.get(acc), ...op.f32x4lane(0), ...op.get(acc), ...op.f32x4lane(1), ...op.f32add,
  ...op.get(acc), ...op.f32x4lane(2), ...op.get(acc), ...op.f32x4lane(3), ...op.f32add,
  ...op.f32add,
];
/** A loop while local `i` < local `end`, running body, then i += step. */
function rangeLoop(i: number, end: number, step: number, body: number[]): number[] {
  return [
    ...op.block, ...op.loop,
    ...op.get(i), ...op.get(end), ...op.geU, ...op.brIf(1),
    ...body,
    ...op.get(i), ...op.i32(step), ...op.add, ...op.set(i),
    ...op.br(0), ...op.end, ...op.end,
  ];
}
/** local = table + idx[at] · dB (a row address from a node id). */
const rowOf = (table: number, idxArr: number, at: number, dB: number, local: number) => [
  ...op.get(table), ...op.get(idxArr), ...op.get(at), ...op.add, ...op.load(0), ...op.get(dB), ...op.mul, ...op.add, ...op.set(local),
];

// spmm(ip*, ix*, val*, x*, out*, r, rEnd, dB): rows r/4 .. rEnd/4 of Â·x into out (out = row r's address).
function spmmBody(): number[] {
  const [IP, IX, VAL, X, OUT, R, RE, DB, C, J, E, B, VV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const ACC = [13, 14, 15, 16];
  return funcBody([[4, I32], [5, V128]], rangeLoop(R, RE, 4, [
    ...op.get(IP), ...op.get(R), ...op.add, ...op.load(4), ...op.i32(2), ...op.shl, ...op.set(E),
    ...op.i32(0), ...op.set(C),
    ...rangeLoop(C, DB, 64, [
      ...ACC.flatMap((a) => [...op.v128zero, ...op.set(a)]),
      ...op.get(IP), ...op.get(R), ...op.add, ...op.load(0), ...op.i32(2), ...op.shl, ...op.set(J),
      ...rangeLoop(J, E, 4, [
        ...op.get(VAL), ...op.get(J), ...op.add, ...op.f32load, ...op.f32x4splat, ...op.set(VV),
        ...op.get(X), ...op.get(IX), ...op.get(J), ...op.add, ...op.load(0), ...op.get(DB), ...op.mul, ...op.add,
        ...op.get(C), ...op.add, ...op.set(B),
        ...ACC.flatMap((a, k) => [
          ...op.get(a), ...op.get(VV), ...op.get(B), ...op.v128load(16 * k), ...op.f32x4mul, ...op.f32x4add, ...op.set(a),
        ]),
      ]),
      ...ACC.flatMap((a, k) => [...op.get(OUT), ...op.get(C), ...op.add, ...op.get(a), ...op.v128store(16 * k)]),
    ]),
    ...op.get(OUT), ...op.get(DB), ...op.add, ...op.set(OUT),
  ]));
}

// add(dst*, a*, b*, nBytes): dst = a + b (dst may be a).
function addBody(): number[] {
  const [DST, A, B, N, I] = [0, 1, 2, 3, 4];
  const at = (base: number) => [...op.get(base), ...op.get(I), ...op.add];
  return funcBody([[1, I32]], laneLoop(I, N, [
    ...at(DST), ...at(A), ...op.v128load(0), ...at(B), ...op.v128load(0), ...op.f32x4add, ...op.v128store(0),
  ]));
}

// scale(dst*, nBytes, s*): dst *= f32[s].
function scaleBody(): number[] {
  const [DST, N, S, I, SV] = [0, 1, 2, 3, 4];
  const at = [...op.get(DST), ...op.get(I), ...op.add];
  return funcBody([[1, I32], [1, V128]], [
    ...op.get(S), ...op.f32load, ...op.f32x4splat, ...op.set(SV),
    ...laneLoop(I, N, [...at, ...at, ...op.v128load(0), ...op.get(SV), ...op.f32x4mul, ...op.v128store(0)]),
  ]);
}

// dots(U*, I*, J*, X*, z, zEnd, dB, out*): out[z] = X_u · (X_i − X_j), U/I/J node ids.
function dotsBody(): number[] {
  const [U, II, J, X, Z, ZE, DB, OUT, C, PU, PI, PJ, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const at = (base: number) => [...op.get(base), ...op.get(C), ...op.add, ...op.v128load(0)];
  return funcBody([[4, I32], [1, V128]], rangeLoop(Z, ZE, 4, [
    ...rowOf(X, U, Z, DB, PU), ...rowOf(X, II, Z, DB, PI), ...rowOf(X, J, Z, DB, PJ),
    ...op.v128zero, ...op.set(ACC),
    ...op.i32(0), ...op.set(C),
    ...laneLoop(C, DB, [...op.get(ACC), ...at(PU), ...at(PI), ...at(PJ), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add, ...op.set(ACC)]),
    ...op.get(OUT), ...op.get(Z), ...op.add, ...hsum(ACC), ...op.f32store,
  ]));
}

// hvpWeights(U*, I*, J*, X*, Y*, C*, z, zEnd, dB, W*): W[z] = C[z] · ((X_i − X_j)·Y_u + X_u·(Y_i − Y_j)).
function hvpWeightsBody(): number[] {
  const [U, II, J, X, Y, CF, Z, ZE, DB, W] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [C, XU, XI, XJ, YU, YI, YJ, ACC] = [10, 11, 12, 13, 14, 15, 16, 17];
  return funcBody([[7, I32], [1, V128]], rangeLoop(Z, ZE, 4, [
    ...rowOf(X, U, Z, DB, XU), ...rowOf(X, II, Z, DB, XI), ...rowOf(X, J, Z, DB, XJ),
    ...rowOf(Y, U, Z, DB, YU), ...rowOf(Y, II, Z, DB, YI), ...rowOf(Y, J, Z, DB, YJ),
    ...op.v128zero, ...op.set(ACC),
    ...op.i32(0), ...op.set(C),
    ...crossDotLanes(ACC, C, DB, [XU, XI, XJ], [YU, YI, YJ]),
    ...op.get(W), ...op.get(Z), ...op.add,
    ...op.get(CF), ...op.get(Z), ...op.add, ...op.f32load, ...hsum(ACC), ...op.f32mul,
    ...op.f32store,
  ]));
}

/**
 * gather(rowPtr*, ent*, U*, I*, J*, X*, [Y*,] A*, [B*,] r, rEnd, dB, out*): for each row, zeroed, then
 * for each incidence e = 4z + role of the row (in triple order):
 *   role 0 (the row is z's user):      out += A_z (X_i − X_j) [+ B_z (Y_i − Y_j)]
 *   role 1 (z's positive item):        out += A_z X_u [+ B_z Y_u]
 *   role 2 (z's negative item):        out −= A_z X_u [+ B_z Y_u]
 * With A = ℓ'/n and no Y: the BPR gradient at X = E. With Y: H_E's product (A = w, B = ℓ'/n, Y = v).
 */
function gatherBody(withY: boolean): number[] {
  const names = withY
    ? ['RP', 'ENT', 'U', 'I', 'J', 'X', 'Y', 'A', 'B', 'R', 'RE', 'DB', 'OUT']
    : ['RP', 'ENT', 'U', 'I', 'J', 'X', 'A', 'R', 'RE', 'DB', 'OUT'];
  const p = Object.fromEntries(names.map((n, k) => [n, k])) as Record<string, number>;
  const [P, PE, E, Z4, C, XA, XB, YA, YB, AV, BV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => names.length + k);
  const at = (b: number) => [...op.get(b), ...op.get(C), ...op.add, ...op.v128load(0)];
  const out = [...op.get(p.OUT), ...op.get(C), ...op.add];
  const scalar = (arr: number) => [...op.get(arr), ...op.get(Z4), ...op.add, ...op.f32load, ...op.f32x4splat];
  // role 0: out = out + A(X_i − X_j) [then + B(Y_i − Y_j)]
  const userBody = laneLoop(C, p.DB, [
    ...out, ...out, ...op.v128load(0),
    ...op.get(AV), ...at(XA), ...at(XB), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add,
    ...(withY ? [...op.get(BV), ...at(YA), ...at(YB), ...op.f32x4sub, ...op.f32x4mul, ...op.f32x4add] : []),
    ...op.v128store(0),
  ]);
  // roles 1 / 2: out = out ± (A·X_u [+ B·Y_u])
  const itemBody = (combine: number[]) =>
    laneLoop(C, p.DB, [
      ...out, ...out, ...op.v128load(0),
      ...op.get(AV), ...at(XA), ...op.f32x4mul,
      ...(withY ? [...op.get(BV), ...at(YA), ...op.f32x4mul, ...op.f32x4add] : []),
      ...combine, ...op.v128store(0),
    ]);
  return funcBody([[9, I32], [2, V128]], rangeLoop(p.R, p.RE, 4, [
    ...op.i32(0), ...op.set(C), ...laneLoop(C, p.DB, [...out, ...op.v128zero, ...op.v128store(0)]),
    ...op.get(p.RP), ...op.get(p.R), ...op.add, ...op.load(0), ...op.i32(2), ...op.shl, ...op.set(P),
    ...op.get(p.RP), ...op.get(p.R), ...op.add, ...op.load(4), ...op.i32(2), ...op.shl, ...op.set(PE),
    ...rangeLoop(P, PE, 4, [
      ...op.get(p.ENT), ...op.get(P), ...op.add, ...op.load(0), ...op.set(E),
      ...op.get(E), ...op.i32(-4), ...op.and, ...op.set(Z4),
      ...scalar(p.A), ...op.set(AV),
      ...(withY ? [...scalar(p.B), ...op.set(BV)] : []),
      ...op.i32(0), ...op.set(C),
      ...op.get(E), ...op.i32(3), ...op.and, ...op.eqz,
      ...op.if_,
      ...rowOf(p.X, p.I, Z4, p.DB, XA), ...rowOf(p.X, p.J, Z4, p.DB, XB),
      ...(withY ? [...rowOf(p.Y, p.I, Z4, p.DB, YA), ...rowOf(p.Y, p.J, Z4, p.DB, YB)] : []),
      ...userBody,
      ...op.else_,
      ...rowOf(p.X, p.U, Z4, p.DB, XA),
      ...(withY ? rowOf(p.Y, p.U, Z4, p.DB, YA) : []),
      ...op.get(E), ...op.i32(3), ...op.and, ...op.i32(1), ...op.eq,
      ...op.if_, ...itemBody(op.f32x4add), ...op.else_, ...itemBody(op.f32x4sub), ...op.end,
      ...op.end,
    ]),
    ...op.get(p.OUT), ...op.get(p.DB), ...op.add, ...op.set(p.OUT),
  ]));
}

/**
 * regAdam(θ*, grad*, m*, v*, regw*, rowSq*, params*, r, rEnd, dB): per row, g = grad + regw_r·θ (the L2
 * term of the batch, regw_r = reg · occurrences / batch), rowSq_r = ‖θ_r‖² (float64, for the loss), then
 * Adam with tf.train.adam's rule in float64 (params: β1, 1−β1, β2, 1−β2, lr, 1−β1^t, 1−β2^t, ε).
 */
function regAdamBody(): number[] {
  const [TH, GR, M, V, RW, SQ, PR, R, RE, DB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [K, KE] = [10, 11];
  const [W, S, T, G, MK, VK] = [12, 13, 14, 15, 16, 17];
  const ld = (arr: number) => [...op.get(arr), ...op.get(K), ...op.add, ...op.f32load, ...op.f64promote];
  const param = (k: number) => [...op.get(PR), ...f64at(8 * k)];
  return funcBody([[2, I32], [6, F64]], rangeLoop(R, RE, 4, [
    ...op.get(RW), ...op.get(R), ...op.add, ...op.f32load, ...op.f64promote, ...op.set(W),
    ...op.f64const(0), ...op.set(S),
    ...op.get(R), ...op.i32(2), ...op.shrU, ...op.get(DB), ...op.mul, ...op.tee(K), ...op.get(DB), ...op.add, ...op.set(KE),
    ...rangeLoop(K, KE, 4, [
      ...ld(TH), ...op.set(T),
      ...ld(GR), ...op.get(W), ...op.get(T), ...op.f64mul, ...op.f64add, ...op.set(G),
      ...op.get(S), ...op.get(T), ...op.get(T), ...op.f64mul, ...op.f64add, ...op.set(S),
      ...op.get(M), ...op.get(K), ...op.add,
      ...param(0), ...ld(M), ...op.f64mul, ...param(1), ...op.get(G), ...op.f64mul, ...op.f64add, ...op.tee(MK),
      ...op.f32demote, ...op.f32store,
      ...op.get(V), ...op.get(K), ...op.add,
      ...param(2), ...ld(V), ...op.f64mul, ...param(3), ...op.get(G), ...op.f64mul, ...op.get(G), ...op.f64mul, ...op.f64add, ...op.tee(VK),
      ...op.f32demote, ...op.f32store,
      ...op.get(TH), ...op.get(K), ...op.add,
      ...op.get(T),
      ...param(4), ...op.get(MK), ...param(5), ...op.f64div, ...op.f64mul,
      ...op.get(VK), ...param(6), ...op.f64div, ...op.f64sqrt, ...param(7), ...op.f64add,
      ...op.f64div, ...op.f64sub, ...op.f32demote, ...op.f32store,
    ]),
    ...op.get(SQ), ...op.get(R), ...op.i32(1), ...op.shl, ...op.add, ...op.get(S), ...op.f64store,
  ]));
}

// rowScaleAdd(out*, lam*, v*, r, rEnd, dB): out_r += lam_r · v_r (out, v: row r's addresses).
function rowScaleAddBody(): number[] {
  const [OUT, LAM, VV, R, RE, DB, C, LV] = [0, 1, 2, 3, 4, 5, 6, 7];
  const at = (b: number) => [...op.get(b), ...op.get(C), ...op.add];
  return funcBody([[1, I32], [1, V128]], rangeLoop(R, RE, 4, [
    ...op.get(LAM), ...op.get(R), ...op.add, ...op.f32load, ...op.f32x4splat, ...op.set(LV),
    ...op.i32(0), ...op.set(C),
    ...laneLoop(C, DB, [...at(OUT), ...at(OUT), ...op.v128load(0), ...op.get(LV), ...at(VV), ...op.v128load(0), ...op.f32x4mul, ...op.f32x4add, ...op.v128store(0)]),
    ...op.get(OUT), ...op.get(DB), ...op.add, ...op.set(OUT),
    ...op.get(VV), ...op.get(DB), ...op.add, ...op.set(VV),
  ]));
}

/**
 * The conjugate-gradient solve's vector loops over elements [k, kEnd) (byte offsets), in float64 with
 * float32 stores — the arithmetic of cg.ts's JS loops — each sum written as one float64 at `out` (a
 * block's partial: the caller adds the blocks in order). prm: μ, α, β (float64).
 *   cgDot(a, b, k, kEnd, out)                 out = Σ a·b
 *   cgCurvature(p, hp, prm, k, kEnd, out)     out = Σ p·(hp + μp)
 *   cgStep(x, r, p, hp, prm, k, kEnd, out)    x += αp; r −= α(hp + μp); out = Σ r² (r before rounding)
 *   cgDirection(p, r, prm, k, kEnd)           p = r + βp
 */
function cgBody(kind: 'dot' | 'curvature' | 'step' | 'direction'): number[] {
  const names = {
    dot: ['A', 'B', 'K', 'KE', 'OUT'],
    curvature: ['P', 'HP', 'PR', 'K', 'KE', 'OUT'],
    step: ['X', 'R', 'P', 'HP', 'PR', 'K', 'KE', 'OUT'],
    direction: ['P', 'R', 'PR', 'K', 'KE'],
  }[kind];
  const a = Object.fromEntries(names.map((n, i) => [n, i])) as Record<string, number>;
  const [S, T, MU, AL, BE] = [0, 1, 2, 3, 4].map((i) => names.length + i);
  const ld = (arr: number) => [...op.get(arr), ...op.get(a.K), ...op.add, ...op.f32load, ...op.f64promote];
  const st = (arr: number, value: number[]) => [...op.get(arr), ...op.get(a.K), ...op.add, ...value, ...op.f32demote, ...op.f32store];
  const param = (k: number) => [...op.get(a.PR), ...f64at(8 * k)];
  const body: Record<typeof kind, number[]> = {
    dot: [...op.get(S), ...ld(a.A), ...ld(a.B), ...op.f64mul, ...op.f64add, ...op.set(S)],
    curvature: [...op.get(S), ...ld(a.P), ...ld(a.HP), ...op.get(MU), ...ld(a.P), ...op.f64mul, ...op.f64add, ...op.f64mul, ...op.f64add, ...op.set(S)],
    step: [
      ...st(a.X, [...ld(a.X), ...op.get(AL), ...ld(a.P), ...op.f64mul, ...op.f64add]),
      ...ld(a.R), ...op.get(AL), ...ld(a.HP), ...op.get(MU), ...ld(a.P), ...op.f64mul, ...op.f64add, ...op.f64mul, ...op.f64sub, ...op.set(T),
      ...st(a.R, op.get(T)),
      ...op.get(S), ...op.get(T), ...op.get(T), ...op.f64mul, ...op.f64add, ...op.set(S),
    ],
    direction: st(a.P, [...ld(a.R), ...op.get(BE), ...ld(a.P), ...op.f64mul, ...op.f64add]),
  };
  const setup = 'PR' in a ? [...param(0), ...op.set(MU), ...param(1), ...op.set(AL), ...param(2), ...op.set(BE)] : [];
  return funcBody([[5, F64]], [
    ...op.f64const(0), ...op.set(S),
    ...setup,
    ...rangeLoop(a.K, a.KE, 4, body[kind]),
    ...('OUT' in a ? [...op.get(a.OUT), ...op.get(S), ...op.f64store] : []),
  ]);
}

/** The kernels by name, with their parameter counts (all i32): the pool's instruction set. */
export const POOL_KERNELS = [
  { name: 'spmm', params: 8, body: spmmBody },
  { name: 'add', params: 4, body: addBody },
  { name: 'scale', params: 3, body: scaleBody },
  { name: 'dots', params: 8, body: dotsBody },
  { name: 'hvpWeights', params: 10, body: hvpWeightsBody },
  { name: 'gather1', params: 11, body: () => gatherBody(false) },
  { name: 'gather2', params: 13, body: () => gatherBody(true) },
  { name: 'regAdam', params: 10, body: regAdamBody },
  { name: 'rowScaleAdd', params: 6, body: rowScaleAddBody },
  { name: 'cgDot', params: 5, body: () => cgBody('dot') },
  { name: 'cgCurvature', params: 6, body: () => cgBody('curvature') },
  { name: 'cgStep', params: 8, body: () => cgBody('step') },
  { name: 'cgDirection', params: 5, body: () => cgBody('direction') },
] as const;

export type PoolKernelName = (typeof POOL_KERNELS)[number]['name'];
export const KERNEL_ID = Object.fromEntries(POOL_KERNELS.map((k, id) => [k.name, id])) as Record<PoolKernelName, number>;

/** The module's bytes, importing a shared (threads) or a plain memory. */
export function poolModuleBytes(memory: { shared: boolean; initialPages: number; maximumPages: number }): Uint8Array<ArrayBuffer> {
  return moduleImportingMemory(
    POOL_KERNELS.map((k) => ({ name: k.name, params: new Array(k.params).fill(I32), body: k.body() })),
    memory,
  );
}
