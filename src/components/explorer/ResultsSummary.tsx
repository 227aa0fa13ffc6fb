import type { ExplorerResult } from '../../../workers/protocol';
import { useStore } from '../../store';
import { headlineLine, type HeadlineContext } from '../../viz/captions';
import { distanceText, headlineRows, headlineSentence, pendingInput, recallText, type HeadlineInput, type HeadlineRow } from '../../viz/headline';
import { pendingLabel, usePending } from './ResultStatus';
import { fmt, fmtMs } from '../../viz/stats';
import { TableScroll } from '../DataTable';
import { Term } from '../Term';
import { ScratchLesson } from './charts';
import { StationarityNote } from './Laws';

/** What the headline reads from a result: the context of every line and the table's rows — the landed
 *  methods, then those still to land (`labels` names them, `pendingText` says what each is doing). */
export function headlineOf(
  result: ExplorerResult,
  epochs?: number,
  labels: Record<string, string> = {},
  pendingText: (name: string) => string | undefined = () => undefined,
): { ctx: HeadlineContext; rows: HeadlineRow[] } {
  const { report } = result;
  const base = report.reference?.baselines;
  const ctx: HeadlineContext = {
    retrain: report.methods.retrain,
    retrainPending: report.pending.includes('retrain'),
    original: report.original,
    prepMs: report.prepMs,
    epochs,
    baselines: base
      ? [
          { label: 'no update (graph only)', paramRelErr: base.graphOnly.fidelity.paramRelErr },
          { label: 'random', paramRelErr: base.random.fidelity.paramRelErr },
          { label: 'oracle-scaled gradient', paramRelErr: base.scaledGradient.fidelity.paramRelErr },
        ]
      : undefined,
  };
  const inputs: HeadlineInput[] = result.methods.map((m) => {
    const r = report.methods[m.name];
    return { name: m.name, ...r, ...r.fidelity, label: m.label };
  });
  for (const name of report.pending) if (name !== 'noise floor') inputs.push(pendingInput(name, labels[name] ?? name, pendingText(name)));
  const ref = report.reference;
  const rows = headlineRows(inputs, ctx, ref ? { ms: ref.ms, recall20: ref.model.recall20, forgetMeanRank: ref.model.forgetMeanRank } : undefined);
  return { ctx, rows };
}

/** The headline table (method, time, forgotten, distance to the deletion's effect, Recall@20 against
 *  Retrain's), one computed sentence under it, and everything else under "Details". */
export function Headline({ result }: { result: ExplorerResult }) {
  const epochs = useStore((s) => s.summary?.epochs);
  const status = useStore((s) => s.resultStatus);
  const info = useStore((s) => s.methodInfo);
  // What the methods still to land are doing (ticks with the progress: only this table re-renders).
  const pending = usePending();
  const labels = Object.fromEntries(info.map((m) => [m.name, m.label]));
  const { report } = result;
  const { ctx, rows } = headlineOf(result, epochs, labels, (name) => {
    const p = pending.find((x) => x.name === name);
    return p && pendingLabel(p, status);
  });
  const lines = result.methods.map((m) => {
    const r = report.methods[m.name];
    return { name: m.name, ...headlineLine(m.name, { ...r, ...r.fidelity }, ctx) };
  });
  const ref = report.reference;
  const whole = report.removedUsers > 0;
  return (
    <>
      <TableScroll label="Headline: each method at a glance">
        <table className="headline-table" data-testid="headline-table">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">
                Time <span className="th-note">(first request, one-off cache included)</span>
              </th>
              <th scope="col">
                Forgot {result.centreUser}? <span className="th-note">(vs Retrain)</span>
              </th>
              <th scope="col">
                Distance to the deletion's effect <span className="th-note">(0 = exact, 1 = no update)</span>
              </th>
              <th scope="col">
                Recall@20 <span className="th-note">(% of Retrain's)</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name} data-method={r.name} className={r.kind === 'reference' ? 'muted-row' : r.pending ? 'pending-row' : undefined}>
                <th scope="row">{r.label}</th>
                <td data-testid={r.pending ? 'pending-time' : undefined}>{r.time}</td>
                <td className={r.forgot === 'no' ? 'verdict-no' : undefined}>{r.forgot}</td>
                <td>{distanceText(r)}</td>
                <td>{recallText(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p className="headline-sentence" data-testid="headline-sentence">
        {headlineSentence(rows, result.centreUser)}
      </p>
      <details className="result-details" data-testid="result-details">
        <summary>Details: errors, cosines, baselines, solver</summary>
        <ul className="headline" data-testid="headline">
          {lines.map((l) => (
            <li key={l.name} data-method={l.name}>
              <strong>{l.label}</strong>: {l.time} · {l.fidelity} · <span className={l.forgotten === false ? 'verdict-no' : undefined}>{l.forgot}</span>
            </li>
          ))}
        </ul>
        {ref && (
          <p className="muted">
            The proximal reference: μ = {ref.mu.toExponential(0)}, {ref.iterations} L-BFGS iterations in {fmtMs(ref.ms)}, gradient{' '}
            {fmt(ref.gradRatio, 2)} × the deletion's{ref.converged ? '' : ' (not converged)'}; as a model (θ̂ + Δ_ref
            {whole ? `, ${result.centreUser}'s row reset as every method resets it` : ''}) Recall@20 {fmt(ref.model.recall20, 4)}, the
            forgotten items' mean rank {fmt(ref.model.forgetMeanRank, 0)}, MIA AUC {fmt(ref.model.miaAuc, 2)}.
          </p>
        )}
      </details>
    </>
  );
}

/** The two references and the question each answers, at the top of the results; why scratch
 *  retraining cannot answer the second, with the noise-floor picture beside it. */
export function TwoReferences({ result }: { result: ExplorerResult }) {
  const { report } = result;
  const ref = report.reference;
  const retrain = report.methods.retrain;
  const noise = ref?.noiseFloor;
  const user = result.centreUser;
  const ratio = noise && ref ? noise.movementPerHop.reduce((a, b) => a + b, 0) / Math.max(1e-12, ref.movementPerHop.reduce((a, b) => a + b, 0)) : NaN;
  const far = (x: number) => fmt(x, x >= 10 ? 0 : 2);
  return (
    <section className="panel two-refs" aria-labelledby="two-refs-h" data-testid="two-references">
      <div>
        <h3 id="two-refs-h">Two references, two questions</h3>
        <dl>
          <dt>
            <strong>Retrain</strong>: is the model as good, and has it forgotten?
          </dt>
          <dd>
            A model trained from scratch without {report.request.startsWith('user') ? `${user}'s data` : 'the forgotten data'}
            {retrain ? ` (${fmtMs(retrain.ms)}; Recall@20 ${fmt(retrain.recall20, 4)}, the forgotten items' mean rank ${fmt(retrain.forgetMeanRank, 0)}, before ${fmt(report.original.forgetMeanRank, 0)})` : ' (not run: choose Retrain to compare)'}
            . The Time, Forgot and Recall@20 columns read against it.
          </dd>
          <dt>
            <strong>
              The <Term name="proximal reference">proximal reference</Term>
            </strong>
            : did the method move the model the way the deletion does?
          </dt>
          <dd>
            The trained model re-solved with and without the data, each held near it by a trust region μ (the influence methods' damping), to
            convergence{ref ? ` (μ = ${ref.mu.toExponential(0)}, ${ref.iterations} L-BFGS iterations)` : ''}. The Distance column is a method's
            update against the reference's: 0 = the same update, 1 = no update at all.
          </dd>
          <dt>
            <strong>Why not Retrain for both?</strong>
          </dt>
          <dd data-testid="why-not-retrain">
            Scratch retraining lands on another solution (initialisation, batch order, a rotation of the embedding space). Measured as an update
            {retrain && Number.isFinite(retrain.fidelity.paramRelErr) ? `, Retrain is at distance ${far(retrain.fidelity.paramRelErr)}` : ''}
            {noise ? `${retrain ? ' and' : ','} a second scratch model (all the data, seed + 1: the noise floor) at ${far(noise.fidelity.paramRelErr)}` : ''}
            {noise ? ` — two different models, both far beyond "no update" (1); per node the second one moves ~${ratio.toFixed(0)}× more than the deletion does (beside).` : '.'}{' '}
            So Retrain is the yardstick for utility, forgetting and time; the proximal reference, for the update itself.
          </dd>
        </dl>
        <StationarityNote result={result} />
      </div>
      <ScratchLesson result={result} />
    </section>
  );
}
