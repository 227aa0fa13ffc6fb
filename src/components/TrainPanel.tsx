import { useStore } from '../store';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function TrainPanel() {
  const phase = useStore((s) => s.phase);
  const dataset = useStore((s) => s.dataset);
  const reports = useStore((s) => s.reports);
  const epochs = useStore((s) => s.experiment.epochs);
  const summary = useStore((s) => s.summary);
  const train = useStore((s) => s.train);
  const cancel = useStore((s) => s.cancel);
  const training = phase === 'training';
  const done = reports.length;
  const total = reports[0]?.epochs ?? epochs;
  const meanMs = done ? reports.reduce((a, r) => a + r.ms, 0) / done : NaN;
  const eta = ((total - done) * meanMs) / 1000;
  const last = reports[done - 1];
  // Once trained, the final model's figures (the last evaluation during training may be an epoch or two
  // earlier when the cadence skips the last epoch): the twin of the results' "Original" row.
  const lastMetrics = (!training && summary?.metrics) || ([...reports].reverse().find((r) => r.metrics)?.metrics ?? summary?.metrics);

  return (
    <section className="panel" aria-labelledby="train-h">
      <h2 id="train-h" tabIndex={-1}>3 · Train</h2>
      <div className="row">
        {/* aria-disabled, not disabled, while busy: a disabled button drops the focus to the top of the page. */}
        <button
          type="button"
          className="primary"
          data-testid="train"
          aria-disabled={phase !== 'idle' || !dataset || undefined}
          onClick={() => {
            if (phase === 'idle' && dataset) void train();
          }}
        >
          Train
        </button>
        <button type="button" data-testid="cancel" disabled={!training} onClick={cancel}>
          Cancel
        </button>
      </div>
      {(training || done > 0) && (
        <div className="progress-block">
          <progress data-testid="train-progress" aria-label="Training progress" value={done} max={total} />
          <span className="muted" data-testid="epoch-status">
            epoch {done}/{total}
            {last ? ` · loss ${last.loss.toFixed(4)} · ${last.ms.toFixed(0)} ms/epoch` : ''}
            {training && done > 0 ? ` · ETA ${formatSeconds(eta)}` : ''}
          </span>
        </div>
      )}
      {lastMetrics && (
        <dl className="metrics" data-testid="metrics">
          <div>
            <dt>Recall@{lastMetrics.k}</dt>
            <dd data-testid="recall">{lastMetrics.recall.toFixed(4)}</dd>
          </div>
          <div>
            <dt>NDCG@{lastMetrics.k}</dt>
            <dd data-testid="ndcg">{lastMetrics.ndcg.toFixed(4)}</dd>
          </div>
          <div>
            <dt>AUC</dt>
            <dd>{lastMetrics.auc.toFixed(4)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
