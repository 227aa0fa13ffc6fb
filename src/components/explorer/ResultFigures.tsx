import { memo } from 'react';
import type { ExplorerResult } from '../../../workers/protocol';
import { CostChart } from './CostChart';
import { FidelityChart } from './FidelityCharts';
import { Laws } from './Laws';
import { NeighbourhoodGraph } from './NeighbourhoodGraph';
import { HopChart, MetricsChart, MovementScatter, TopLists } from './charts';
import { TransformerPanel } from './TransformerPanel';
import { Staged } from './Staged';
import { useClassMode } from './chartStyle';

// Memoised: a figure re-renders only when its own inputs change (Staged hands each its turn).
const Graph = memo(NeighbourhoodGraph);
const Fidelity = memo(FidelityChart);
const Cost = memo(CostChart);
const Hops = memo(HopChart);
const Scatter = memo(MovementScatter);
const Metrics = memo(MetricsChart);
const Tops = memo(TopLists);
const LawsM = memo(Laws);

/** The explorer's figures, each drawn in a task of its own (Staged), top to bottom, when a result
 *  lands (the noise-floor figure sits in the two references' story, above them). In class mode the
 *  lesson comes first — the spillover picture, movement per hop and what changed in the neighbours'
 *  top-20 — and the diagnostics (when influence functions work: the μ sweep and the other lessons;
 *  E2URec on a transformer) are folded away. */
export function ResultFigures({ result, series, onSeries }: { result: ExplorerResult; series: string; onSeries: (s: string) => void }) {
  const classMode = useClassMode();
  const graph = <Staged value={result}>{(r) => <Graph result={r} series={series} onSeries={onSeries} />}</Staged>;
  if (!classMode) {
    return (
      <>
        <div className="figure-grid">
          {graph}
          <Staged value={result}>{(r) => <Fidelity result={r} />}</Staged>
          <Staged value={result}>{(r) => <Cost result={r} />}</Staged>
          <Staged value={result}>{(r) => <Hops result={r} />}</Staged>
          <Staged value={result}>{(r) => <Scatter result={r} />}</Staged>
          <Staged value={result}>{(r) => <Metrics result={r} />}</Staged>
          <Staged value={result}>{(r) => <Tops result={r} />}</Staged>
          <TransformerPanel />
        </div>
        <Staged value={result}>{(r) => <LawsM result={r} />}</Staged>
      </>
    );
  }
  return (
    <>
      <div className="figure-grid" data-testid="lesson-figures">
        {graph}
        <div className="figure-stack">
          <Staged value={result}>{(r) => <Hops result={r} />}</Staged>
          <Staged value={result}>{(r) => <Tops result={r} />}</Staged>
        </div>
      </div>
      <div className="figure-grid">
        <Staged value={result}>{(r) => <Fidelity result={r} />}</Staged>
        <Staged value={result}>{(r) => <Cost result={r} />}</Staged>
        <Staged value={result}>{(r) => <Scatter result={r} />}</Staged>
        <Staged value={result}>{(r) => <Metrics result={r} />}</Staged>
      </div>
      <details className="panel diagnostics" data-testid="diagnostics">
        <summary>Diagnostics: when influence functions work (the μ sweep and more), E2URec on a transformer recommender</summary>
        <Staged value={result}>{(r) => <LawsM result={r} />}</Staged>
        <div className="figure-grid">
          <TransformerPanel />
        </div>
      </details>
    </>
  );
}
