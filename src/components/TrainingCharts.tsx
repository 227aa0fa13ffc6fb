import { useStore } from '../store';
import { PALETTE } from '../palette';
import { ShowData } from './DataTable';
import { LiveChart } from './LiveChart';

export function TrainingCharts() {
  const reports = useStore((s) => s.reports);
  const epochs = useStore((s) => s.reports[0]?.epochs ?? s.experiment.epochs);
  return (
    <section className="panel charts" aria-labelledby="curves-h">
      <h2 id="curves-h">Training curves</h2>
      {reports.length === 0 ? (
        <p className="muted">Train a model to see its loss and Recall@20 / NDCG@20 epoch by epoch.</p>
      ) : (
        <div className="chart-grid">
          <figure data-testid="loss-chart">
            <figcaption>
              <span className="key" style={{ background: PALETTE.vermillion }} /> BPR loss — should fall and flatten.
            </figcaption>
            <LiveChart label="BPR loss per epoch" length={epochs} series={[{ key: 'loss', label: 'loss', colour: PALETTE.vermillion, values: reports.map((r) => r.loss) }]} />
          </figure>
          <figure data-testid="metric-chart">
            <figcaption>
              <span className="key" style={{ background: PALETTE.blue }} /> Recall@20 and <span className="key dashed" style={{ borderColor: PALETTE.orange }} /> NDCG@20 on
              the test split — should rise.
            </figcaption>
            <LiveChart
              label="Recall@20 and NDCG@20 per epoch"
              length={epochs}
              yDomain={[0, 1]}
              series={[
                { key: 'recall', label: 'Recall@20', colour: PALETTE.blue, values: reports.map((r) => r.metrics?.recall) },
                { key: 'ndcg', label: 'NDCG@20', colour: PALETTE.orange, dashed: true, values: reports.map((r) => r.metrics?.ndcg) },
              ]}
            />
          </figure>
        </div>
      )}
      {reports.length > 0 && (
        <ShowData
          title="Training curves"
          data={{
            columns: ['epoch', 'BPR loss', 'Recall@20', 'NDCG@20', 'ms'],
            rows: reports.map((r, k) => [k + 1, r.loss, r.metrics?.recall ?? '–', r.metrics?.ndcg ?? '–', Math.round(r.ms)]),
          }}
        />
      )}
    </section>
  );
}
