import { describe, expect, it } from 'vitest';
import { mean, median, overlap, pearson, rocAuc, rowCosine, rowNorm } from './stats';

describe('stats', () => {
  it('pearson matches a hand-computed value and is invariant to affine maps', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 1, 4, 3];
    // cov = (−1.5·−0.5 + −0.5·−1.5 + 0.5·1.5 + 1.5·0.5)/4 = 3/4; var = 5/4 each → r = 0.6
    expect(pearson(a, b)).toBeCloseTo(0.6, 12);
    expect(pearson(a, b.map((x) => -3 * x + 7))).toBeCloseTo(-0.6, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('rowCosine and rowNorm read the right row', () => {
    const a = new Float32Array([1, 0, 3, 4]);
    const b = new Float32Array([0, 1, 6, 8]);
    expect(rowCosine(a, b, 2, 0)).toBeCloseTo(0, 12);
    expect(rowCosine(a, b, 2, 1)).toBeCloseTo(1, 6);
    expect(rowNorm(a, 2, 1)).toBeCloseTo(5, 6);
  });

  it('median, mean and overlap', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([1, 2, 6])).toBe(3);
    expect(overlap([1, 2, 3, 4], [4, 3, 9, 8])).toBe(0.5);
  });

  it('rocAuc counts pairs, with ties as one half', () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1, 2], [3, 4])).toBe(0);
    // pairs: (2 vs 1) win, (2 vs 2) tie, (2 vs 3) loss, (5 vs all) 3 wins → (1 + .5 + 3)/6
    expect(rocAuc([2, 5], [1, 2, 3])).toBeCloseTo(4.5 / 6, 12);
  });
});
