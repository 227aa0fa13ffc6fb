import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../store';
import { PALETTE } from '../palette';

export function TrainingCharts() {
  const reports = useStore((s) => s.reports);
  const rows = reports.map((r) => ({
    epoch: r.epoch,
    loss: r.loss,
    recall: r.metrics?.recall,
    ndcg: r.metrics?.ndcg,
  }));
  return (
    <section className="panel charts" aria-labelledby="curves-h">
      <h2 id="curves-h">Training curves</h2>
      {rows.length === 0 ? (
        <p className="muted">Train a model to see its loss and Recall@20 / NDCG@20 epoch by epoch.</p>
      ) : (
        <div className="chart-grid">
          <figure data-testid="loss-chart">
            <figcaption>BPR loss — should fall and flatten.</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="epoch" label={{ value: 'epoch', position: 'insideBottom', offset: -8 }} />
                <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(3)} width={56} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
                <Line type="monotone" dataKey="loss" name="loss" stroke={PALETTE.vermillion} dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
          <figure data-testid="metric-chart">
            <figcaption>Recall@20 and NDCG@20 on the test split — should rise.</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="epoch" label={{ value: 'epoch', position: 'insideBottom', offset: -8 }} />
                <YAxis domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)} width={48} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
                <Legend verticalAlign="top" height={24} />
                <Line type="monotone" dataKey="recall" name="Recall@20" stroke={PALETTE.blue} connectNulls isAnimationActive={false} />
                <Line type="monotone" dataKey="ndcg" name="NDCG@20" stroke={PALETTE.orange} strokeDasharray="5 3" connectNulls isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </div>
      )}
    </section>
  );
}
