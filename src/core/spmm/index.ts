/**
 * Sparse propagation as tfjs custom ops, differentiable to any order:
 *  - CsrSpmm        y = Â x                      grad: Â dy        (Â symmetric)
 *  - CsrPropagate   y = mean_{k=0..K} Â^k x      grad: same op on dy (a symmetric operator)
 *  - GatherRows     y = x[idx]                   grad: ScatterAddRows(dy, idx)
 *  - ScatterAddRows y = Σ_b e_{idx[b]} x[b]      grad: GatherRows(dy, idx)
 *  - RowDot         y[b] = a[b] · c[b]             grad: dy[b] c[b], dy[b] a[b]
 * GatherRows/ScatterAddRows replace tf.gather, whose gradient (UnsortedSegmentSum) is
 * O(rows × batch) on the cpu backend and missing on wasm. RowDot replaces tf.sum(tf.mul(a, c), 1),
 * whose gradient (tfjs-core's Sum) builds ones(a.shape) on the CPU: on webgpu, an upload of a
 * batch × d table for every such sum in every backward pass (4 per training step, 2 MB at batch 2048).
 * Kernels: for 'cpu' and 'wasm', the typed-array kernels of ./kernel (WebAssembly SIMD when
 * d % 16 == 0, plain JS otherwise) on the backend's own arrays; for 'webgpu', WGSL programs
 * (./webgpu) and, for gather/scatter, the backend's GatherV2 / UnsortedSegmentSum kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../types';
import { gatherRowsCpu, propagateMeanCpu, scatterAddRowsCpu, spmmCpu } from './kernel';
import { CsrSpmmProgram, LayerMeanProgram, type WebGPUProgramLike } from './webgpu';

export { spmmCpu, propagateMeanCpu, gatherRowsCpu, scatterAddRowsCpu, scatterRowsCpu } from './kernel';
export type { Csr } from './kernel';

export const CSR_SPMM = 'CsrSpmm';
export const CSR_PROPAGATE = 'CsrPropagate';
export const GATHER_ROWS = 'GatherRows';
export const SCATTER_ADD_ROWS = 'ScatterAddRows';
export const ROW_DOT = 'RowDot';

/** Â on the current backend, ready for spmm/propagate. Kept outside any tf.tidy; call dispose(). */
export interface GraphTensors {
  graph: Graph;
  indptr: tf.Tensor1D;
  indices: tf.Tensor1D;
  values: tf.Tensor1D;
  dispose(): void;
}

export function graphTensors(g: Graph): GraphTensors {
  const indptr = tf.keep(tf.tensor1d(g.indptr, 'int32'));
  const indices = tf.keep(tf.tensor1d(g.indices, 'int32'));
  const values = tf.keep(tf.tensor1d(g.values, 'float32'));
  return {
    graph: g,
    indptr,
    indices,
    values,
    dispose() {
      indptr.dispose();
      indices.dispose();
      values.dispose();
    },
  };
}

type NamedInputs = Record<string, tf.Tensor>;

function csrInputs(g: GraphTensors | { indptr: tf.Tensor; indices: tf.Tensor; values: tf.Tensor }) {
  return { indptr: g.indptr, indices: g.indices, values: g.values };
}

/** y = Â x, differentiable (and twice). */
export function spmm(g: GraphTensors, x: tf.Tensor2D): tf.Tensor2D {
  registerSpmmKernels();
  return runSpmm(csrInputs(g), x);
}

/** y = (1/(K+1)) Σ_{k=0..K} Â^k x in one op; differentiable (and twice). */
export function propagateMean(g: GraphTensors, x: tf.Tensor2D, layers: number): tf.Tensor2D {
  registerSpmmKernels();
  return runPropagate(csrInputs(g), x, layers);
}

/** y = x[idx] (rows), idx int32; differentiable (and twice) w.r.t. x. */
export function gatherRows(x: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  registerSpmmKernels();
  return tf.engine().runKernel(GATHER_ROWS, { x, idx } as NamedInputs, { numRows: x.shape[0] }) as tf.Tensor2D;
}

/** y (numRows × d) with y[idx[b]] += x[b]; differentiable (and twice) w.r.t. x. */
export function scatterAddRows(x: tf.Tensor2D, idx: tf.Tensor1D, numRows: number): tf.Tensor2D {
  registerSpmmKernels();
  return tf.engine().runKernel(SCATTER_ADD_ROWS, { x, idx } as NamedInputs, { numRows }) as tf.Tensor2D;
}

/** y[b] = a[b] · c[b] for row-major a, c (batch × d); differentiable (and twice). */
export function rowDot(a: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor1D {
  registerSpmmKernels();
  return tf.engine().runKernel(ROW_DOT, { a, c } as NamedInputs, {}) as tf.Tensor1D;
}

function runSpmm(csr: { indptr: tf.Tensor; indices: tf.Tensor; values: tf.Tensor }, x: tf.Tensor): tf.Tensor2D {
  return tf.engine().runKernel(CSR_SPMM, { ...csr, x } as NamedInputs, {}) as tf.Tensor2D;
}

function runPropagate(
  csr: { indptr: tf.Tensor; indices: tf.Tensor; values: tf.Tensor },
  x: tf.Tensor,
  layers: number,
): tf.Tensor2D {
  return tf.engine().runKernel(CSR_PROPAGATE, { ...csr, x } as NamedInputs, { layers }) as tf.Tensor2D;
}

// ---- kernels for 'cpu' and 'wasm': typed arrays in, typed array out -------------------------

interface CpuLikeBackend {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}
interface WasmLikeBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Allocate the output, then view the inputs (on wasm, allocation can grow the heap and detach
 *  older views, so inputs are viewed only after the output exists). */
function withArrays(
  backend: unknown,
  inputs: tf.TensorInfo[],
  outShape: number[],
  compute: (arrays: (Float32Array | Int32Array)[], out: Float32Array) => void,
): tf.TensorInfo {
  const size = outShape.reduce((a, b) => a * b, 1);
  if ('typedArrayFromHeap' in (backend as object)) {
    const wasm = backend as WasmLikeBackend;
    const info = wasm.makeOutput(outShape, 'float32');
    const arrays = inputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array | Int32Array);
    compute(arrays, wasm.typedArrayFromHeap(info) as Float32Array);
    return info;
  }
  const cpu = backend as CpuLikeBackend;
  const arrays = inputs.map((t) => cpu.readSync(t.dataId) as Float32Array | Int32Array);
  const out = new Float32Array(size);
  compute(arrays, out);
  return cpu.makeTensorInfo(outShape, 'float32', out);
}

const jsKernels: Record<string, tf.KernelFunc> = {
  [CSR_SPMM]: ({ inputs, backend }) => {
    const { indptr, indices, values, x } = inputs as Record<string, tf.TensorInfo>;
    const [n, d] = x.shape;
    return withArrays(backend, [indptr, indices, values, x], [n, d], ([ip, ix, v, xs], out) => {
      spmmCpu({ indptr: ip as Int32Array, indices: ix as Int32Array, values: v as Float32Array }, xs as Float32Array, d, out);
    });
  },
  [CSR_PROPAGATE]: ({ inputs, backend, attrs }) => {
    const { indptr, indices, values, x } = inputs as Record<string, tf.TensorInfo>;
    const layers = (attrs as { layers: number }).layers;
    const [n, d] = x.shape;
    return withArrays(backend, [indptr, indices, values, x], [n, d], ([ip, ix, v, xs], out) => {
      const csr = { indptr: ip as Int32Array, indices: ix as Int32Array, values: v as Float32Array };
      propagateMeanCpu(csr, xs as Float32Array, d, layers, out);
    });
  },
  [GATHER_ROWS]: ({ inputs, backend }) => {
    const { x, idx } = inputs as Record<string, tf.TensorInfo>;
    const d = x.shape[1];
    return withArrays(backend, [x, idx], [idx.shape[0], d], ([xs, is], out) => {
      gatherRowsCpu(xs as Float32Array, d, is as Int32Array, out);
    });
  },
  [SCATTER_ADD_ROWS]: ({ inputs, backend, attrs }) => {
    const { x, idx } = inputs as Record<string, tf.TensorInfo>;
    const numRows = (attrs as { numRows: number }).numRows;
    const d = x.shape[1];
    return withArrays(backend, [x, idx], [numRows, d], ([xs, is], out) => {
      out.fill(0);
      scatterAddRowsCpu(xs as Float32Array, d, is as Int32Array, numRows, out);
    });
  },
  [ROW_DOT]: ({ inputs, backend }) => {
    const { a, c } = inputs as Record<string, tf.TensorInfo>;
    const [rows, d] = a.shape;
    return withArrays(backend, [a, c], [rows], ([as, cs], out) => {
      for (let b = 0; b < rows; b++) {
        let s = 0;
        for (let k = b * d; k < b * d + d; k++) s += as[k] * cs[k];
        out[b] = s;
      }
    });
  },
};

// ---- kernels for 'webgpu' -------------------------------------------------------------------

interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgramLike, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

function delegate(kernelName: string, args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const k = tf.getKernel(kernelName, 'webgpu');
  if (!k) throw new Error(`webgpu backend has no ${kernelName} kernel`);
  return k.kernelFunc(args) as tf.TensorInfo;
}

const webgpuKernels: Record<string, tf.KernelFunc> = {
  [CSR_SPMM]: ({ inputs, backend }) => {
    const { indptr, indices, values, x } = inputs as Record<string, tf.TensorInfo>;
    const gpu = backend as unknown as WebGPUBackendLike;
    return gpu.runWebGPUProgram(new CsrSpmmProgram(x.shape[0], x.shape[1]), [indptr, indices, values, x], 'float32');
  },
  [CSR_PROPAGATE]: ({ inputs, backend, attrs }) => {
    const { indptr, indices, values, x } = inputs as Record<string, tf.TensorInfo>;
    const layers = (attrs as { layers: number }).layers;
    const gpu = backend as unknown as WebGPUBackendLike;
    const hops: tf.TensorInfo[] = [x];
    for (let k = 0; k < layers; k++) {
      const program = new CsrSpmmProgram(x.shape[0], x.shape[1]);
      hops.push(gpu.runWebGPUProgram(program, [indptr, indices, values, hops[k]], 'float32'));
    }
    const out = gpu.runWebGPUProgram(new LayerMeanProgram(x.shape, hops.length), hops, 'float32');
    for (let k = 1; k < hops.length; k++) gpu.disposeData(hops[k].dataId);
    return out;
  },
  [GATHER_ROWS]: ({ inputs, backend }) => {
    const { x, idx } = inputs as Record<string, tf.TensorInfo>;
    return delegate('GatherV2', { inputs: { x, indices: idx }, backend, attrs: { axis: 0, batchDims: 0 } });
  },
  [SCATTER_ADD_ROWS]: ({ inputs, backend, attrs }) => {
    const { x, idx } = inputs as Record<string, tf.TensorInfo>;
    const numSegments = (attrs as { numRows: number }).numRows;
    return delegate('UnsortedSegmentSum', { inputs: { x, segmentIds: idx }, backend, attrs: { numSegments } });
  },
  [ROW_DOT]: ({ inputs, backend }) => {
    const { a, c } = inputs as Record<string, tf.TensorInfo>;
    const prod = delegate('Multiply', { inputs: { a, b: c }, backend, attrs: {} });
    const out = delegate('Sum', { inputs: { x: prod }, backend, attrs: { axis: [1], keepDims: false } });
    (backend as unknown as WebGPUBackendLike).disposeData(prod.dataId);
    return out;
  },
};

// ---- registration ---------------------------------------------------------------------------

let registered = false;

/** Registers the four ops' kernels for 'cpu', 'wasm' and 'webgpu', and their gradients. Idempotent. */
export function registerSpmmKernels(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of Object.entries(jsKernels)) {
    for (const backendName of ['cpu', 'wasm']) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
    }
  }
  for (const [kernelName, kernelFunc] of Object.entries(webgpuKernels)) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  }
  const csrSaved = ['indptr', 'indices', 'values'];
  const csrOf = (saved: tf.Tensor[]) => ({ indptr: saved[0], indices: saved[1], values: saved[2] });
  tf.registerGradient({
    kernelName: CSR_SPMM,
    inputsToSave: csrSaved,
    gradFunc: (dy, saved) => ({ x: () => runSpmm(csrOf(saved), dy as tf.Tensor) }),
  });
  tf.registerGradient({
    kernelName: CSR_PROPAGATE,
    inputsToSave: csrSaved,
    gradFunc: (dy, saved, attrs) => ({
      x: () => runPropagate(csrOf(saved), dy as tf.Tensor, (attrs as unknown as { layers: number }).layers),
    }),
  });
  tf.registerGradient({
    kernelName: GATHER_ROWS,
    inputsToSave: ['idx'],
    gradFunc: (dy, saved, attrs) => ({
      x: () => scatterAddRows(dy as tf.Tensor2D, saved[0] as tf.Tensor1D, (attrs as unknown as { numRows: number }).numRows),
    }),
  });
  tf.registerGradient({
    kernelName: SCATTER_ADD_ROWS,
    inputsToSave: ['idx'],
    gradFunc: (dy, saved) => ({ x: () => gatherRows(dy as tf.Tensor2D, saved[0] as tf.Tensor1D) }),
  });
  tf.registerGradient({
    kernelName: ROW_DOT,
    inputsToSave: ['a', 'c'],
    gradFunc: (dy, saved) => {
      const col = () => tf.expandDims(dy as tf.Tensor1D, 1);
      return { a: () => tf.mul(col(), saved[1]), c: () => tf.mul(col(), saved[0]) };
    },
  });
}
