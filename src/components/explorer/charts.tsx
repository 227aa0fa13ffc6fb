import { useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  useXAxisScale,
  useYAxisScale,
} from 'recharts';
import type { ExplorerResult } from '../../../workers/protocol';
import { PALETTE } from '../../palette';
import { fmt, fmtMs, fmtRatio } from '../../viz/stats';
import { niceTicks } from '../../viz/ticks';
import { enteredCaption, forgottenCaption, paidCache, type SeriesList } from '../../viz/captions';
import { TableScroll } from '../DataTable';
import { Term } from '../Term';
import { legendText, useChartText, useClassMode } from './chartStyle';
import { useStore } from '../../store';
import { twinNotes } from '../../viz/twins';
import { ChartImage, Figure } from './Figure';

/** One colour per series everywhere: the proximal reference is black, scratch retrain grey; each method
 *  brings its own colour. */
const SERIES_COLOURS: Record<string, string> = { reference: '#000000', scratch: PALETTE.grey, graphOnly: PALETTE.grey };
const colour = (result: ExplorerResult, name: string) =>
  SERIES_COLOURS[name] ?? result.methods.find((m) => m.name === name)?.colour ?? PALETTE.orange;
const num = (v: unknown) => (typeof v === 'number' ? fmt(v, 4) : String(v));


function labelOf(result: ExplorerResult, name: string): string {
  return result.methods.find((m) => m.name === name)?.label ?? name;
}

/** c. Mean movement per hop, grouped by method, the proximal reference beside them, and what no update
 *  at all gets from the graph change (θ̂ unchanged, propagated over Â'). */
export function HopChart({ result }: { result: ExplorerResult }) {
  const text = useChartText();
  const ref = result.report.reference;
  const graphOnly = ref?.baselines.graphOnly.fidelity.perHop;
  // Per-node movement is one LightGCN's: a sharded ensemble has none to show.
  const moved = result.methods.filter((m) => m.name !== 'retrain' && !result.report.methods[m.name].notComparable);
  const series = [...(ref ? ['reference'] : []), ...(graphOnly?.length ? ['graphOnly'] : []), ...moved.map((m) => m.name)];
  const hops = (ref?.movementPerHop ?? Object.values(result.report.methods)[0]?.movementPerHop ?? []).length;
  const rows = Array.from({ length: hops }, (_, h) => {
    const row: Record<string, number | string> = { hop: `hop ${h + 1}` };
    if (ref) row.reference = ref.movementPerHop[h];
    if (graphOnly?.length) row.graphOnly = graphOnly[h];
    for (const m of moved) row[m.name] = result.report.methods[m.name].movementPerHop[h];
    return row;
  });
  const name = (s: string) => (s === 'reference' ? 'Proximal reference' : s === 'graphOnly' ? 'No update (graph only)' : labelOf(result, s));
  const free =
    ref && graphOnly?.length && hops >= 2
      ? ` The grey bar is what every method gets for free from the graph change: with no update at all, hop 1 moves ${fmt(graphOnly[0], 4)} (the reference: ${fmt(ref.movementPerHop[0], 4)}) and hop 2 ${fmt(graphOnly[1], 4)} (the reference: ${fmt(ref.movementPerHop[1], 4)}); a method earns only what it adds to that.`
      : '';
  return (
    <Figure
      id="hops"
      title="Movement per hop"
      look={`Bars as tall as the black reference bar mean the method moves the neighbourhood as much as the proximal reference; the effect fades with distance.${free} Height alone is weak evidence: read it with the fidelity figure.`}
      data={{ columns: ['hop', ...series.map(name)], rows: rows.map((r) => [r.hop, ...series.map((s) => r[s])]) }}
    >
      <ChartImage label={`Bar chart: mean embedding movement at hops 1 to ${hops} for ${series.map(name).join(', ')}`}>
        <ResponsiveContainer width="100%" height={280 * text.scale}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="hop" tick={text.tick} />
            <YAxis tickFormatter={(v: number) => fmt(v, 3)} width={76 * text.scale} tick={text.tick} label={text.yTitle('mean ‖Δe‖')} />
            <Tooltip formatter={num} />
            <Legend wrapperStyle={text.legendStyle} formatter={legendText} />
            {series.map((s) => (
              <Bar key={s} dataKey={s} name={name(s)} fill={colour(result, s)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartImage>
    </Figure>
  );
}

const HOP_COLOURS = [PALETTE.vermillion, PALETTE.blue, PALETTE.green];

/**
 * The scatter's points, one <path> per hop of zero-length round-capped segments on the chart's own
 * scales: thousands of nodes draw as three DOM elements (a recharts symbol per point made the
 * figure's first draw a long main-thread task on the default data).
 */
function PointCloud({ points }: { points: { x: number; y: number }[][] }) {
  const sx = useXAxisScale();
  const sy = useYAxisScale();
  if (!sx || !sy) return null;
  return (
    <g className="point-cloud">
      {[1, 2, 3].map((h) => {
        let d = '';
        for (const p of points[h] ?? []) d += `M${(sx(p.x) as number).toFixed(1)} ${(sy(p.y) as number).toFixed(1)}h0`;
        return <path key={h} d={d} stroke={HOP_COLOURS[h - 1]} strokeWidth={4.5} strokeLinecap="round" data-hop={h} />;
      })}
    </g>
  );
}

/** d. Per-node movement of a method against the proximal reference. */
export function MovementScatter({ result }: { result: ExplorerResult }) {
  const text = useChartText();
  const candidates = result.methods.map((m) => m.name).filter((m) => m !== 'retrain' && result.movement[m]);
  const [method, setMethod] = useState(candidates.includes('ifru') ? 'ifru' : candidates[0]);
  const points = useMemo(() => {
    const ref = result.reference?.norms;
    const mine = result.movement[method]?.norms;
    if (!ref || !mine) return [];
    const byHop: { x: number; y: number }[][] = [[], [], [], []];
    // At most ~1500 points per chart keep it light; sampled with a fixed stride, so deterministic.
    const stride = Math.max(1, Math.ceil(ref.length / 1500));
    for (let k = 0; k < ref.length; k += stride) {
      if (!Number.isFinite(ref[k]) || !Number.isFinite(mine[k])) continue;
      byHop[Math.min(3, result.hop[k])]?.push({ x: ref[k], y: mine[k] });
    }
    return byHop;
  }, [result, method]);
  const m = result.report.methods[method];
  const max = Math.max(0, ...points.flat().flatMap((p) => [p.x, p.y]));
  // Round ticks on both axes, the same on both so the diagonal is at 45°.
  const axis = niceTicks(0, max || 1, 4);
  const ticks = [...axis.ticks];
  if (ticks.length > 1 && ticks[ticks.length - 1] < max) ticks.push(Number((2 * ticks[ticks.length - 1] - ticks[ticks.length - 2]).toPrecision(12)));
  const axisMax = ticks[ticks.length - 1];
  const tickText = (v: number) => v.toFixed(axis.digits);
  const corners = [{ x: 0, y: 0 }, { x: axisMax, y: axisMax }];
  if (!result.reference || !m) return null;
  const meanOf = (ps: { x: number; y: number }[], k: 'x' | 'y') => (ps.length ? ps.reduce((a, p) => a + p[k], 0) / ps.length : NaN);
  return (
    <Figure
      id="scatter"
      title="Per-node movement vs the proximal reference"
      look={`Points on the diagonal: the method moved each node as the reference does. Its update's relative error is ${fmt(m.fidelity.paramRelErr, 2)} (cosine ${fmt(m.fidelity.paramCos, 2)}); median per-node cosine ${fmt(m.movementCos, 2)}. (The Pearson r of these norms, ${fmt(m.movementPearson, 2)}, is weak evidence: every method gets the graph change for free in it.)`}
      actions={
        <label className="inline-select">
          Method{' '}
          <select value={method} onChange={(e) => setMethod(e.target.value)}>
            {candidates.map((c) => (
              <option key={c} value={c}>
                {labelOf(result, c)}
              </option>
            ))}
          </select>
        </label>
      }
      data={{
        columns: ['hop', 'nodes', 'mean reference ‖Δe‖', `mean ${labelOf(result, method)} ‖Δe‖`],
        rows: [1, 2, 3].map((h) => [`hop ${h}`, points[h]?.length ?? 0, meanOf(points[h] ?? [], 'x'), meanOf(points[h] ?? [], 'y')]),
      }}
    >
      <ChartImage label={`Scatter plot: each node's movement under ${labelOf(result, method)} against the proximal reference, coloured by hop; Pearson r ${fmt(m.movementPearson, 2)}`}>
        <ResponsiveContainer width="100%" height={300}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="x"
              name="reference"
              domain={[0, axisMax]}
              ticks={ticks}
              tickFormatter={tickText}
              tick={text.tick}
              height={46 * text.scale}
              label={{ value: 'proximal reference ‖Δe‖', position: 'insideBottom', offset: 0, style: { fontSize: text.font, fill: '#333' } }}
            />
            <YAxis type="number" dataKey="y" name={method} domain={[0, axisMax]} ticks={ticks} tickFormatter={tickText} width={76 * text.scale} tick={text.tick} label={text.yTitle(`${labelOf(result, method)} ‖Δe‖`)} />
            <ReferenceLine segment={[{ x: 0, y: 0 }, { x: axisMax, y: axisMax }]} stroke="#999" strokeDasharray="4 4" />
            <Legend verticalAlign="top" height={28} wrapperStyle={text.legendStyle} formatter={legendText} />
            {/* The series carry the legend and the axes' extent (two corner points); the points themselves are the PointCloud. */}
            {[1, 2, 3].map((h) => (
              <Scatter key={h} name={`hop ${h}`} data={h === 1 ? corners : []} shape={() => <g />} fill={HOP_COLOURS[h - 1]} isAnimationActive={false} />
            ))}
            <PointCloud points={points} />
          </ScatterChart>
        </ResponsiveContainer>
      </ChartImage>
    </Figure>
  );
}

/** e. Utility, completeness and cost per method, with the noise floor marked. */
export function MetricsChart({ result }: { result: ExplorerResult }) {
  const text = useChartText();
  const trainPanelRecall = useStore((s) => s.summary?.metrics.recall);
  const { report } = result;
  const ref = report.reference;
  const noise = ref?.noiseFloor;
  // The time a method's row leads with, as in the headline: its first request (the one-off cache included).
  const rows = result.methods.map((m) => {
    const r = report.methods[m.name];
    return { ...r, name: m.name, label: m.label, shownMs: paidCache(r) ? r.firstRequestMs : r.ms };
  });
  const times = rows.map((r) => r.shownMs).filter((v) => v > 0);
  // Explicit log-scale bounds: every bar, the fastest too, stays inside the axis.
  const timeDomain: [number, number] = [Math.min(...times) / 2, Math.max(...times) * 1.5];
  // Counts, not fractions: "3 of 95" reads the same on every data set (0.53 and 7.4e-3 did not).
  const inTop = (r: { forgetInTop20Count: number }) => `${r.forgetInTop20Count} of ${report.forgotten}`;
  const notes = twinNotes(report, result.centreUser, trainPanelRecall);
  const mark = (key: string) => {
    const k = notes.findIndex((n) => n.key === key);
    return k < 0 ? null : <sup className="note-mark">{k + 1}</sup>;
  };
  // The noise floor is named in the legend, not on its line (a label there sat over the bars).
  const utilityLegend = () => (
    <ul className="chart-legend">
      <li>
        <span className="swatch" style={{ background: PALETTE.blue }} /> Recall@20
      </li>
      <li>
        <span className="swatch" style={{ background: PALETTE.orange }} /> NDCG@20
      </li>
      {noise && (
        <li>
          <span className="key dashed" style={{ borderColor: '#000' }} /> noise floor: a second scratch model on all the data (note {notes.findIndex((n) => n.key === 'noise-floor') + 1})
        </li>
      )}
    </ul>
  );
  return (
    <Figure
      id="metrics"
      title="Metrics per method"
      look="Good unlearning keeps Recall@20 near Retrain's, pushes the forgotten items down like Retrain does, and costs a fraction of its time. Times are first requests, as in the headline; the notes under the table say why a figure differs from its twin elsewhere."
      wide
    >
      <div className="metrics-grid">
        <ChartImage label="Bar chart: Recall@20 and NDCG@20 per method, with the noise floor; the numbers are in the table below">
          <ResponsiveContainer width="100%" height={250}>
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" interval={0} tick={text.tick} />
              <YAxis domain={[0, 'auto']} tickFormatter={(v: number) => fmt(v, 2)} width={48 * text.scale} tick={text.tick} />
              <Tooltip formatter={num} />
              <Legend wrapperStyle={text.legendStyle} content={utilityLegend} />
              <Bar dataKey="recall20" name="Recall@20" fill={PALETTE.blue} isAnimationActive={false} />
              <Bar dataKey="ndcg20" name="NDCG@20" fill={PALETTE.orange} isAnimationActive={false} />
              {noise && <ReferenceLine y={noise.recall20} stroke="#000" strokeDasharray="5 4" />}
            </BarChart>
          </ResponsiveContainer>
        </ChartImage>
        <ChartImage label="Bar chart: time of each method's first request (the one-off cache included) on a log scale; the numbers are in the table below">
          <ResponsiveContainer width="100%" height={250}>
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" interval={0} tick={text.tick} />
              <YAxis scale="log" domain={timeDomain} allowDataOverflow tickFormatter={(v: number) => fmtMs(v)} width={64 * text.scale} tick={text.tick} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? fmtMs(v) : String(v))} />
              <Legend wrapperStyle={text.legendStyle} formatter={legendText} />
              <Bar dataKey="shownMs" name="time of a first request, cache included (log scale)" fill={PALETTE.grey} isAnimationActive={false}>
                {rows.map((r) => (
                  <Cell key={r.name} fill={colour(result, r.name)} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </ChartImage>
      </div>
      <TableScroll label="Metrics per method">
      <table className="result-table" data-testid="metrics-table">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">
              <Term name="recall@20">Recall@20</Term>
            </th>
            <th scope="col">
              <Term name="ndcg@20">NDCG@20</Term>
            </th>
            <th scope="col">
              <Term name="forget-top20">Forgotten items in top-20</Term>
            </th>
            <th scope="col">
              <Term name="forget-rank">Forget-set mean rank</Term>
            </th>
            <th scope="col">
              <Term name="mia-auc">MIA AUC</Term>
            </th>
            <th scope="col">
              <Term name="auc-test-forget">AUC test / forget</Term>
            </th>
            <th scope="col">Trainable params</th>
            <th scope="col">
              <Term name="top20-overlap">Top-20 overlap w/ Retrain</Term>
            </th>
            <th scope="col">Time: first request / cached</th>
            <th scope="col">
              <Term name="speedup">Speed-up</Term>: first / cached
            </th>
          </tr>
        </thead>
        <tbody>
          <tr className="muted-row">
            <th scope="row">Original (before)</th>
            <td>
              <span data-testid="original-recall">{fmt(report.original.recall20, 4)}</span>
              {mark('original-recall')}
            </td>
            <td>{fmt(report.original.ndcg20, 4)}</td>
            <td>{inTop(report.original)}</td>
            <td>{fmt(report.original.forgetMeanRank, 0)}</td>
            <td>{fmt(report.original.miaAuc, 2)}</td>
            <td>
              {fmt(report.original.ctr.test.auc, 2)} / {fmt(report.original.ctr.forget.auc, 2)}
            </td>
            <td>–</td>
            <td>–</td>
            <td>–</td>
            <td>–</td>
          </tr>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">
                <span className="swatch" style={{ background: colour(result, r.name) }} /> {r.label}
              </th>
              <td>{fmt(r.recall20, 4)}</td>
              <td>{fmt(r.ndcg20, 4)}</td>
              <td>{inTop(r)}</td>
              <td>{fmt(r.forgetMeanRank, 0)}</td>
              <td>{fmt(r.miaAuc, 2)}</td>
              <td>
                {fmt(r.ctr.test.auc, 2)} / {fmt(r.ctr.forget.auc, 2)}
              </td>
              <td>{r.trainableParams.toLocaleString()}</td>
              <td>{r.name === 'retrain' ? '1' : fmt(r.top20Overlap, 2)}</td>
              {/* Methods that read the per-model cache show their first request (cache included) and
                  the request once cached; the others cost the same every time. */}
              <td>
                {paidCache(r) ? `${fmtMs(r.firstRequestMs)} / ${fmtMs(r.ms)}` : fmtMs(r.ms)}
                {paidCache(r) && mark('times')}
              </td>
              <td>
                {r.name === 'retrain' ? '1×' : paidCache(r) ? `${fmtRatio(r.speedupFirst)} / ${fmtRatio(r.speedup)}` : fmtRatio(r.speedup)}
              </td>
            </tr>
          ))}
          {ref && (
            <tr className="muted-row" data-testid="reference-row">
              <th scope="row">
                <span className="swatch" style={{ background: '#000' }} /> Proximal reference
              </th>
              <td>{fmt(ref.model.recall20, 4)}</td>
              <td>{fmt(ref.model.ndcg20, 4)}</td>
              <td>{inTop(ref.model)}</td>
              <td>{fmt(ref.model.forgetMeanRank, 0)}</td>
              <td>{fmt(ref.model.miaAuc, 2)}</td>
              <td>–</td>
              <td>–</td>
              <td>{fmt(ref.model.top20Overlap, 2)}</td>
              <td>{fmtMs(ref.ms)} (two L-BFGS runs)</td>
              <td>– (a yardstick)</td>
            </tr>
          )}
          {noise && (
            <tr className="muted-row">
              <th scope="row">
                <Term name="noise-floor">Noise floor</Term> (all data, seed + 1)
              </th>
              <td>
                {fmt(noise.recall20, 4)}
                {mark('noise-floor')}
              </td>
              <td>–</td>
              <td>–</td>
              <td>–</td>
              <td>–</td>
              <td>–</td>
              <td>–</td>
              <td>{fmt(noise.top20Overlap, 2)} (vs original)</td>
              <td>–</td>
              <td>–</td>
            </tr>
          )}
        </tbody>
      </table>
      </TableScroll>
      <ol className="table-notes" data-testid="twin-notes">
        {notes.map((n) => (
          <li key={n.key} data-note={n.key}>
            {n.text}
          </li>
        ))}
      </ol>
    </Figure>
  );
}

/** g. Why per-node movement is not compared with scratch retraining. */
export function ScratchLesson({ result }: { result: ExplorerResult }) {
  const text = useChartText();
  const ref = result.report.reference;
  const noise = ref?.noiseFloor;
  if (!ref || !noise) return null;
  const rows = ref.movementPerHop.map((v, h) => ({ hop: `hop ${h + 1}`, deletion: v, scratch: noise.movementPerHop[h] }));
  const ratio = rows.reduce((a, r) => a + r.scratch, 0) / Math.max(1e-12, rows.reduce((a, r) => a + r.deletion, 0));
  const retrain = result.report.methods.retrain?.fidelity.paramRelErr;
  const far = (x: number) => fmt(x, x >= 10 ? 0 : 2);
  return (
    <Figure
      id="lesson"
      title="Why not compare with scratch retraining?"
      look={`The noise floor — a scratch retrain on all the data with another seed (seed + 1) — moves every node ~${ratio.toFixed(0)}× more than the deletion does, and per node the two are unrelated (r = ${fmt(noise.movementPearson, 2)}); as an update its distance to the reference is ${far(noise.fidelity.paramRelErr)} (no update: 1)${retrain !== undefined && Number.isFinite(retrain) ? `. Retrain — the same seed, without the data — is another model again, at ${far(retrain)}` : ''}. Both show training noise, not the deletion.`}
      data={{ columns: ['hop', 'the deletion (proximal reference)', 'scratch retrain, another seed'], rows: rows.map((r) => [r.hop, r.deletion, r.scratch]) }}
    >
      <ChartImage label="Bar chart: mean movement per hop caused by the deletion against a scratch retrain with another seed">
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="hop" tick={text.tick} />
            <YAxis tickFormatter={(v: number) => fmt(v, 2)} width={70 * text.scale} tick={text.tick} label={text.yTitle('mean ‖Δe‖')} />
            <Tooltip formatter={num} />
            <Legend wrapperStyle={text.legendStyle} formatter={legendText} />
            <Bar dataKey="deletion" name="the deletion (proximal reference)" fill="#000" isAnimationActive={false} />
            <Bar dataKey="scratch" name="scratch retrain, another seed" fill={PALETTE.grey} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartImage>
    </Figure>
  );
}

/** f. The user's top-20 before and after each method, forgotten items marked. For a whole-user deletion
 *  the user's own list would come from a reset row, so the most affected neighbours' lists show instead. */
export function TopLists({ result }: { result: ExplorerResult }) {
  if (result.neighbours) return <NeighbourLists result={result} />;
  const forgotten = new Set(result.forgottenItems);
  const lists: [string, string[]][] = [['Before', result.topBefore], ...result.methods.map((m) => [m.label, result.topAfter[m.name] ?? []] as [string, string[]])];
  return (
    <Figure id="top20" title={`User ${result.centreUser}: top-20 before and after`} look={forgottenCaption(lists, forgotten)} wide>
      <div className="top-lists">
        {lists.map(([label, items]) => (
          <div key={label}>
            <h4>{label}</h4>
            <ol>
              {items.map((it) => (
                <li key={it} className={forgotten.has(it) ? 'forgotten' : undefined}>
                  {it}
                  {forgotten.has(it) && <span className="sr-only"> (forgotten)</span>}
                </li>
              ))}
            </ol>
          </div>
        ))}
      </div>
    </Figure>
  );
}

function NeighbourLists({ result }: { result: ExplorerResult }) {
  const classMode = useClassMode();
  const neighbours = result.neighbours ?? [];
  const [pick, setPick] = useState(0);
  const n = neighbours[Math.min(pick, neighbours.length - 1)];
  const gone = `User ${result.centreUser} is gone: their data and their row are deleted, so there is no list of theirs to show.`;
  if (!n) {
    return (
      <Figure id="top20" title={`User ${result.centreUser} deleted`} look={`${gone} No remaining user shared their items.`} wide>
        <p className="muted">The deletion changed no other user's data.</p>
      </Figure>
    );
  }
  const series: SeriesList[] = [
    ...(n.after.reference ? [{ label: 'Proximal reference', ...n.after.reference }] : []),
    ...result.methods.filter((m) => n.after[m.name]).map((m) => ({ label: m.label, ...n.after[m.name] })),
  ];
  const reference = n.after.reference ? series[0] : undefined;
  return (
    <Figure
      id="top20"
      title={`User ${result.centreUser} deleted: their neighbours' top-20 before and after`}
      look={`${gone} The deletion shows in the lists of the users who shared items with them, most affected first (by the proximal reference's movement). ${enteredCaption(n.user, series, reference)}`}
      actions={
        <select aria-label="Neighbour" value={pick} onChange={(e) => setPick(Number(e.target.value))}>
          {neighbours.map((x, k) => (
            <option key={x.user} value={k}>
              {`${x.user} (shared ${x.shared} of the deleted items)`}
            </option>
          ))}
        </select>
      }
      wide
    >
      {classMode ? (
        // Class mode: only what changed — the items that entered this neighbour's top-20, at their rank.
        <div className="top-changes" data-testid="neighbour-changes">
          {series.map((s) => {
            const entered = s.top.map((it, k) => ({ it, rank: k + 1 })).filter((_, k) => s.entered[k]);
            return (
              <div key={s.label}>
                <h4>{s.label}</h4>
                {entered.length ? (
                  <ul>
                    {entered.map((e) => (
                      <li key={e.it}>
                        <span aria-hidden="true">+ </span>
                        {e.it} <span className="muted">at rank {e.rank}</span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">no item entered</p>
                )}
              </div>
            );
          })}
        </div>
      ) : (
      <div className="top-lists" data-testid="neighbour-lists">
        <div>
          <h4>{n.user} before</h4>
          <ol>
            {n.before.map((it) => (
              <li key={it}>{it}</li>
            ))}
          </ol>
        </div>
        {series.map((s) => (
          <div key={s.label}>
            <h4>{s.label}</h4>
            <ol>
              {s.top.map((it, k) => (
                <li key={it} className={s.entered[k] ? 'entered' : undefined}>
                  {s.entered[k] && <span aria-hidden="true">+ </span>}
                  {it}
                  {s.entered[k] && <span className="sr-only"> (entered the list)</span>}
                </li>
              ))}
            </ol>
          </div>
        ))}
      </div>
      )}
    </Figure>
  );
}
