/** The E2URec paper's metrics for click prediction: AUC, LogLoss and accuracy at 0.5. */
import { rocAuc } from './stats';

export interface CtrMetrics {
  auc: number;
  logloss: number;
  acc: number;
  /** Samples scored (positives + negatives). */
  n: number;
}

/** Metrics of logits against 0/1 labels. LogLoss clips probabilities to [1e-7, 1 − 1e-7]. */
export function ctrMetrics(logits: ArrayLike<number>, labels: ArrayLike<number>): CtrMetrics {
  const n = logits.length;
  if (labels.length !== n) throw new Error('ctrMetrics: length mismatch');
  if (n === 0) return { auc: NaN, logloss: NaN, acc: NaN, n: 0 };
  const pos: number[] = [];
  const neg: number[] = [];
  let ll = 0;
  let correct = 0;
  for (let k = 0; k < n; k++) {
    const z = logits[k];
    const y = labels[k];
    const p = Math.min(1 - 1e-7, Math.max(1e-7, 1 / (1 + Math.exp(-z))));
    ll -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    if ((z > 0 ? 1 : 0) === y) correct++;
    (y > 0.5 ? pos : neg).push(z);
  }
  return { auc: rocAuc(pos, neg), logloss: ll / n, acc: correct / n, n };
}
