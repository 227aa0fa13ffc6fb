import { useStore } from '../store';
import { NumberField } from './NumberField';
import { bounds, DEFAULT_EXPERIMENT } from '../experiment';

export function HyperParams() {
  const config = useStore((s) => s.experiment);
  const setConfig = useStore((s) => s.update);
  const disabled = useStore((s) => s.phase === 'training');
  const num = (v: number | undefined, fallback: number) => (v === undefined ? fallback : v);
  return (
    <section className="panel" aria-labelledby="hp-h">
      <h2 id="hp-h">2 · LightGCN</h2>
      <div className="fields">
        <NumberField label="Epochs" value={config.epochs} {...bounds('epochs')} step={1} disabled={disabled} onChange={(v) => setConfig({ epochs: num(v, config.epochs) })} />
        <NumberField label="Embedding dim" value={config.dim} {...bounds('dim')} step={1} disabled={disabled} onChange={(v) => setConfig({ dim: num(v, config.dim) })} />
        <NumberField label="Layers K" value={config.layers} {...bounds('layers')} step={1} disabled={disabled} onChange={(v) => setConfig({ layers: num(v, config.layers) })} />
        <NumberField label="Learning rate" value={config.lr} {...bounds('lr')} step={0.001} disabled={disabled} onChange={(v) => setConfig({ lr: num(v, config.lr) })} />
        <NumberField label="L2 λ" value={config.reg} {...bounds('reg')} step={0.0001} disabled={disabled} onChange={(v) => setConfig({ reg: num(v, config.reg) })} />
        <NumberField label="Batch" value={config.batch} {...bounds('batch')} step={256} disabled={disabled} onChange={(v) => setConfig({ batch: num(v, config.batch) })} />
        <NumberField label="Seed" value={config.seed} {...bounds('seed')} step={1} disabled={disabled} onChange={(v) => setConfig({ seed: num(v, config.seed) })} />
      </div>
      <button type="button" className="link" disabled={disabled} onClick={() => setConfig({ epochs: DEFAULT_EXPERIMENT.epochs, dim: DEFAULT_EXPERIMENT.dim, layers: DEFAULT_EXPERIMENT.layers, lr: DEFAULT_EXPERIMENT.lr, reg: DEFAULT_EXPERIMENT.reg, batch: DEFAULT_EXPERIMENT.batch, seed: DEFAULT_EXPERIMENT.seed })}>
        Reset to defaults
      </button>
    </section>
  );
}
