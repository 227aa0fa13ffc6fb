import { useStore, type Serving } from '../store';
import { BACKEND_ORDER } from '../../workers/protocol';
import { Term } from './Term';

/** Where cross-origin isolation (SharedArrayBuffer, threads) comes from, or why there is none. */
function isolationLine({ isolation, isolationNote }: Serving): string {
  if (isolation === 'server') return 'Cross-origin isolated by the server’s headers';
  if (isolation === 'service-worker') return 'Cross-origin isolated by the service worker (the host sends no headers)';
  if (isolation === 'none') return `Not cross-origin isolated, so one thread${isolationNote ? `: ${isolationNote}` : ''}`;
  return 'Cross-origin isolation: checking…';
}

export function BackendBadge() {
  const backend = useStore((s) => s.backend);
  const choice = useStore((s) => s.experiment.backend);
  const phase = useStore((s) => s.phase);
  const chooseBackend = useStore((s) => s.chooseBackend);
  const serving = useStore((s) => s.serving);
  // Class mode folds the backend's timings away (a diagnostic, not the lesson).
  const folded = useStore((s) => s.experiment.class);
  const label = backend ? backend.backend + (backend.adapter ? ` · ${backend.adapter}` : '') : 'starting…';
  const threads = backend?.threads;
  const tried = backend?.tried.map((t) => `${t.name}: ${t.ok ? 'ok' : t.error ?? 'failed'}${t.ms ? ` (${t.ms.toFixed(0)} ms)` : ''}`).join('\n');
  return (
    <div className="backend">
      <span className="badge" data-testid="backend-badge" title={tried}>
        {label}
      </span>
      {backend && !folded && (
        <span className="backend-reason">
          {backend.reason} (<Term name="spmm">SpMM</Term>)
        </span>
      )}
      {backend && folded && (
        <details className="backend-reason">
          <summary>Why this backend (timings)</summary>
          {backend.reason} (<Term name="spmm">SpMM</Term>)
        </details>
      )}
      <span className="backend-reason" data-testid="isolation">
        {isolationLine(serving)}
      </span>
      {threads && (
        <span className="backend-threads" data-testid="backend-threads" title="Threads of the WebAssembly kernels (SpMM, gradient, Hessian, training step)">
          {threads.threads === 1 ? `1 thread: ${threads.reason.replace(/^one thread: /, '')}` : `${threads.threads} threads`}
          {backend.tfjsThreads ? ` (tfjs wasm: ${backend.tfjsThreaded ? 'threaded build, ' : ''}${backend.tfjsThreads})` : ''}
        </span>
      )}
      <label>
        Backend{' '}
        <select value={choice} disabled={phase !== 'idle'} onChange={(e) => void chooseBackend(e.target.value)} aria-label="Force a backend">
          <option value="auto">auto (fastest that works)</option>
          {BACKEND_ORDER.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
