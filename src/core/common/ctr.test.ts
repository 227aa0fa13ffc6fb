import { describe, expect, it } from 'vitest';
import { ctrMetrics } from './ctr';

describe('ctrMetrics', () => {
  it('computes AUC, LogLoss and accuracy by hand on a small example', () => {
    const logits = [2, -1, 0.5, 1, -3];
    const labels = [1, 0, 0, 1, 0];
    const m = ctrMetrics(logits, labels);
    // positives {2, 1}, negatives {−1, 0.5, −3}: all 6 pairs ordered correctly
    expect(m.auc).toBe(1);
    // predictions 1,0,1,1,0 → 4/5 correct
    expect(m.acc).toBeCloseTo(0.8, 12);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const ll = -(Math.log(sig(2)) + Math.log(1 - sig(-1)) + Math.log(1 - sig(0.5)) + Math.log(sig(1)) + Math.log(1 - sig(-3))) / 5;
    expect(m.logloss).toBeCloseTo(ll, 6);
    expect(m.n).toBe(5);
  });

  it('AUC 0 when every negative outranks every positive; NaN without a class', () => {
    expect(ctrMetrics([-1, 3], [1, 0]).auc).toBe(0);
    expect(ctrMetrics([1, 2], [1, 1]).auc).toBeNaN();
  });
});
