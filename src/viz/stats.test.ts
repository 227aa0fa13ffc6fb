import { describe, expect, it } from 'vitest';
import { fmt, median, pearson } from './stats';

describe('chart summaries', () => {
  it('pearson is 1 for a linear relation, −1 reversed, 0 for orthogonal patterns', () => {
    expect(pearson([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, -1, 1, -1], [1, 1, -1, -1])).toBeCloseTo(0, 12);
  });
  it('median ignores non-finite values', () => {
    expect(median([3, NaN, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('fmt switches to exponent for tiny values', () => {
    expect(fmt(0.00012)).toBe('1.2e-4');
    expect(fmt(0.5, 2)).toBe('0.50');
  });
});
