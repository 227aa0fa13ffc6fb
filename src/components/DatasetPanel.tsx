import { useState } from 'react';
import { useStore } from '../store';
import { DATA_PRESETS } from '../presets';
import { NumberField } from './NumberField';

export function DatasetPanel() {
  const dataset = useStore((s) => s.dataset);
  const phase = useStore((s) => s.phase);
  const progress = useStore((s) => s.loadProgress);
  const options = useStore((s) => s.experiment);
  const setDataOptions = useStore((s) => s.update);
  const loadPreset = useStore((s) => s.loadPreset);
  const loadFile = useStore((s) => s.loadFile);
  const cancel = useStore((s) => s.cancel);
  const neededFile = useStore((s) => s.neededFile);
  const [dragging, setDragging] = useState(false);
  const busy = phase !== 'idle';

  return (
    <section className="panel" aria-labelledby="data-h">
      <h2 id="data-h">1 · Data</h2>
      <div className="preset-buttons">
        {DATA_PRESETS.map((p) => (
          <button key={p.id} type="button" disabled={busy} onClick={() => void loadPreset(p.id)} title={p.description}>
            {p.label}
          </button>
        ))}
      </div>
      {neededFile && (
        <p className="needed-file" data-testid="needed-file">
          This link&apos;s experiment runs on your file <strong>{neededFile.name}</strong> ({neededFile.size.toLocaleString('en-US')} bytes, SHA-256{' '}
          <code title={neededFile.hash}>{neededFile.hash.slice(0, 12)}…</code>), which this browser does not keep. Load that file below and
          the experiment continues.
        </p>
      )}
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const f = e.dataTransfer.files[0];
          if (f && !busy) void loadFile(f);
        }}
      >
        <label>
          Your own file (u.data, ratings.dat/.csv, .inter, CSV/TSV with a header) — drop it here or{' '}
          <input
            type="file"
            data-testid="file-input"
            disabled={busy}
            accept=".data,.dat,.csv,.tsv,.txt,.inter"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void loadFile(f);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      <details>
        <summary>Data options (apply on the next load)</summary>
        <div className="fields">
          <NumberField label="Keep ratings ≥" value={options.threshold} optional min={0} step={0.5} onChange={(v) => setDataOptions({ threshold: v })} />
          <NumberField label="k-core" value={options.kCore} optional min={1} step={1} onChange={(v) => setDataOptions({ kCore: v })} />
          <NumberField label="Test fraction" value={options.testFraction} min={0.05} max={0.5} step={0.05} onChange={(v) => setDataOptions({ testFraction: v ?? 0.2 })} />
        </div>
      </details>
      {phase === 'loading' && (
        <div className="row">
          <progress aria-label="Loading data" value={progress ?? undefined} max={1} style={{ flex: 1 }} />
          <button type="button" className="small" onClick={cancel}>
            Cancel
          </button>
        </div>
      )}
      {dataset && (
        <p className="dataset-summary" data-testid="dataset-summary">
          <strong>{dataset.name}</strong>: {dataset.users.toLocaleString()} users · {dataset.items.toLocaleString()} items ·{' '}
          {dataset.train.toLocaleString()} train · {dataset.test.toLocaleString()} test
        </p>
      )}
    </section>
  );
}
