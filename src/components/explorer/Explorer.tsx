import { memo, useEffect, useRef, useState } from 'react';
import { useStore } from '../../store';
import { download, toCsv } from '../../viz/export';
import { seriesOptions } from './NeighbourhoodGraph';
import { ResultFigures } from './ResultFigures';
import { ResultStatus } from './ResultStatus';
import { Headline, headlineOf, TwoReferences } from './ResultsSummary';
import { Staged } from './Staged';
import { resultJson, resultRows } from '../../viz/resultExport';
import { twinNotes } from '../../viz/twins';
import { headlineSentence } from '../../viz/headline';

const TwoRefs = memo(TwoReferences);

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
  const trainPanelRecall = useStore((s) => s.summary?.metrics.recall);
  const epochs = useStore((s) => s.summary?.epochs);

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
  // The exports carry the page's notes and headline, and what has not landed (viz/resultExport.ts).
  const notes = twinNotes(report, result.centreUser, trainPanelRecall);
  const labels = Object.fromEntries(methodInfo.map((m) => [m.name, m.label]));
  const exportJson = () => {
    const { rows } = headlineOf(result, epochs, labels);
    const json = resultJson(result, window.location.href, status ?? 'complete', notes, { rows, sentence: headlineSentence(rows, result.centreUser) });
    download('unlearning-result.json', new Blob([json], { type: 'application/json' }));
  };
  const exportCsv = () => download('unlearning-result.csv', new Blob([toCsv(resultRows(result, status ?? 'complete', labels, notes))], { type: 'text/csv' }));

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
        <Headline result={result} />
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
      {/* A figure beside the story: drawn in a task of its own, as the figures are. */}
      <Staged value={result}>{(r) => <TwoRefs result={r} />}</Staged>
      <ResultFigures result={result} series={colourSeries} onSeries={setSeries} />
    </div>
  );
}
