import { useStore } from '../store';
import type { Experiment } from '../experiment';
import { DEFAULT_METHODS, DEMO_METHODS } from '../core/unlearn/defaults';

const PRESETS: { id: string; label: string; hint: string; patch: Partial<Experiment> }[] = [
  {
    id: 'demo',
    label: 'Quick class demo',
    hint: 'Small data set, trains in seconds; Retrain vs IF vs IFRU.',
    patch: { data: 'synthetic-small', epochs: 20, lr: 0.01, batch: 1024, dim: 64, layers: 3, reg: 1e-4, methods: [...DEMO_METHODS] },
  },
  {
    id: 'full',
    label: 'Full experiment',
    hint: 'MovieLens-100K scale, every method (about a minute on a laptop).',
    patch: { data: 'synthetic-ml100k', epochs: 30, lr: 0.005, batch: 2048, dim: 64, layers: 3, reg: 1e-4, methods: [...DEFAULT_METHODS] },
  },
];

export function ExperimentPresets() {
  const update = useStore((s) => s.update);
  const loadPreset = useStore((s) => s.loadPreset);
  const busy = useStore((s) => s.phase !== 'idle');
  return (
    <div className="experiment-presets" role="group" aria-label="Experiment presets">
      {PRESETS.map((p) => (
        <button
          key={p.id}
          type="button"
          disabled={busy}
          title={p.hint}
          onClick={async () => {
            update({ ...p.patch, forget: '' });
            await loadPreset(p.patch.data!);
          }}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}
