/**
 * "When do influence functions work?": the three lessons side by side — the horizon (μ), the
 * convergence of the trained model, the size of the deletion — each computed on demand in the
 * worker for the current request and read against its own proximal reference with the baselines;
 * each figure says its law in one sentence computed from its numbers (viz/laws.ts).
 */
import { useEffect, useState, type ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExplorerResult, LessonKind, LessonPoints, MethodInfo } from '../../../workers/protocol';
import { HORIZON_METHODS, LESSON_METHODS } from '../../core/unlearn/defaults';
import { engine } from '../../engineClient';
import { useStore } from '../../store';
import { convergenceLaw, horizonLaw, horizonLesson, pct, sizeLaw, stationaritySentence } from '../../viz/laws';
import { logTicks } from '../../viz/ticks';
import type { ChartData } from '../DataTable';
import { Term } from '../Term';
import { BASELINES, num } from './FidelityCharts';
import { legendStyle, legendText, tick, xTitle, yTitle } from './chartStyle';
import { ChartImage, Figure, RunButtons, RunLine } from './Figure';


interface Series {
  key: string;
  label: string;
  colour: string;
  dashed: boolean;
  /** Points only (squares, no line, not in the legend): the size lesson's random fractions. */
  squares?: boolean;
}

/** Labels and colours of the methods (as the engine describes them) and of the baselines. */
function useSeries(methods: readonly string[]): Series[] {
  const [info, setInfo] = useState<MethodInfo[]>([]);
  useEffect(() => {
    void engine().methods().then(setInfo);
  }, []);
  return [
    ...methods.map((name) => {
      const m = info.find((x) => x.name === name);
      return { key: name, label: m?.label ?? name, colour: m?.colour ?? '#333', dashed: false };
    }),
    ...BASELINES.map((b) => ({ key: b.key, label: b.label, colour: b.colour, dashed: true })),
  ];
}

interface Point {
  fidelity: Record<string, { paramRelErr: number }>;
}
/** Parameter errors of a point per series, clamped to the chart's log axis. */
const errors = (p: Point, series: Series[]) =>
  Object.fromEntries(series.map((s) => [s.key, Math.min(10, Math.max(1e-2, p.fidelity[s.key]?.paramRelErr ?? NaN))]));
const table = (p: Point, series: Series[]) => series.map((s) => p.fidelity[s.key]?.paramRelErr ?? NaN);

interface Axis {
  key: string;
  label: string;
  scale: 'log' | 'linear';
  ticks: number[];
  format: (v: number) => string;
  reversed?: boolean;
  domain?: [number, number];
}

/** Parameter relative error (log scale) of each series against a lesson's x. */
function ErrorChart({ rows, x, series, label, marker }: { rows: Record<string, number>[]; x: Axis; series: Series[]; label: string; marker?: { x: number; text: string } }) {
  return (
    <ChartImage label={label}>
      <ResponsiveContainer width="100%" height={320}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey={x.key}
            type="number"
            scale={x.scale}
            domain={x.domain ?? ['dataMin', 'dataMax']}
            reversed={x.reversed}
            ticks={x.ticks}
            tickFormatter={x.format}
            interval={0}
            tick={tick}
            height={46}
            label={xTitle(x.label)}
          />
          <YAxis
            type="number"
            scale="log"
            domain={[0.01, 10]}
            allowDataOverflow
            ticks={[0.01, 0.03, 0.1, 0.3, 1, 3, 10]}
            tickFormatter={(v: number) => String(v)}
            width={62}
            tick={tick}
            label={yTitle('parameter rel. error')}
          />
          <Tooltip formatter={num} labelFormatter={(v) => x.format(Number(v))} />
          <Legend verticalAlign="top" wrapperStyle={legendStyle} formatter={legendText} />
          <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" />
          {marker && <ReferenceLine x={marker.x} stroke="#333" label={{ value: marker.text, position: 'insideTopLeft', style: { fontSize: 13, fill: '#333' } }} />}
          {series.map((s) =>
            s.squares ? (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke="none"
                legendType="none"
                dot={(p: { cx?: number; cy?: number; index?: number; value?: unknown }) =>
                  p.value == null ? <g key={`${s.key}-${p.index}`} /> : <rect key={`${s.key}-${p.index}`} x={(p.cx ?? 0) - 4} y={(p.cy ?? 0) - 4} width={8} height={8} fill={s.colour} />
                }
                isAnimationActive={false}
              />
            ) : (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke={s.colour}
                strokeWidth={s.key === 'ifru' || s.key === 'ifru-recentred' ? 3 : 2}
                strokeDasharray={s.dashed ? '5 4' : undefined}
                dot={{ r: 3 }}
                connectNulls
                isAnimationActive={false}
              />
            ),
          )}
        </LineChart>
      </ResponsiveContainer>
    </ChartImage>
  );
}

/** A lesson's figure: Run / Cancel, progress, and — once computed — its law as the caption, its chart and data. */
function LessonFigure<K extends LessonKind>({
  kind,
  title,
  intro,
  runLabel,
  cost,
  render,
}: {
  kind: K;
  title: string;
  intro: string;
  runLabel: string;
  cost: string;
  render: (points: LessonPoints[K]) => { law: string; data: ChartData; body: ReactNode };
}) {
  const lesson = useStore((s) => s.lessons[kind]) as { forget: string; points: LessonPoints[K] } | undefined;
  const progress = useStore((s) => (s.lessonProgress?.kind === kind ? s.lessonProgress.progress : null));
  const busy = useStore((s) => s.phase !== 'idle');
  const forget = useStore((s) => s.experiment.forget);
  const run = useStore((s) => s.runLesson);
  const cancel = useStore((s) => s.cancel);
  const shown = lesson ? render(lesson.points) : null;
  return (
    <Figure
      id={kind}
      title={title}
      look={shown?.law || intro}
      data={shown?.data}
      actions={<RunButtons testId={`run-${kind}`} label={runLabel} busy={busy} running={!!progress} onRun={() => void run(kind)} onCancel={cancel} />}
    >
      {progress && <RunLine text={progress.message ?? 'starting'} fraction={progress.fraction} label={`${title}: progress`} />}
      {!lesson && !progress && <p className="muted">{cost}</p>}
      {shown?.body}
      {lesson && lesson.forget !== forget && <p className="muted">Computed for {lesson.forget}; run again for the current request.</p>}
    </Figure>
  );
}

function HorizonLesson({ defaultMu }: { defaultMu: number }) {
  const series = useSeries(HORIZON_METHODS);
  return (
    <LessonFigure
      kind="horizon"
      title="The horizon: fidelity against μ"
      intro="Influence functions answer the deletion within a trust region of strength μ around the trained model. Smaller μ asks for a longer horizon — closer to full retraining — and a one-shot update follows it only so far."
      runLabel="Sweep μ from 1e-3 to 1e-6"
      cost="Re-solves the reference and runs IF, IFRU, IFRU (re-centred) and IFRU (fast Hessian) at seven values of μ for this request (seconds on the small preset, a minute or more on the default data)."
      render={(points) => ({
        law: horizonLaw(points),
        data: { columns: ['μ', ...series.map((s) => s.label)], rows: points.map((p) => [p.mu.toExponential(0), ...table(p, series)]) },
        body: (
          <>
            <ErrorChart
              rows={points.map((p) => ({ mu: p.mu, ...errors(p, series) }))}
              x={{ key: 'mu', label: 'μ (smaller → longer horizon)', scale: 'log', reversed: true, ticks: points.map((p) => p.mu), format: (v) => v.toExponential(0) }}
              series={series}
              label="Line chart: parameter relative error of each method and baseline against μ, on log scales; the numbers are under Show data"
            />
            <ul className="lesson" data-testid="horizon-lesson">
              {horizonLesson(points, defaultMu, Object.fromEntries(series.map((x) => [x.key, x.label]))).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          </>
        ),
      })}
    />
  );
}

function ConvergenceLesson({ modelEpochs }: { modelEpochs: number }) {
  const series = useSeries(LESSON_METHODS);
  return (
    <LessonFigure
      kind="convergence"
      title="Convergence: fidelity against training"
      intro="An influence update linearises the loss at the trained model. A model still far from a minimum of its own loss keeps drifting on its own, and a step taken from it confuses that drift with the deletion."
      runLabel="Train again with checkpoints"
      cost={`Trains the model again with its own recipe and seed for ${2 * modelEpochs} epochs, keeping copies at 10 %, 25 %, 50 %, 100 %, 150 % and 200 % of its ${modelEpochs}, then at each copy solves its own reference and runs IF, IFRU and IFRU (re-centred) for this request (a minute on the small preset, several on the default data).`}
      render={(points) => ({
        law: convergenceLaw(points),
        data: {
          columns: ['epochs', 'Recall@20', 'gradient / deletion', 'drift / response', ...series.map((s) => s.label)],
          rows: points.map((p) => [p.epochs, p.recall20, p.stationarity.gradOverSignal, p.stationarity.driftOverResponse, ...table(p, series)]),
        },
        body: (
          <ErrorChart
            rows={points.map((p) => ({ epochs: p.epochs, ...errors(p, series) }))}
            x={{ key: 'epochs', label: 'epochs of training', scale: 'linear', ticks: points.map((p) => p.epochs), format: (v) => String(v) }}
            series={series}
            marker={{ x: modelEpochs, text: 'the model' }}
            label="Line chart: parameter relative error of each method and baseline against the epochs of training, each against that checkpoint's own reference; Recall@20 and the stationarity figures are under Show data"
          />
        ),
      })}
    />
  );
}

function SizeLesson() {
  const series = useSeries(LESSON_METHODS);
  return (
    <LessonFigure
      kind="size"
      title="Size: fidelity against the deletion"
      intro="An influence update is a first-order answer: it is exact for a vanishing deletion and leaves out more the more of the graph a deletion removes."
      runLabel="Delete more and more"
      cost="Forgets one item, 10 %, 25 %, 50 % and all of this request's user, then random 0.1 %, 0.5 % and 2 % of the training data, each against its reference (seconds on the small preset, a few minutes on the default data)."
      render={(points) => {
        const sorted = [...points].sort((a, b) => a.share - b.share);
        // One user's nested deletions as lines, the random fractions of all the data as squares.
        const squares = series.map((s) => ({ ...s, key: `${s.key}·random`, label: `${s.label}, random fraction`, squares: true }));
        const ticks = logTicks(sorted.map((p) => p.share));
        return {
          law: sizeLaw(points),
          data: {
            columns: ['deletion', 'interactions', 'share of the training edges', ...series.map((s) => s.label)],
            rows: sorted.map((p) => [p.request, p.forgotten, pct(p.share), ...table(p, series)]),
          },
          body: (
            <>
              <ErrorChart
                rows={sorted.map((p) => {
                  const e = errors(p, series);
                  return { share: p.share, ...(p.family === 'user' ? e : Object.fromEntries(Object.entries(e).map(([k, v]) => [`${k}·random`, v]))) };
                })}
                x={{ key: 'share', label: 'deleted share of the training edges', scale: 'log', ticks, domain: [ticks[0], ticks[ticks.length - 1]], format: pct }}
                series={[...series, ...squares]}
                label="Line chart: parameter relative error of each method and baseline against the share of the training edges deleted, on log scales: one user's nested deletions as lines, random fractions of all the data as squares; the requests are under Show data"
              />
              <p className="muted">Lines: one user's interactions, from one item to all of them. Squares: random fractions of all the training data.</p>
            </>
          ),
        };
      }}
    />
  );
}

/** The section of the explorer: the three lessons side by side. */
export function Laws({ result }: { result: ExplorerResult }) {
  const modelEpochs = useStore((s) => s.summary?.epochs ?? s.experiment.epochs);
  return (
    <section className="panel laws" aria-labelledby="laws-h" data-testid="laws">
      <h2 id="laws-h">When do influence functions work?</h2>
      <p className="muted">
        An influence update is one step from the trained model, read against the proximal reference. It follows the deletion closely when the horizon μ is short, when the model is near a
        minimum of its own loss, and when the deletion is small against the graph. Each figure measures one of these laws for this request. The dashed lines are the
        baselines, each against its own point's reference: no update (1), random directions with the reference's row norms (√2 expected) and the oracle-scaled gradient.
      </p>
      <div className="laws-grid">
        <HorizonLesson defaultMu={result.report.reference?.mu ?? (result.report.settings.damping as number)} />
        <ConvergenceLesson modelEpochs={modelEpochs} />
        <SizeLesson />
      </div>
    </section>
  );
}

/** The results' plain words on how far the trained model is from a minimum (reference.stationarity). */
export function StationarityNote({ result }: { result: ExplorerResult }) {
  const s = result.report.reference?.stationarity;
  if (!s) return null;
  return (
    <p className="stationarity" data-testid="stationarity">
      <strong>
        How far from a minimum (<Term name="drift">drift</Term>):
      </strong>{' '}
      {stationaritySentence(s)}
    </p>
  );
}
