import { useEffect } from 'react';
import { useStore } from './store';
import { Announcer } from './components/Announcer';
import { BackendBadge } from './components/BackendBadge';
import { DatasetPanel } from './components/DatasetPanel';
import { ExperimentPresets } from './components/ExperimentPresets';
import { HyperParams } from './components/HyperParams';
import { Notices } from './components/Notices';
import { ServingStatus } from './components/ServingStatus';
import { Glossary, openGlossary } from './components/Term';
import { Tour } from './components/Tour';
import { ClassModeToggle } from './components/ClassMode';
import { TrainPanel } from './components/TrainPanel';
import { TrainingCharts } from './components/TrainingCharts';
import { Welcome } from './components/Welcome';
import { ForgetPanel } from './components/explorer/ForgetPanel';
import { Explorer } from './components/explorer/Explorer';
import { EmbeddingMap } from './components/explorer/EmbeddingMap';
import { ChartWarmup } from './components/explorer/ChartWarmup';

/** Skip links jump over the data and hyper-parameter fields straight to the actions. */
function skipTo(selector: string) {
  return (e: React.MouseEvent) => {
    e.preventDefault();
    const el = document.querySelector<HTMLElement>(selector);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  };
}

/**
 * Two columns on a wide screen, one on a narrow one. The DOM order is the order of the work — set up
 * and train, look at the model (curves, map: pick a user there), forget, read the results — so the map
 * comes before Forget for the keyboard too; the grid places Forget under Train on a wide screen.
 */
export function App() {
  const init = useStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="app">
      <nav className="skip-links" aria-label="Skip links">
        <a href="#train-h" onClick={skipTo('[data-testid=train]')}>
          Skip to Train
        </a>
        <a href="#forget-h" onClick={skipTo('#forget-h')}>
          Skip to Forget
        </a>
      </nav>
      <header className="top">
        <div>
          <h1>Unlearning Playground</h1>
          <p className="tagline">Train LightGCN in your browser, then watch what forgetting a user does to the graph.</p>
          <div className="row">
            <ExperimentPresets />
            <Tour />
            <ClassModeToggle />
            <button type="button" className="tour-open" onClick={openGlossary}>
              Glossary
            </button>
          </div>
        </div>
        <div className="top-side">
          <BackendBadge />
          <ServingStatus />
        </div>
      </header>
      <Notices />
      <Announcer />
      <main className="layout">
        <div className="controls setup-area">
          <DatasetPanel />
          <HyperParams />
          <TrainPanel />
        </div>
        <div className="results model-area">
          <Welcome />
          <TrainingCharts />
          <EmbeddingMap />
        </div>
        <div className="controls forget-area">
          <ForgetPanel />
        </div>
        <div className="results results-area">
          <Explorer />
        </div>
      </main>
      <Glossary />
      <ChartWarmup />
    </div>
  );
}
