/**
 * "Utility against cost": one point per method, Recall@20 as a ratio to Retrain's against the request's
 * time, exact methods marked — and the caption that reads those points (never written ahead of them).
 */
import { fmt, fmtMs, fmtRatio } from './stats';

export interface CostPoint {
  name: string;
  label: string;
  colour: string;
  /** The request's time (the per-model work already done) and the first request's (it included). */
  ms: number;
  firstMs: number;
  recallRatio: number;
  /** Retrain's ms / ms. */
  speedup: number;
  exact: boolean;
  /** Sharded methods: shards retrained of shards. */
  shards?: { retrained: number; of: number };
}

interface ReportMethod {
  label: string;
  ms: number;
  firstRequestMs: number;
  recallRatio: number;
  speedup: number;
  exact?: boolean;
  shards?: number;
  shardsRetrained?: number;
}

/** The points of the landed methods that have both figures (the ratio needs Retrain's Recall@20). */
export function costPoints(methods: { name: string; colour: string }[], report: Record<string, ReportMethod>): CostPoint[] {
  const out: CostPoint[] = [];
  for (const m of methods) {
    const r = report[m.name];
    if (!r || !(r.ms > 0) || !Number.isFinite(r.recallRatio)) continue;
    out.push({
      name: m.name,
      label: r.label,
      colour: m.colour,
      ms: r.ms,
      firstMs: r.firstRequestMs,
      recallRatio: r.recallRatio,
      speedup: r.speedup,
      exact: r.exact === true,
      ...(r.shards ? { shards: { retrained: r.shardsRetrained ?? 0, of: r.shards } } : {}),
    });
  }
  return out;
}

/** "0.97–1.02", or one value when they print alike; a unit after the numbers ("×") is written once. */
const span = (xs: number[], show: (x: number) => string, unit = '') => {
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)].map((x) => show(x).replace(unit, ''));
  return `${lo === hi ? lo : `${lo}–${hi}`}${unit}`;
};

/** Where a method stands against Retrain, in words: "0.71 of Retrain's Recall@20 at 3.9× its speed". */
function stand(ps: CostPoint[]): string {
  const speed = span(ps.map((p) => p.speedup), fmtRatio, '×');
  return `${span(ps.map((p) => p.recallRatio), (x) => fmt(x, 2))} of Retrain's Recall@20 at ${speed} its speed`;
}

/**
 * The caption: where the exact partial retraining (sharded) methods and the approximate ones stand
 * against Retrain, and which trade-off the points show — "partial retraining damages performance"
 * (the exact sharded methods keep less utility than the approximate ones), or not, here; `pending`: the
 * labels of the methods still running (named; no verdict before they land).
 */
export function costCaption(points: CostPoint[], pending: string[] = []): string {
  const retrain = points.find((p) => p.name === 'retrain');
  if (!retrain) return 'Each point is a method: Recall@20 as a ratio to Retrain’s against its time. Retrain has not landed: the ratios come when it does.';
  const sharded = points.filter((p) => p.exact && p.name !== 'retrain');
  const approx = points.filter((p) => !p.exact);
  const parts = [`Retrain: 1 at ${fmtMs(retrain.ms)}`];
  for (const p of sharded) {
    const shards = p.shards ? ` (retrained ${p.shards.retrained} of ${p.shards.of} shards)` : '';
    parts.push(`${p.label}, exact: ${stand([p])}${shards}`);
  }
  if (approx.length) parts.push(`the approximate methods (${approx.map((p) => p.label).join(', ')}): ${stand(approx)}`);
  let verdict = '';
  if (sharded.length && approx.length) {
    const bestSharded = Math.max(...sharded.map((p) => p.recallRatio));
    const worstApprox = Math.min(...approx.map((p) => p.recallRatio));
    const fastestSharded = Math.max(...sharded.map((p) => p.speedup));
    const slowestApprox = Math.min(...approx.map((p) => p.speedup));
    const damaged = bestSharded < worstApprox - 0.02;
    verdict = damaged
      ? ` Here partial retraining damages utility: every sharded ensemble keeps less of Retrain's Recall@20 than every approximate method${slowestApprox > fastestSharded ? ', and costs more time' : ''}.`
      : bestSharded >= worstApprox + 0.02
        ? ' Here a sharded ensemble keeps more utility than some approximate method.'
        : ' Here the sharded ensembles and the approximate methods keep about the same utility.';
  }
  const firstOnly = sharded.filter((p) => p.firstMs > p.ms * 1.5);
  const oneOff = firstOnly.length
    ? ` The shards' one-off training is not in the points: ${firstOnly.map((p) => `${p.label}'s first request took ${fmtMs(p.firstMs)}`).join(', ')}.`
    : '';
  // Results land one by one: a method still running is named, and the verdict waits for it.
  const waiting = pending.length ? ` Still to land: ${pending.join(', ')}.` : '';
  return `Each point is a method (◆ exact) at the time of a repeated request: the one-off work per model (caches, shard training) is left out, so its speed-ups exceed the headline's, which time first requests. ${parts.join('; ')}.${pending.length ? '' : verdict}${oneOff}${waiting}`;
}
