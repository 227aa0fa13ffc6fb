import { CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExplorerResult } from '../../../workers/protocol';
import { useStore } from '../../store';
import { costCaption, costPoints, type CostPoint } from '../../viz/cost';
import { fmt, fmtMs, fmtRatio } from '../../viz/stats';
import { logTicks } from '../../viz/ticks';
import { legendStyle, legendText, tick, xTitle, yTitle } from './chartStyle';
import { ChartImage, Figure } from './Figure';

/** Decades (1 ms, 10 ms, …) around the points with a margin of 1.5×, for the log time axis. */
function decades(ms: number[]): { domain: [number, number]; ticks: number[] } {
  const ticks = logTicks([Math.min(...ms) / 1.5, Math.max(...ms) * 1.5]);
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** A decade tick in plain words: 0.1 ms, 1 ms, 10 ms, 100 ms, 1 s, 10 s (fmtMs's three digits read oddly there). */
function decadeLabel(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`;
}

/** Recall@20 ratio to Retrain against the request's time (log), one point per method, exact ones as diamonds. */
export function CostChart({ result }: { result: ExplorerResult }) {
  const info = useStore((s) => s.methodInfo);
  const points = costPoints(result.methods, result.report.methods);
  if (!points.some((p) => p.name === 'retrain')) return null;
  const x = decades(points.map((p) => p.ms));
  const ratios = points.map((p) => p.recallRatio);
  // Tenths around the ratios (1 always in view, on a tick), every 0.05 when the span is short.
  const lo10 = Math.min(9, Math.floor(Math.min(...ratios) * 10));
  const hi10 = Math.max(11, Math.ceil(Math.max(...ratios) * 10));
  const per = hi10 - lo10 > 5 ? 1 : 2;
  const yTicks = Array.from({ length: (hi10 - lo10) * per + 1 }, (_, k) => (lo10 * per + k) / (10 * per));
  const [yLo, yHi] = [lo10 / 10, hi10 / 10];
  const pending = result.report.pending.filter((n) => n !== 'noise floor').map((n) => info.find((m) => m.name === n)?.label ?? n);
  const look = costCaption(points, pending);
  const shapeOf = (p: CostPoint) => (p.exact ? 'diamond' : 'circle');
  return (
    <Figure
      id="cost"
      title="Utility against cost"
      look={look}
      wide
      data={{
        columns: ['method', 'exact', 'Recall@20 ratio', 'request', 'first request (with one-off work)', 'speed-up', 'shards retrained'],
        rows: points.map((p) => [p.label, p.exact ? 'yes' : 'no', fmt(p.recallRatio, 3), fmtMs(p.ms), fmtMs(p.firstMs), p.name === 'retrain' ? '1×' : fmtRatio(p.speedup), p.shards ? `${p.shards.retrained} of ${p.shards.of}` : '–']),
      }}
    >
      <ChartImage label={`Scatter plot: Recall@20 as a ratio to Retrain's against the request time on a log scale, one point per method (${points.map((p) => `${p.label} ${fmt(p.recallRatio, 2)} at ${fmtMs(p.ms)}${p.exact ? ', exact' : ''}`).join('; ')})`}>
        <ResponsiveContainer width="100%" height={320}>
          <ScatterChart margin={{ top: 8, right: 20, bottom: 4, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="ms"
              scale="log"
              domain={x.domain}
              ticks={x.ticks}
              allowDataOverflow
              tickFormatter={decadeLabel}
              tick={tick}
              height={46}
              label={xTitle('time of a repeated request (log scale)')}
            />
            <YAxis type="number" dataKey="recallRatio" domain={[yLo, yHi]} ticks={yTicks} interval={0} tickFormatter={(v: number) => fmt(v, 2)} width={70} tick={tick} label={yTitle('Recall@20 / Retrain’s')} />
            <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" />
            <Tooltip formatter={(v, key) => (key === 'ms' && typeof v === 'number' ? fmtMs(v) : typeof v === 'number' ? fmt(v, 3) : String(v))} />
            <Legend verticalAlign="top" wrapperStyle={legendStyle} formatter={legendText} />
            {points.map((p) => (
              <Scatter key={p.name} name={p.label} data={[p]} fill={p.colour} shape={shapeOf(p)} legendType={shapeOf(p)} isAnimationActive={false} />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </ChartImage>
    </Figure>
  );
}
