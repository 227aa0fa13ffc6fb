/**
 * The result as the exports write it: the rows of the page's tables (each method, the original model,
 * the proximal reference, the noise floor) and the same notes and headline the page shows, so a figure
 * that differs from its twin says why in the file too.
 */
import type { ExplorerResult } from '../../workers/protocol';
import type { HeadlineRow } from './headline';
import type { TwinNote } from './twins';

/** `status`: the run's (running, complete, cancelled, failed); `labels`: every method's label, for the
 *  rows of those that have not landed (they carry their status only). */
export function resultRows(result: ExplorerResult, status: string, labels: Record<string, string>, notes: TwinNote[]): Record<string, unknown>[] {
  const { report } = result;
  const note = (key: TwinNote['key']) => notes.find((n) => n.key === key)?.text ?? '';
  const rows: Record<string, unknown>[] = result.methods.map((m) => {
    const r = report.methods[m.name];
    return {
      method: m.name,
      label: m.label,
      status: 'landed',
      ms: r.ms,
      speedup: r.speedup,
      recall20: r.recall20,
      ndcg20: r.ndcg20,
      auc: r.auc,
      forgetInTop20: r.forgetInTop20,
      forgetMeanRank: r.forgetMeanRank,
      miaAuc: r.miaAuc,
      top20Overlap: r.top20Overlap,
      scoreCorr: r.scoreCorr,
      exact: r.exact ?? false,
      shardsRetrained: r.shards ? `${r.shardsRetrained} of ${r.shards}` : '',
      // An ensemble's fidelity and movement are not numbers (another model family), and say so.
      ...(r.notComparable
        ? Object.fromEntries(['paramRelErr', 'paramCos', 'scoreRelErr', 'movementPearson', 'movementCos', 'movementPerHop'].map((k) => [k, 'not comparable']))
        : {
            paramRelErr: r.fidelity.paramRelErr,
            paramCos: r.fidelity.paramCos,
            scoreRelErr: r.fidelity.scoreRelErr,
            movementPearson: r.movementPearson,
            movementCos: r.movementCos,
            movementPerHop: r.movementPerHop,
          }),
      hessian: r.hessian ?? '',
      hvps: r.hvps ?? '',
      cgIters: r.cgIters ?? '',
      rowsTouched: r.rowsTouched,
      firstRequestMs: r.firstRequestMs,
      speedupFirst: r.speedupFirst,
      // A unit of time (the original training's mean epoch), not a count of epochs run.
      timeInOriginalEpochs: r.epochEquivalents,
      timeInOriginalEpochsFirst: r.epochEquivalentsFirst,
      notes: r.notes.join(' | '),
    };
  });
  const missing = report.pending.filter((n) => n !== 'noise floor').map((n) => ({ method: n, label: labels[n] ?? n, status: status === 'running' ? 'running' : 'not run' }));
  rows.push(...missing);
  const o = report.original;
  // After the methods, so the columns keep the methods' order (the original has no time).
  rows.push({
    method: 'original',
    label: 'Original (before)',
    recall20: o.recall20,
    ndcg20: o.ndcg20,
    auc: o.auc,
    forgetInTop20: o.forgetInTop20,
    forgetMeanRank: o.forgetMeanRank,
    miaAuc: o.miaAuc,
    notes: [`scored as the methods are (remaining training interactions masked); as trained (all masked): Recall@20 ${o.asTrained.recall20}`, note('original-recall')].filter(Boolean).join(' | '),
  });
  const ref = report.reference;
  if (ref) {
    rows.push({
      method: 'reference',
      label: 'Proximal reference',
      ms: ref.ms,
      recall20: ref.model.recall20,
      ndcg20: ref.model.ndcg20,
      auc: ref.model.auc,
      forgetInTop20: ref.model.forgetInTop20,
      forgetMeanRank: ref.model.forgetMeanRank,
      miaAuc: ref.model.miaAuc,
      top20Overlap: ref.model.top20Overlap,
      paramRelErr: 0,
      paramCos: 1,
      scoreRelErr: 0,
      movementPerHop: ref.movementPerHop,
      notes: `a yardstick, not a method: θ̂ + Δ_ref on the new graph (removed users reset), μ = ${ref.mu}; ms = its two L-BFGS runs (${ref.iterations} iterations)`,
    });
    if (ref.noiseFloor) {
      rows.push({
        method: 'noise-floor',
        label: 'Noise floor (scratch, all data, seed + 1)',
        recall20: ref.noiseFloor.recall20,
        top20Overlap: ref.noiseFloor.top20Overlap,
        scoreCorr: ref.noiseFloor.scoreCorr,
        paramRelErr: ref.noiseFloor.fidelity.paramRelErr,
        movementPerHop: ref.noiseFloor.movementPerHop,
        notes: ['top20Overlap and scoreCorr against the original model', note('noise-floor')].filter(Boolean).join(' | '),
      });
    }
  }
  return rows;
}

export function resultJson(result: ExplorerResult, url: string, status: string, notes: TwinNote[], headline: { rows: HeadlineRow[]; sentence: string }): string {
  const { report } = result;
  return JSON.stringify(
    { url, status, complete: report.complete, pending: report.pending, report, headline, notes, centreUser: result.centreUser, forgottenItems: result.forgottenItems, topBefore: result.topBefore, topAfter: result.topAfter },
    null,
    2,
  );
}
