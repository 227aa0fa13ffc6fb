import { useEffect, useRef, useState } from 'react';
import type { UnlearnProgress } from '../../../workers/protocol';
import { etaMs, fmtEta, type PhaseClock } from '../../viz/eta';

/** Plain names of the phases that are not a method. */
const STAGES: Record<string, string> = {
  preparing: 'Preparing the model (once per model)',
  'noise floor': 'Noise floor: a second model from scratch (once per model)',
  reference: 'Proximal reference: retraining within the trust region μ',
  metrics: 'Measuring the results',
};

/**
 * A filled bar per phase of a Forget run, in the order they ran, with the time left for the running one.
 * Phases before the running one are done. The block is docked at the bottom of the window while the run
 * lasts, so it stays in view wherever the page is scrolled (the tour's Forget, a long first run).
 */
export function RunProgress({ progress, labels }: { progress: Record<string, UnlearnProgress>; labels: Record<string, string> }) {
  const clocks = useRef<Record<string, PhaseClock>>({});
  const [start] = useState(() => performance.now());
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(performance.now()), 500);
    return () => window.clearInterval(timer);
  }, []);
  const entries = Object.entries(progress);
  for (const [key, p] of entries) clocks.current[key] ??= { t0: performance.now(), f0: Number.isFinite(p.fraction) ? p.fraction : 0 };
  const elapsed = Math.max(0, Math.round((now - start) / 1000));
  const last = entries.at(-1)?.[1];
  const step = last?.step && last.steps ? `step ${last.step} of ${last.steps} · ` : '';
  return (
    <div className="run-progress" data-testid="run-progress" role="region" aria-label="Forget progress">
      <p className="run-progress-head">
        Forgetting… <span className="muted">
          {step}
          {elapsed} s so far
        </span>
      </p>
      <ul className="method-progress">
        {entries.map(([key, p], k) => {
          const running = k === entries.length - 1;
          const fraction = running ? Math.min(1, Math.max(0, Number.isFinite(p.fraction) ? p.fraction : 0)) : 1;
          const name = labels[key] ?? STAGES[key] ?? key;
          const detail = running && p.message && p.message !== name ? ` — ${p.message}` : '';
          return (
            <li key={key} className={running ? 'running' : 'done'}>
              <span>
                {name}
                {detail}
              </span>
              <div className="bar" role="progressbar" aria-label={`${name} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(100 * fraction)}>
                <div style={{ width: `${(100 * fraction).toFixed(1)}%` }} />
              </div>
              <span className="eta">{running ? `${Math.round(100 * fraction)}% · ${fmtEta(etaMs(clocks.current[key], now, fraction))}` : 'done'}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
