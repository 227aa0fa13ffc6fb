/** Shared array types and element loops of the CPU kernels. */

/** The CSR arrays of a square sparse matrix; `Graph` satisfies it. */
export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

// Element loops live in small shared functions: V8 optimises a hot callee quickly, while the
// same loop inlined in a rarely-called function can run several times slower.
export function addInto(acc: Float64Array, h: Float32Array): void {
  for (let i = 0; i < h.length; i++) acc[i] += h[i];
}

export function scaleInto(y: Float32Array, acc: Float64Array, scale: number): void {
  for (let i = 0; i < y.length; i++) y[i] = acc[i] * scale;
}
