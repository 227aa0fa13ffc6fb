/** Small statistics used by the unlearning metrics. NaN where undefined (n < 2, zero variance). */

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error('pearson: length mismatch');
  if (n < 2) return NaN;
  let ma = 0, mb = 0;
  for (let k = 0; k < n; k++) {
    ma += a[k];
    mb += b[k];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let k = 0; k < n; k++) {
    const x = a[k] - ma;
    const y = b[k] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Cosine of rows `row` of two row-major matrices with `d` columns; NaN if either row is zero. */
export function rowCosine(a: Float32Array, b: Float32Array, d: number, row: number): number {
  let ab = 0, aa = 0, bb = 0;
  for (let c = row * d; c < row * d + d; c++) {
    ab += a[c] * b[c];
    aa += a[c] * a[c];
    bb += b[c] * b[c];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : NaN;
}

export function rowNorm(a: Float32Array, d: number, row: number): number {
  let s = 0;
  for (let c = row * d; c < row * d + d; c++) s += a[c] * a[c];
  return Math.sqrt(s);
}

export function median(xs: ArrayLike<number>): number {
  const v = Array.from(xs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k];
  return s / xs.length;
}

/**
 * ROC AUC of `pos` vs `neg` scores (probability a random positive outscores a random negative,
 * ties count ½), by sorting: O((p + q) log(p + q)).
 */
export function rocAuc(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  if (pos.length === 0 || neg.length === 0) return NaN;
  const all = [
    ...Array.from(pos, (s) => ({ s, p: 1 })),
    ...Array.from(neg, (s) => ({ s, p: 0 })),
  ].sort((x, y) => x.s - y.s);
  let rankSumPos = 0;
  for (let k = 0; k < all.length; ) {
    let e = k;
    while (e < all.length && all[e].s === all[k].s) e++;
    const avgRank = (k + 1 + e) / 2; // ranks k+1..e share their mean
    for (let j = k; j < e; j++) if (all[j].p) rankSumPos += avgRank;
    k = e;
  }
  const p = pos.length;
  return (rankSumPos - (p * (p + 1)) / 2) / (p * neg.length);
}

/** |A ∩ B| / |A| for two top-K lists of equal length. */
export function overlap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0) return NaN;
  const s = new Set(Array.from(b));
  let c = 0;
  for (let k = 0; k < a.length; k++) if (s.has(a[k])) c++;
  return c / a.length;
}
