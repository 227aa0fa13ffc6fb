/**
 * WGSL programs for the webgpu backend, in the shape its public `runWebGPUProgram(program,
 * inputs, dtype)` expects (see tfjs-backend-webgpu/dist/webgpu_program.d.ts). Inputs are bound
 * as storage arrays named after `variableNames`; `uniforms.size` is the output size and
 * `uniforms.outShape` its shape; `setOutputAtIndex` writes one output element.
 */

export interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  getUserCode(): string;
}

const WORKGROUP = 64;

function flatDispatch(outputShape: number[]): [number, number, number] {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return [Math.ceil(size / WORKGROUP), 1, 1];
}

/** y = A · X for CSR A; one invocation per output element (row, column), so the invocations of
 *  a workgroup share a row and read consecutive columns of X. */
export class CsrSpmmProgram implements WebGPUProgramLike {
  variableNames = ['indptr', 'indices', 'values', 'X'];
  outputShape: number[];
  shaderKey = 'csrSpmm';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(n: number, d: number) {
    this.outputShape = [n, d];
    this.dispatchLayout = { x: [0, 1] };
    this.dispatch = flatDispatch(this.outputShape);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let d = uniforms.outShape.y;
          let row = index / d;
          let col = index - row * d;
          let start = indptr[row];
          let end = indptr[row + 1];
          var acc = 0.0;
          for (var j = start; j < end; j = j + 1) {
            acc = acc + values[j] * X[indices[j] * d + col];
          }
          setOutputAtIndex(index, acc);
        }
      }
    `;
  }
}

/** y = (X0 + … + X_{m-1}) / m, elementwise: the layer mean of LightGCN. */
export class LayerMeanProgram implements WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  size = true;

  constructor(shape: number[], count: number) {
    this.variableNames = Array.from({ length: count }, (_, k) => `X${k}`);
    this.outputShape = shape.slice();
    this.shaderKey = `layerMean${count}`;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = flatDispatch(this.outputShape);
  }

  getUserCode(): string {
    const sum = this.variableNames.map((v) => `${v}[index]`).join(' + ');
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, (${sum}) * ${(1 / this.variableNames.length).toFixed(9)});
        }
      }
    `;
  }
}
