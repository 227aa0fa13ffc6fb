import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';

/**
 * Compiles the chart library before the first result lands. The first chart a page mounts runs most of
 * recharts' code for the first time (its store, selectors, scales, text measurement): on a loaded
 * 2-core machine that cold first mount took 150–290 ms in one task, the same figures 60–70 ms on a
 * second Forget in the same page. So while the page is idle (it waits for a data set or a training),
 * a bar, a line and a scatter chart with the parts the explorer's figures use are mounted out of sight,
 * one per idle moment, a few times each, and removed. Nothing here is a result: the rows are the numbers 1 to 3, the
 * element is hidden from view and from assistive technology, and it is gone before anyone could look.
 */
const ROWS = [1, 2, 3].map((k) => ({ x: `x${k}`, a: k, b: 4 - k, c: k / 2 }));
const SERIES = ['a', 'b', 'c'] as const;

const CHARTS = [
  () => (
    <BarChart data={ROWS} margin={{ top: 8, right: 8, bottom: 4, left: 4 }} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="x" />
      <YAxis width={76} label={{ value: 'y', angle: -90, position: 'insideLeft' }} />
      <Tooltip />
      <Legend />
      <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" label={{ value: 'one', position: 'insideTopLeft' }} />
      {SERIES.map((s) => (
        <Bar key={s} dataKey={s} isAnimationActive={false} />
      ))}
    </BarChart>
  ),
  () => (
    <LineChart data={ROWS.map((r, k) => ({ ...r, n: k + 1 }))} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="n" type="number" scale="log" domain={['dataMin', 'dataMax']} interval={0} label={{ value: 'x', position: 'insideBottom' }} />
      <YAxis type="number" scale="log" domain={[0.1, 10]} allowDataOverflow />
      <Tooltip />
      <Legend verticalAlign="top" />
      <ReferenceLine x={2} stroke="#333" label={{ value: 'two', position: 'insideTopLeft' }} />
      {SERIES.map((s) => (
        <Line key={s} dataKey={s} dot={{ r: 3 }} connectNulls isAnimationActive={false} />
      ))}
    </LineChart>
  ),
  () => (
    <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis type="number" dataKey="a" scale="log" domain={[0.1, 10]} allowDataOverflow height={46} label={{ value: 'x', position: 'insideBottom' }} />
      <YAxis type="number" dataKey="b" domain={[0, 4]} width={70} />
      <ReferenceLine y={1} stroke="#999" strokeDasharray="4 4" />
      <Tooltip />
      <Legend verticalAlign="top" />
      {ROWS.map((r, k) => (
        <Scatter key={r.x} name={r.x} data={[r]} shape={k ? 'circle' : 'diamond'} legendType={k ? 'circle' : 'diamond'} isAnimationActive={false} />
      ))}
    </ScatterChart>
  ),
];

/** Each chart is mounted ROUNDS times: a function run a few times is compiled past its first, slowest tier. */
const ROUNDS = 3;
const STEPS = ROUNDS * CHARTS.length;

type Idle = (cb: () => void) => number;
const whenIdle: Idle = (cb) =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(cb, { timeout: 3000 }) : (setTimeout(cb, 300) as unknown as number);
const cancelIdle = (h: number) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(h) : clearTimeout(h));

export function ChartWarmup() {
  // 0: not started; k: chart (k-1) mod CHARTS.length is mounted; STEPS + 1: done (nothing mounted).
  const [step, setStep] = useState(0);
  useEffect(() => {
    if (step > STEPS) return;
    const h = whenIdle(() => setStep((s) => s + 1));
    return () => cancelIdle(h);
  }, [step]);
  if (step === 0 || step > STEPS) return null;
  return (
    <div aria-hidden="true" inert className="chart-warmup" data-testid="chart-warmup">
      <ResponsiveContainer key={step} width={480} height={240}>
        {CHARTS[(step - 1) % CHARTS.length]()}
      </ResponsiveContainer>
    </div>
  );
}
