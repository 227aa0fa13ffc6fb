import { useStore } from '../../store';
import { phaseStatus, STAGES, useNow } from './RunProgress';

/** A result that has not landed: running now (with its progress and time left), waiting, or not run. */
export interface PendingResult {
  name: string;
  label: string;
  state: 'running' | 'waiting' | 'not run';
  fraction: number;
  eta: string;
}

/** What the shown run still owes, from the report's pending list and the live progress. */
export function usePending(): PendingResult[] {
  const result = useStore((s) => s.result);
  const status = useStore((s) => s.resultStatus);
  const progress = useStore((s) => s.unlearnProgress);
  const info = useStore((s) => s.methodInfo);
  const live = status === 'running';
  const now = useNow(live ? 500 : 60_000);
  if (!result) return [];
  const keys = Object.keys(progress);
  const current = keys.at(-1);
  return result.report.pending.map((name) => {
    const label = info.find((m) => m.name === name)?.label ?? (name === 'noise floor' ? 'Noise floor' : (STAGES[name] ?? name));
    if (!live) return { name, label, state: 'not run', fraction: 0, eta: '' };
    if (name !== current) return { name, label, state: 'waiting', fraction: 0, eta: '' };
    return { name, label, state: 'running', ...phaseStatus(progress[name], now) };
  });
}

/** "running… 42% · about 8 s left", "waiting", or why it is missing. */
export function pendingLabel(p: PendingResult, status: string | null): string {
  if (p.state === 'running') return `running… ${Math.round(100 * p.fraction)}% · ${p.eta}`;
  if (p.state === 'waiting') return 'waiting (runs after the results above)';
  return status === 'failed' ? 'not run (the run failed before it)' : 'not run (cancelled)';
}

/**
 * One line under the Results heading while results are still landing, or after a run that stopped:
 * which results are still coming (and when), or which were not run. Nothing once the run is complete.
 */
export function ResultStatus() {
  const status = useStore((s) => s.resultStatus);
  const pending = usePending();
  if (!status || status === 'complete' || pending.length === 0) return null;
  const list = pending.map((p) => `${p.label} (${pendingLabel(p, status)})`).join('; ');
  const text =
    status === 'running'
      ? `First results: the figures fill in as the rest lands — ${list}.`
      : `${status === 'cancelled' ? 'Cancelled' : 'The run failed'}: ${pending.map((p) => p.label).join(', ')} ${pending.length === 1 ? 'was' : 'were'} not run. The figures show the results that landed.`;
  return (
    <p className={`result-status ${status}`} data-testid="result-status" data-status={status}>
      {text}
    </p>
  );
}
