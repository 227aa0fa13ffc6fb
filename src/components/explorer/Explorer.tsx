import { useEffect, useRef, useState } from 'react';
import { useStore } from '../../store';
import { download, toCsv } from '../../viz/export';
import { fmt } from '../../viz/stats';
import { headlineLine, type HeadlineContext } from '../../viz/captions';
import { StationarityNote } from './Laws';
import { Term } from '../Term';
import { seriesOptions } from './NeighbourhoodGraph';
import { ResultFigures } from './ResultFigures';
import type { ExplorerResult } from '../../../workers/protocol';
import { PendingRows, ResultStatus } from './ResultStatus';

/** One CSV row per method: the landed ones with their figures, the others with their status only. */
function resultRows(result: ExplorerResult, status: string, labels: Record<string, string>) {
  const landed = result.methods.map((m) => {
    const r = result.report.methods[m.name];
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
      paramRelErr: r.fidelity.paramRelErr,
      paramCos: r.fidelity.paramCos,
      scoreRelErr: r.fidelity.scoreRelErr,
      movementPearson: r.movementPearson,
      movementCos: r.movementCos,
      movementPerHop: r.movementPerHop,
      hessian: r.hessian ?? '',
      hvps: r.hvps ?? '',
      cgIters: r.cgIters ?? '',
      rowsTouched: r.rowsTouched,
      firstRequestMs: r.firstRequestMs,
      speedupFirst: r.speedupFirst,
      notes: r.notes.join(' | '),
    };
  });
  const missing = result.report.pending.filter((n) => n !== 'noise floor').map((n) => ({ method: n, label: labels[n] ?? n, status: status === 'running' ? 'running' : 'not run' }));
  return [...landed, ...missing];
}

/** "Copy link" says what happened, on the button and to a screen reader. */
function CopyLink({ incomplete }: { incomplete: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()} title="The link reproduces this experiment">
        {state === 'copied' ? 'Link copied ✓' : 'Copy link'}
      </button>
      <span role="status" className="copy-status">
        {state === 'copied' ? `Link copied: it reproduces this experiment.${incomplete}` : state === 'failed' ? 'Could not copy; the link is in the address bar.' : ''}
      </span>
    </>
  );
}

export function Explorer() {
  const result = useStore((s) => s.result);
  const status = useStore((s) => s.resultStatus);
  const map = useStore((s) => s.map);
  const methodInfo = useStore((s) => s.methodInfo);
  const [series, setSeries] = useState('reference');
  const heading = useRef<HTMLHeadingElement>(null);

  // New results take the focus from the Forget button (or from nowhere, when a run started from a link);
  // a user who acted in the tour stays in the tour.
  useEffect(() => {
    if (!result) return;
    const active = document.activeElement;
    if (!active || active === document.body || (active as HTMLElement).dataset?.testid === 'unlearn') heading.current?.focus();
  }, [result]);

  if (!map || !result) return null;
  const colourOptions = seriesOptions(result);
  const colourSeries = colourOptions.some((o) => o.name === series) ? series : (colourOptions[0]?.name ?? 'reference');
  const { report } = result;
  const base = report.reference?.baselines;
  const ctx: HeadlineContext = {
    retrain: report.methods.retrain,
    retrainPending: report.pending.includes('retrain'),
    original: report.original,
    prepMs: report.prepMs,
    baselines: base
      ? [
          { label: 'no update (graph only)', paramRelErr: base.graphOnly.fidelity.paramRelErr },
          { label: 'random', paramRelErr: base.random.fidelity.paramRelErr },
          { label: 'oracle-scaled gradient', paramRelErr: base.scaledGradient.fidelity.paramRelErr },
        ]
      : undefined,
  };
  const lines = result.methods.map((m) => {
    const r = report.methods[m.name];
    return { name: m.name, ...headlineLine(m.name, { ...r, ...r.fidelity }, ctx) };
  });
  const exportJson = () =>
    download(
      'unlearning-result.json',
      new Blob([JSON.stringify({ url: window.location.href, status, complete: report.complete, pending: report.pending, report, centreUser: result.centreUser, forgottenItems: result.forgottenItems, topBefore: result.topBefore, topAfter: result.topAfter }, null, 2)], {
        type: 'application/json',
      }),
    );
  const exportCsv = () =>
    download('unlearning-result.csv', new Blob([toCsv(resultRows(result, status ?? 'complete', Object.fromEntries(methodInfo.map((m) => [m.name, m.label]))))], { type: 'text/csv' }));

  return (
    <div className="explorer" data-testid="explorer" data-status={status ?? undefined}>
      <section className="panel result-summary" aria-labelledby="results-h">
        <h2 id="results-h" tabIndex={-1} ref={heading}>
          Results
        </h2>
        <p>
          <strong>Forgot {report.request}</strong> — {report.forgotten} interactions
          {report.removedUsers > 0 ? ' (the user is gone: their row is reset as Retrain leaves it and left out of movement statistics)' : ''}.{' '}
        </p>
        <ResultStatus />
        <ul className="headline" data-testid="headline">
          {lines.map((l) => (
            <li key={l.name} data-method={l.name}>
              <strong>{l.label}</strong>: {l.time} · {l.fidelity} ·{' '}
              <span className={l.forgotten === false ? 'verdict-no' : undefined}>{l.forgot}</span>
            </li>
          ))}
          <PendingRows />
        </ul>
        <StationarityNote result={result} />
        <p className="muted">
          Fidelity is measured against the{' '}
          <strong>
            <Term name="proximal reference">proximal reference</Term>
          </strong>{' '}
          — the trained model re-solved on all data and on the
          remaining data, each held near it by a trust region of strength μ (the influence methods' damping), to convergence; their
          difference is what the deletion does within that horizon
          {report.reference
            ? ` (μ = ${report.reference.mu.toExponential(0)}, ${report.reference.iterations} L-BFGS iterations, gradient ${fmt(report.reference.gradRatio, 2)} × the deletion's${report.reference.converged ? '' : ', not converged'})`
            : ''}
          . Utility and forgetting are
          compared with <strong>scratch Retrain</strong>.
        </p>
        <div className="row">
          <button type="button" onClick={exportJson}>
            Export JSON
          </button>
          <button type="button" onClick={exportCsv}>
            Export CSV
          </button>
          <CopyLink
            incomplete={
              report.pending.length === 0
                ? ''
                : ` The results here are not complete (${status === 'running' ? 'still running' : 'not run'}: ${report.pending.join(', ')}); the link reruns every method.`
            }
          />
        </div>
      </section>
      <ResultFigures result={result} series={colourSeries} onSeries={setSeries} />
    </div>
  );
}
