import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ExplorerResult } from '../../../workers/protocol';
import { PALETTE } from '../../palette';
import { fmt } from '../../viz/stats';
import { TableScroll } from '../DataTable';
import { legendText, useChartText } from './chartStyle';
import { ChartImage, Figure } from './Figure';

/** The baselines every method's fidelity is read against (fidelity.ts). */
export const BASELINES = [
  { key: 'graphOnly', label: 'No update (graph only)', short: 'no update', colour: PALETTE.grey },
  { key: 'random', label: 'Random directions', short: 'random', colour: PALETTE.yellow },
  { key: 'scaledGradient', label: 'Scaled gradient (oracle)', short: 'c·g (oracle)', colour: PALETTE.purple },
] as const;

export const num = (v: unknown) => (typeof v === 'number' ? fmt(v, 3) : String(v));

/** Per method and baseline: parameter and score relative error against the proximal reference. */
export function FidelityChart({ result }: { result: ExplorerResult }) {
  const text = useChartText();
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
    ? `0 is the reference's own update; no update scores 1, and random directions with the reference's row norms ${fmt(ref.baselines.random.fidelity.paramRelErr, 2)} (√2 expected). Closest here: ${best.label}, relative error ${fmt(f.paramRelErr, 2)} (cosine ${fmt(f.paramCos, 2)}); ` +
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
          <XAxis dataKey="short" interval={0} tick={text.tick} />
          <YAxis width={52 * text.scale} domain={[0, (max: number) => Math.min(3, Math.max(1.2, max))]} allowDataOverflow tickFormatter={(v: number) => fmt(v, 2)} tick={text.tick} />
          <Tooltip formatter={num} />
          <Legend wrapperStyle={text.legendStyle} formatter={legendText} />
          <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" label={{ value: 'no update', position: 'insideTopRight', style: { fontSize: text.font, fill: '#333' } }} />
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
