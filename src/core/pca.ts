/**
 * Two-component PCA of embedding rows, fitted once (on the original model) and reused as fixed axes,
 * so every method's embeddings are drawn in the same coordinates.
 */
export interface Pca2 {
  dim: number;
  mean: Float32Array;
  /** Two orthonormal principal directions, row-major 2×dim. */
  axes: Float32Array;
  /** Variance explained by each axis. */
  variance: [number, number];
  /** Total variance of the rows (the covariance's trace): each axis's share is variance / total. */
  totalVariance: number;
}

/** Fits the top-2 principal directions of the given rows (all rows when `rows` is omitted) by power
 *  iteration with deflation on the dim×dim covariance (deterministic start vector). */
export function fitPca2(X: Float32Array, dim: number, rows?: ArrayLike<number>): Pca2 {
  const n = rows ? rows.length : X.length / dim;
  const row = (k: number) => (rows ? rows[k] : k);
  const mean = new Float32Array(dim);
  for (let k = 0; k < n; k++) {
    const o = row(k) * dim;
    for (let j = 0; j < dim; j++) mean[j] += X[o + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= Math.max(1, n);
  const C = new Float64Array(dim * dim);
  const c = new Float64Array(dim);
  for (let k = 0; k < n; k++) {
    const o = row(k) * dim;
    for (let j = 0; j < dim; j++) c[j] = X[o + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      const r = a * dim;
      for (let b = a; b < dim; b++) C[r + b] += ca * c[b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) C[b * dim + a] = C[a * dim + b] /= Math.max(1, n - 1);
  let totalVariance = 0;
  for (let a = 0; a < dim; a++) totalVariance += C[a * dim + a];

  const axes = new Float32Array(2 * dim);
  const variance: [number, number] = [0, 0];
  for (let comp = 0; comp < 2; comp++) {
    let v = new Float64Array(dim);
    for (let j = 0; j < dim; j++) v[j] = 1 + ((j * 7919) % 13) / 13; // fixed, generic start
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        const r = a * dim;
        for (let b = 0; b < dim; b++) s += C[r + b] * v[b];
        w[a] = s;
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      for (let j = 0; j < dim; j++) w[j] /= norm;
      const delta = w.reduce((acc, x, j) => acc + Math.abs(x - v[j]), 0);
      v = w;
      lambda = norm;
      if (delta < 1e-10) break;
    }
    // Sign convention: the largest-magnitude coordinate is positive, so axes do not flip between runs.
    let big = 0;
    for (let j = 1; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    const sign = v[big] < 0 ? -1 : 1;
    for (let j = 0; j < dim; j++) axes[comp * dim + j] = sign * v[j];
    variance[comp] = lambda;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) C[a * dim + b] -= lambda * v[a] * v[b];
  }
  return { dim, mean, axes, variance, totalVariance };
}

/** Projects the given rows onto the two axes; returns [x0, y0, x1, y1, …]. */
export function projectPca2(p: Pca2, X: Float32Array, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * 2);
  const { dim, mean, axes } = p;
  for (let k = 0; k < rows.length; k++) {
    const o = rows[k] * dim;
    let x = 0;
    let y = 0;
    for (let j = 0; j < dim; j++) {
      const c = X[o + j] - mean[j];
      x += c * axes[j];
      y += c * axes[dim + j];
    }
    out[2 * k] = x;
    out[2 * k + 1] = y;
  }
  return out;
}
