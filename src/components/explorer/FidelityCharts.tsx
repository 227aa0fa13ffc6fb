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
import { useChartText, useNarrow } from './chartStyle';
import { ChartImage, Figure } from './Figure';

/** The baselines every method's fidelity is read against (fidelity.ts). */
export const BASELINES = [
  { key: 'graphOnly', label: 'No update (graph only)', short: 'no update', colour: PALETTE.grey },
  { key: 'random', label: 'Random directions', short: 'random', colour: PALETTE.yellow },
  { key: 'scaledGradient', label: 'Scaled gradient (oracle)', short: 'c·g (oracle)', colour: PALETTE.purple },
] as const;

export const num = (v: unknown) => (typeof v === 'number' ? fmt(v, 3) : String(v));

/**
 * A bar drawn to at most `cap`; a value beyond it keeps the bar at the top of the axis with a break mark
 * (two white slashes) and prints its value over the bar (the parameter error on the upper line, the
 * score error on the lower one, so two clipped neighbours do not overlap).
 */
export function clippedBar(cap: number, key: 'paramRelErr' | 'scoreRelErr', font: number) {
  return function ClippedBar(props: unknown) {
    const { x, y, width, height, fill, fillOpacity, payload } = props as { x: number; y: number; width: number; height: number; fill: string; fillOpacity?: number; payload: Record<string, number> };
    const value = payload[key];
    const clipped = Number.isFinite(value) && value > cap;
    return (
      <g data-clipped={clipped ? key : undefined}>
        <rect x={x} y={y} width={width} height={Math.max(0, height)} fill={fill} fillOpacity={fillOpacity} />
        {clipped && (
          <>
            <path d={`M${x - 2},${y + 14} L${x + width + 2},${y + 6} M${x - 2},${y + 20} L${x + width + 2},${y + 12}`} stroke="#fff" strokeWidth={3} />
            <text x={x + width / 2} y={y - 4 - (key === 'paramRelErr' ? font * 1.1 : 0)} textAnchor="middle" fontSize={font} fill="#1d1d1f">
              {fmt(value, value >= 10 ? 1 : 2)}
            </text>
          </>
        )}
      </g>
    );
  };
}

/** Per method and baseline: parameter and score relative error against the proximal reference. */
export function FidelityChart({ result }: { result: ExplorerResult }) {
  const text = useChartText();
  const narrow = useNarrow();
  const ref = result.report.reference;
  if (!ref) return null;
  // Sharded ensembles have no layer-0 table of one LightGCN: not comparable, listed apart.
  const apart = result.methods.filter((m) => result.report.methods[m.name].notComparable);
  const methods = result.methods.filter((m) => !result.report.methods[m.name].notComparable);
  const rows = [
    ...methods.map((m) => ({ key: m.name, label: m.label, short: m.label, colour: m.colour, ...result.report.methods[m.name].fidelity })),
    ...BASELINES.map((b) => ({ key: b.key, label: b.label, short: b.short, colour: b.colour, ...ref.baselines[b.key].fidelity })),
  ];
  const best = methods
    .filter((m) => m.name !== 'retrain')
    .sort((a, b) => result.report.methods[a.name].fidelity.paramRelErr - result.report.methods[b.name].fidelity.paramRelErr)[0];
  const f = best && result.report.methods[best.name].fidelity;
  const sg = ref.baselines.scaledGradient.fidelity.paramRelErr;
  // The axis stops at 3 (Retrain, another solution, scores tens): taller bars are drawn to the top (their
  // values are cut here, not by a clip path, so the labels over them stay visible), marked and labelled.
  const top = Math.max(0, ...rows.flatMap((r) => [r.paramRelErr, r.scoreRelErr]).filter(Number.isFinite));
  const cap = Math.min(3, Math.max(1.2, top));
  const clipped = rows.filter((r) => r.paramRelErr > cap || r.scoreRelErr > cap);
  const look = f
    ? `0 is the reference's own update; no update scores 1, and random directions with the reference's row norms ${fmt(ref.baselines.random.fidelity.paramRelErr, 2)} (√2 expected). Closest here: ${best.label}, relative error ${fmt(f.paramRelErr, 2)} (cosine ${fmt(f.paramCos, 2)}); ` +
      (f.paramRelErr < sg
        ? `better than the oracle-scaled gradient (${fmt(sg, 2)}), so the Hessian adds more than a step size.`
        : `no better than the oracle-scaled gradient (${fmt(sg, 2)}): at this μ the update is essentially a scaled gradient.`) +
      (clipped.length ? ` Bars beyond ${fmt(cap, 1)} are cut (the white slashes) and labelled with their value: ${clipped.map((r) => r.label).join(', ')}.` : '')
    : 'Relative error of each update against the reference: 0 is exact, 1 is no update.';
  // Solid = parameter error, light = score error, in every bar's own colour: the key shows the two shades in grey.
  const fidelityLegend = () => (
    <ul className="chart-legend">
      <li>
        <span className="swatch" style={{ background: '#555' }} /> solid: parameter relative error
      </li>
      <li>
        <span className="swatch" style={{ background: '#555', opacity: 0.45 }} /> light: score-change relative error (users within 2 hops)
      </li>
    </ul>
  );
  return (
    <Figure id="fidelity" title={`Fidelity to the proximal reference (μ = ${ref.mu.toExponential(0)})`} look={look} wide>
      <ChartImage label="Bar chart: each method's and baseline's relative error against the proximal reference; the numbers are in the table below">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={rows} margin={{ top: 8 + (clipped.length ? 2.3 * text.font : 0), right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {/* Seven category labels do not fit side by side on a phone: they turn to fit under their bars. */}
          {narrow ? <XAxis dataKey="short" interval={0} tick={text.tick} angle={-40} textAnchor="end" height={96 * text.scale} /> : <XAxis dataKey="short" interval={0} tick={text.tick} />}
          <YAxis width={52 * text.scale} domain={[0, cap]} tickFormatter={(v: number) => fmt(v, 2)} tick={text.tick} />
          <Tooltip formatter={num} />
          <Legend wrapperStyle={text.legendStyle} content={fidelityLegend} />
          <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" label={{ value: 'no update', position: 'insideTopRight', style: { fontSize: text.font, fill: '#333' } }} />
          <Bar dataKey={(r: { paramRelErr: number }) => Math.min(r.paramRelErr, cap)} name="parameter relative error" fill={PALETTE.blue} isAnimationActive={false} shape={clippedBar(cap, 'paramRelErr', text.font)}>
            {rows.map((r) => (
              <Cell key={r.key} fill={r.colour} />
            ))}
          </Bar>
          <Bar dataKey={(r: { scoreRelErr: number }) => Math.min(r.scoreRelErr, cap)} name="score-change relative error (users within 2 hops)" fill={PALETTE.sky} fillOpacity={0.45} isAnimationActive={false} shape={clippedBar(cap, 'scoreRelErr', text.font)}>
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
          {apart.map((m) => (
            <tr key={m.name}>
              <th scope="row">{m.label}</th>
              <td colSpan={3}>not comparable: an ensemble of shard models, not one LightGCN</td>
            </tr>
          ))}
        </tbody>
      </table>
      </TableScroll>
    </Figure>
  );
}
