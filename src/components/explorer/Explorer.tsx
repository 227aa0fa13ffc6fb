import { useState } from 'react';
import { useStore } from '../../store';
import { download, toCsv } from '../../viz/export';
import { fmt } from '../../viz/stats';
import { headlineLine, type HeadlineContext } from '../../viz/captions';
import { EmbeddingMap } from './EmbeddingMap';
import { FidelityChart, HorizonChart } from './FidelityCharts';
import { NeighbourhoodGraph } from './NeighbourhoodGraph';
import { HopChart, MetricsChart, MovementScatter, ScratchLesson, TopLists } from './charts';
import { TransformerPanel } from './TransformerPanel';
import type { ExplorerResult } from '../../../workers/protocol';

function resultRows(result: ExplorerResult) {
  return result.methods.map((m) => {
    const r = result.report.methods[m.name];
    return {
      method: m.name,
      label: m.label,
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
      notes: r.notes.join(' | '),
    };
  });
}

export function Explorer() {
  const result = useStore((s) => s.result);
  const map = useStore((s) => s.map);
  const [series, setSeries] = useState('reference');
  const [arrowMethod, setArrowMethod] = useState('ifru');

  if (!map) return null;
  if (!result) {
    return (
      <div className="explorer">
        <EmbeddingMap series={arrowMethod} />
      </div>
    );
  }
  const colourSeries = series === 'reference' || result.movement[series] ? series : result.reference ? 'reference' : result.methods[0].name;
  const arrows = result.arrows.after[arrowMethod] ? arrowMethod : result.methods[result.methods.length - 1].name;
  const { report } = result;
  const base = report.reference?.baselines;
  const ctx: HeadlineContext = {
    retrain: report.methods.retrain,
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
      new Blob([JSON.stringify({ url: window.location.href, report, centreUser: result.centreUser, forgottenItems: result.forgottenItems, topBefore: result.topBefore, topAfter: result.topAfter }, null, 2)], {
        type: 'application/json',
      }),
    );
  const exportCsv = () => download('unlearning-result.csv', new Blob([toCsv(resultRows(result))], { type: 'text/csv' }));

  return (
    <div className="explorer" data-testid="explorer">
      <section className="panel result-summary" aria-live="polite">
        <p>
          <strong>Forgot {report.request}</strong> — {report.forgotten} interactions
          {report.removedUsers > 0 ? ' (the user is gone: their row is reset as Retrain leaves it and left out of movement statistics)' : ''}.{' '}
        </p>
        <ul className="headline" data-testid="headline">
          {lines.map((l) => (
            <li key={l.name} data-method={l.name}>
              <strong>{l.label}</strong>: {l.time} · {l.fidelity} ·{' '}
              <span className={l.forgotten === false ? 'verdict-no' : undefined}>{l.forgot}</span>
            </li>
          ))}
        </ul>
        <p className="muted">
          Fidelity is measured against the <strong>proximal reference</strong> — the trained model re-solved on all data and on the
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
          <button type="button" onClick={() => void navigator.clipboard?.writeText(window.location.href)} title="The link reproduces this experiment">
            Copy link
          </button>
        </div>
      </section>
      <div className="figure-grid">
        <NeighbourhoodGraph result={result} series={colourSeries} onSeries={setSeries} />
        <EmbeddingMap series={arrows} onSeries={setArrowMethod} />
        <FidelityChart result={result} />
        <HopChart result={result} />
        <MovementScatter result={result} />
        <MetricsChart result={result} />
        <TopLists result={result} />
        <HorizonChart result={result} />
        <ScratchLesson result={result} />
        <TransformerPanel />
      </div>
    </div>
  );
}
