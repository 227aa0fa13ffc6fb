import { memo, useDeferredValue, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../store';
import { PALETTE } from '../palette';

interface Row {
  epoch: number;
  loss: number;
  recall?: number;
  ndcg?: number;
}

const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));

/** Ticks chosen here rather than measured by the chart: recharts' label measuring forces layouts. */
function epochTicks(n: number): number[] {
  const step = Math.max(1, Math.ceil(n / 8));
  const t: number[] = [];
  for (let e = 1; e <= n; e += step) t.push(e);
  return t;
}

const Curves = memo(function Curves({ rows, epochs }: { rows: Row[]; epochs: number }) {
  const ticks = epochTicks(epochs);
  const xAxis = <XAxis dataKey="epoch" type="number" domain={[1, Math.max(2, epochs)]} ticks={ticks} allowDecimals={false} />;
  return (
    <div className="chart-grid">
      <figure data-testid="loss-chart">
        <figcaption>
          <span className="key" style={{ background: PALETTE.vermillion }} /> BPR loss — should fall and flatten.
        </figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            {xAxis}
            <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(3)} width={56} />
            <Tooltip formatter={fmt} />
            <Line type="monotone" dataKey="loss" name="loss" stroke={PALETTE.vermillion} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="metric-chart">
        <figcaption>
          <span className="key" style={{ background: PALETTE.blue }} /> Recall@20 and <span className="key dashed" style={{ borderColor: PALETTE.orange }} /> NDCG@20 on
          the test split — should rise.
        </figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            {xAxis}
            <YAxis domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} width={40} />
            <Tooltip formatter={fmt} />
            <Line type="monotone" dataKey="recall" name="Recall@20" stroke={PALETTE.blue} connectNulls isAnimationActive={false} />
            <Line type="monotone" dataKey="ndcg" name="NDCG@20" stroke={PALETTE.orange} strokeDasharray="5 3" connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
});

export function TrainingCharts() {
  // Charts re-render as a low-priority transition, so React can yield between components and a
  // progress tick never blocks the page for long. They are mounted from the start (empty), so their
  // first, most expensive render happens before training, not during it.
  const reports = useDeferredValue(useStore((s) => s.reports));
  const epochs = useStore((s) => s.reports[0]?.epochs ?? s.experiment.epochs);
  const rows = useMemo(
    () => reports.map((r) => ({ epoch: r.epoch, loss: r.loss, recall: r.metrics?.recall, ndcg: r.metrics?.ndcg })),
    [reports],
  );
  return (
    <section className="panel charts" aria-labelledby="curves-h">
      <h2 id="curves-h">Training curves</h2>
      {rows.length === 0 && <p className="muted">Train a model to see its loss and Recall@20 / NDCG@20 epoch by epoch.</p>}
      <Curves rows={rows} epochs={epochs} />
    </section>
  );
}
