import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStore } from '../../store';
import { bounds } from '../../experiment';
import { PALETTE } from '../../palette';
import { fmt, fmtMs } from '../../viz/stats';
import { TableScroll } from '../DataTable';
import { NumberField } from '../NumberField';
import { Term } from '../Term';
import { AXIS_FONT, legendText } from './chartStyle';
import { ChartImage, Figure, RunButtons, RunLine } from './Figure';

const LABELS: Record<string, string> = { original: 'Original', retrain: 'Retrain', finetune: 'Fine-tune', neggrad: 'NegGrad', e2urec: 'E2URec (LoRA)' };

/** The same forget request on a small causal transformer recommender (2 layers, d 64): E2URec, whose
 *  student trains only LoRA factors on attention q and v, against Retrain, Fine-tune and NegGrad. */
export function TransformerPanel() {
  const report = useStore((s) => s.transformer);
  const progress = useStore((s) => s.transformerProgress);
  const phase = useStore((s) => s.phase);
  const run = useStore((s) => s.runTransformer);
  const cancel = useStore((s) => s.cancel);
  const epochs = useStore((s) => s.experiment.transformerEpochs);
  const update = useStore((s) => s.update);
  const rows = report
    ? [['original', report.original] as const, ...Object.entries(report.methods)].map(([name, m]) => ({
        name,
        label: LABELS[name] ?? name,
        testAuc: m!.test.auc,
        forgetAuc: m!.forget.auc,
        m: m!,
      }))
    : [];
  return (
    <Figure
      id="transformer"
      title="E2URec on a transformer recommender"
      look="The stand-in for an LLM recommender: good unlearning drops the forget-set AUC towards Retrain's while test AUC stays, and E2URec trains only a few LoRA parameters."
      wide
      actions={
        <>
          <NumberField label="Transformer epochs" value={epochs} {...bounds('transformerEpochs')} step={1} disabled={phase !== 'idle'} onChange={(v) => v && update({ transformerEpochs: v })} />
          <RunButtons testId="run-transformer" label="Run on the transformer" busy={phase !== 'idle'} running={!!progress} onRun={() => void run()} onCancel={cancel} />
        </>
      }
    >
      {progress && <RunLine text={`${progress.stage}: ${progress.message ?? ''}`} fraction={progress.fraction} label="Transformer progress" />}
      {!report && !progress && <p className="muted">Trains the transformer on the loaded data, then forgets the same request with each method (about a minute on the default data).</p>}
      {report && (
        <>
          <ChartImage label="Bar chart: AUC on test and on the forget set per method; the numbers are in the table below">
            <ResponsiveContainer width="100%" height={250}>
              {/* Room on the right for the "chance" label at 0.5 (it was cut off). */}
              <BarChart data={rows} margin={{ top: 8, right: 92, bottom: 4, left: 4 }} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" interval={0} tick={{ fontSize: AXIS_FONT }} />
                <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={(v: number) => v.toFixed(2)} width={48} tick={{ fontSize: AXIS_FONT }} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v, 3) : String(v))} />
                <Legend wrapperStyle={{ fontSize: AXIS_FONT }} formatter={legendText} />
                <ReferenceLine y={0.5} stroke="#999" strokeDasharray="4 4" label={{ value: 'chance 0.5', position: 'right', style: { fontSize: AXIS_FONT, fill: '#333' } }} />
                <Bar dataKey="testAuc" name="AUC on test" fill={PALETTE.blue} isAnimationActive={false} />
                <Bar dataKey="forgetAuc" name="AUC on the forget set" fill={PALETTE.vermillion} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </ChartImage>
          <TableScroll label="Transformer results per method">
          <table className="result-table" data-testid="transformer-table">
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">
                  <Term name="auc test">AUC test</Term>
                </th>
                <th scope="col">LogLoss test</th>
                <th scope="col">ACC test</th>
                <th scope="col">
                  <Term name="auc forget">AUC forget</Term>
                </th>
                <th scope="col">LogLoss forget</th>
                <th scope="col">ACC forget</th>
                <th scope="col">Time</th>
                <th scope="col">Trainable parameters</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} className={r.name === 'original' ? 'muted-row' : undefined}>
                  <th scope="row">{r.label}</th>
                  <td>{fmt(r.m.test.auc)}</td>
                  <td>{fmt(r.m.test.logloss)}</td>
                  <td>{fmt(r.m.test.acc)}</td>
                  <td>{fmt(r.m.forget.auc)}</td>
                  <td>{fmt(r.m.forget.logloss)}</td>
                  <td>{fmt(r.m.forget.acc)}</td>
                  <td>{fmtMs(r.m.ms)}</td>
                  <td>
                    {r.m.trainableParams.toLocaleString()} ({((100 * r.m.trainableParams) / report.fullParams).toFixed(1)}%)
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </TableScroll>
        </>
      )}
    </Figure>
  );
}
