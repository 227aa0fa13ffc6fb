import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ExplorerResult, HorizonPoint } from '../../../workers/protocol';
import { PALETTE } from '../../palette';
import { useStore } from '../../store';
import { fmt } from '../../viz/stats';
import { TableScroll } from '../DataTable';
import { legendStyle, legendText, tick, xTitle, yTitle } from './chartStyle';
import { ChartImage, Figure, RunButtons, RunLine } from './Figure';

/** The baselines every method's fidelity is read against (fidelity.ts). */
const BASELINES = [
  { key: 'graphOnly', label: 'No update (graph only)', short: 'no update', colour: PALETTE.grey },
  { key: 'random', label: 'Random directions', short: 'random', colour: PALETTE.yellow },
  { key: 'scaledGradient', label: 'Scaled gradient (oracle)', short: 'c·g (oracle)', colour: PALETTE.purple },
] as const;

const num = (v: unknown) => (typeof v === 'number' ? fmt(v, 3) : String(v));

function methodColour(result: ExplorerResult, name: string): string {
  return result.methods.find((m) => m.name === name)?.colour ?? PALETTE.orange;
}

/** Per method and baseline: parameter and score relative error against the proximal reference. */
export function FidelityChart({ result }: { result: ExplorerResult }) {
  const ref = result.report.reference;
  if (!ref) return null;
  const rows = [
    ...result.methods.map((m) => ({ key: m.name, label: m.label, short: m.label, colour: m.colour, ...result.report.methods[m.name].fidelity })),
    ...BASELINES.map((b) => ({ key: b.key, label: b.label, short: b.short, colour: b.colour, ...ref.baselines[b.key].fidelity })),
  ];
  const best = result.methods
    .filter((m) => m.name !== 'retrain')
    .sort((a, b) => result.report.methods[a.name].fidelity.paramRelErr - result.report.methods[b.name].fidelity.paramRelErr)[0];
  const f = best && result.report.methods[best.name].fidelity;
  const sg = ref.baselines.scaledGradient.fidelity.paramRelErr;
  const look = f
    ? `0 is the reference's own update; no update scores 1 and random directions about √2. Closest here: ${best.label}, relative error ${fmt(f.paramRelErr, 2)} (cosine ${fmt(f.paramCos, 2)}); ` +
      (f.paramRelErr < sg
        ? `better than the oracle-scaled gradient (${fmt(sg, 2)}), so the Hessian adds more than a step size.`
        : `no better than the oracle-scaled gradient (${fmt(sg, 2)}): at this μ the update is essentially a scaled gradient.`)
    : 'Relative error of each update against the reference: 0 is exact, 1 is no update.';
  return (
    <Figure id="fidelity" title={`Fidelity to the proximal reference (μ = ${ref.mu.toExponential(0)})`} look={look} wide>
      <ChartImage label="Bar chart: each method's and baseline's relative error against the proximal reference; the numbers are in the table below">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="short" interval={0} tick={tick} />
          <YAxis width={52} domain={[0, (max: number) => Math.min(3, Math.max(1.2, max))]} allowDataOverflow tickFormatter={(v: number) => fmt(v, 2)} tick={tick} />
          <Tooltip formatter={num} />
          <Legend wrapperStyle={legendStyle} formatter={legendText} />
          <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" label={{ value: 'no update', position: 'insideTopRight', style: { fontSize: 13, fill: '#333' } }} />
          <Bar dataKey="paramRelErr" name="parameter relative error" fill={PALETTE.blue} isAnimationActive={false}>
            {rows.map((r) => (
              <Cell key={r.key} fill={r.colour} />
            ))}
          </Bar>
          <Bar dataKey="scoreRelErr" name="score-change relative error (users within 2 hops)" fill={PALETTE.sky} fillOpacity={0.45} isAnimationActive={false}>
            {rows.map((r) => (
              <Cell key={r.key} fill={r.colour} fillOpacity={0.45} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      </ChartImage>
      <TableScroll label="Fidelity per method and baseline">
      <table className="result-table" data-testid="fidelity-table">
        <caption className="muted">
          Against the proximal reference: {ref.iterations} L-BFGS iterations, {fmt(ref.ms / 1000, 2)} s, gradient {fmt(ref.gradRatio, 2)} × the
          deletion's{ref.converged ? '' : ' (not converged)'}.
        </caption>
        <thead>
          <tr>
            <th scope="col">Update</th>
            <th scope="col">Parameter rel. error</th>
            <th scope="col">Cosine</th>
            <th scope="col">Score-change rel. error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              <td>{fmt(r.paramRelErr, 3)}</td>
              <td>{fmt(r.paramCos, 3)}</td>
              <td>{fmt(r.scoreRelErr, 3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
    </Figure>
  );
}

const HORIZON_SERIES = [
  { key: 'ifru', label: 'IFRU (exact Hessian)' },
  { key: 'if', label: 'IF (direct)' },
  { key: 'ifru-fast', label: 'IFRU (fast Hessian)' },
  ...BASELINES,
];

/** What the sweep shows, in sentences computed from it. */
export function horizonLesson(points: HorizonPoint[], defaultMu: number): string[] {
  if (points.length === 0) return [];
  const at = (mu: number) => points.reduce((a, b) => (Math.abs(Math.log(b.mu / mu)) < Math.abs(Math.log(a.mu / mu)) ? b : a));
  const e = (p: HorizonPoint, k: string) => p.fidelity[k]?.paramRelErr ?? NaN;
  const out: string[] = [];
  const big = points[0];
  out.push(
    `At μ = ${big.mu.toExponential(0)} the trust region is tight: IFRU's error is ${fmt(e(big, 'ifru'), 2)} and the oracle-scaled gradient's ${fmt(e(big, 'scaledGradient'), 2)} — ` +
      (e(big, 'scaledGradient') < 3 * e(big, 'ifru') ? 'the update is nearly a scaled gradient and the Hessian barely matters.' : 'the Hessian already shapes the step.'),
  );
  const d = at(defaultMu);
  out.push(
    `At the default μ = ${d.mu.toExponential(0)}: IFRU ${fmt(e(d, 'ifru'), 2)}, IF-direct ${fmt(e(d, 'if'), 2)}, the fast Hessian ${fmt(e(d, 'ifru-fast'), 2)}, the scaled gradient ${fmt(e(d, 'scaledGradient'), 2)}. ` +
      (e(d, 'ifru') < e(d, 'if') ? 'The spillover term earns its place' : 'Spillover does not help on this request') +
      (e(d, 'ifru') < e(d, 'ifru-fast') ? '; the exact Hessian beats the raw-row one.' : '; the raw-row Hessian does as well here.'),
  );
  const broken = points.find((p) => p.negativeCurvature.length > 0);
  if (broken) {
    const worst = Math.max(...points.filter((p) => p.mu <= broken.mu).map((p) => e(p, 'ifru')));
    out.push(
      `From μ = ${broken.mu.toExponential(0)} down, CG meets negative curvature (${broken.negativeCurvature.join(', ')}): θ̂ is a trained model, not a minimum, and the one-shot step breaks (IFRU's error reaches ${fmt(worst, 2)}). A longer horizon needs the retraining it was meant to avoid.`,
    );
  } else {
    out.push(`No negative curvature met down to μ = ${points[points.length - 1].mu.toExponential(0)}.`);
  }
  return out;
}

/** The horizon lesson: fidelity against μ, computed on demand in the worker. */
export function HorizonChart({ result }: { result: ExplorerResult }) {
  const horizon = useStore((s) => s.horizon);
  const progress = useStore((s) => s.horizonProgress);
  const phase = useStore((s) => s.phase);
  const run = useStore((s) => s.runHorizon);
  const cancel = useStore((s) => s.cancel);
  const points = horizon?.points ?? [];
  const rows = points.map((p) => ({ mu: p.mu, ...Object.fromEntries(Object.entries(p.fidelity).map(([k, f]) => [k, Math.min(100, Math.max(1e-3, f.paramRelErr))])) }));
  const lesson = horizonLesson(points, result.report.settings.damping as number);
  const colourOf = (key: string) => BASELINES.find((b) => b.key === key)?.colour ?? methodColour(result, key);
  return (
    <Figure
      id="horizon"
      title="The horizon lesson: fidelity against μ"
      look="Influence functions answer the deletion within a trust region of strength μ around the trained model. Smaller μ asks for a longer horizon — closer to full retraining — and a one-shot update follows it only so far."
      wide
      data={
        horizon
          ? { columns: ['μ', ...HORIZON_SERIES.map((h) => h.label)], rows: points.map((p) => [p.mu.toExponential(0), ...HORIZON_SERIES.map((h) => p.fidelity[h.key]?.paramRelErr ?? NaN)]) }
          : undefined
      }
      actions={
        <RunButtons testId="run-horizon" label="Sweep μ from 1e-3 to 1e-6" busy={phase !== 'idle'} running={!!progress} onRun={() => void run()} onCancel={cancel} />
      }
    >
      {progress && <RunLine text={progress.message ?? 'starting'} fraction={progress.fraction} label="Horizon sweep progress" />}
      {!horizon && !progress && (
        <p className="muted">
          Re-solves the reference and runs IF, IFRU and IFRU (fast Hessian) at seven values of μ for this request (seconds on the small preset,
          a minute or more on the default data).
        </p>
      )}
      {horizon && (
        <>
          <ChartImage label="Line chart: parameter relative error of each method and baseline against μ, on log scales; the numbers are under Show data">
          <ResponsiveContainer width="100%" height={320}>
            <LineChart data={rows} margin={{ top: 8, right: 24, bottom: 4, left: 4 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="mu"
                type="number"
                scale="log"
                domain={['dataMin', 'dataMax']}
                reversed
                ticks={points.map((p) => p.mu)}
                tickFormatter={(v: number) => v.toExponential(0)}
                tick={tick}
                height={46}
                label={xTitle('μ (smaller → longer horizon)')}
              />
              <YAxis
                type="number"
                scale="log"
                domain={[0.01, 10]}
                allowDataOverflow
                ticks={[0.01, 0.03, 0.1, 0.3, 1, 3, 10]}
                tickFormatter={(v: number) => String(v)}
                width={70}
                tick={tick}
                label={yTitle('parameter rel. error')}
              />
              <Tooltip formatter={num} labelFormatter={(v) => `μ = ${Number(v).toExponential(0)}`} />
              <Legend verticalAlign="top" wrapperStyle={legendStyle} formatter={legendText} />
              <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" />
              {HORIZON_SERIES.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={colourOf(s.key)}
                  strokeWidth={s.key === 'ifru' ? 3 : 2}
                  strokeDasharray={BASELINES.some((b) => b.key === s.key) ? '5 4' : undefined}
                  dot={{ r: 3 }}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
          </ChartImage>
          <ul className="lesson" data-testid="horizon-lesson">
            {lesson.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
          {horizon.forget !== useStore.getState().experiment.forget && <p className="muted">Computed for {horizon.forget}; run again for the current request.</p>}
        </>
      )}
    </Figure>
  );
}
