import { useEffect } from 'react';
import { useStore } from './store';
import { BackendBadge } from './components/BackendBadge';
import { DatasetPanel } from './components/DatasetPanel';
import { ExperimentPresets } from './components/ExperimentPresets';
import { HyperParams } from './components/HyperParams';
import { Notices } from './components/Notices';
import { Tour } from './components/Tour';
import { TrainPanel } from './components/TrainPanel';
import { TrainingCharts } from './components/TrainingCharts';
import { Welcome } from './components/Welcome';
import { ForgetPanel } from './components/explorer/ForgetPanel';
import { Explorer } from './components/explorer/Explorer';

export function App() {
  const init = useStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="app">
      <header className="top">
        <div>
          <h1>Unlearning Playground</h1>
          <p className="tagline">Train LightGCN in your browser, then watch what forgetting a user does to the graph.</p>
          <div className="row">
            <ExperimentPresets />
            <Tour />
          </div>
        </div>
        <BackendBadge />
      </header>
      <Notices />
      <main className="layout">
        <div className="controls">
          <DatasetPanel />
          <HyperParams />
          <TrainPanel />
          <ForgetPanel />
        </div>
        <div className="results">
          <Welcome />
          <TrainingCharts />
          <Explorer />
        </div>
      </main>
    </div>
  );
}
