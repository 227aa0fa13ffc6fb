import { useEffect, useRef, useState } from 'react';
import { useStore, type TimedProgress } from '../../store';
import { etaMs, fmtEta } from '../../viz/eta';

/** Plain names of the phases that are not a method. */
export const STAGES: Record<string, string> = {
  preparing: 'Preparing the model (once per model)',
  'noise floor': 'Noise floor: a second model from scratch (once per model)',
  reference: 'Proximal reference: retraining within the trust region μ',
  metrics: 'Measuring the first results',
};

/** The running phase's fraction (0..1) and time left, from its clock. */
export function phaseStatus(p: TimedProgress, now: number): { fraction: number; eta: string } {
  const fraction = Math.min(1, Math.max(0, Number.isFinite(p.fraction) ? p.fraction : 0));
  return { fraction, eta: fmtEta(etaMs(p, now, fraction)) };
}

/** Re-renders every `ms` while mounted (clocks and ETAs). */
export function useNow(ms = 500): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(performance.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * A filled bar per phase of a Forget run, in the order they ran, with the time left for the running one,
 * and a Cancel of its own. It sits in the Forget panel, in the flow of the page (it covers nothing).
 * When it is scrolled out of view, a one-line bar docks at the top of the window with the running
 * phase and the same Cancel: the run stays in view and in reach wherever the page is scrolled, and the
 * panel's own buttons (next to the block) are never under it.
 */
export function RunProgress({ labels, onCancel }: { labels: Record<string, string>; onCancel: () => void }) {
  // Read here, not in the panel: a progress tick re-renders this block only.
  const progress = useStore((s) => s.unlearnProgress);
  const [start] = useState(() => performance.now());
  const now = useNow();
  const block = useRef<HTMLDivElement>(null);
  const [docked, setDocked] = useState(false);
  useEffect(() => {
    const el = block.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => setDocked(!entry.isIntersecting));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const entries = Object.entries(progress);
  const elapsed = Math.max(0, Math.round((now - start) / 1000));
  const last = entries.at(-1);
  const step = last?.[1].step && last[1].steps ? `step ${last[1].step} of ${last[1].steps} · ` : '';
  const nameOf = (key: string) => labels[key] ?? STAGES[key] ?? key;
  const running = last ? { name: nameOf(last[0]), ...phaseStatus(last[1], now) } : null;
  return (
    <>
      <div className="run-progress" data-testid="run-progress" role="region" aria-label="Forget progress" ref={block}>
        <div className="run-progress-head">
          <p>
            Forgetting… <span className="muted">
              {step}
              {elapsed} s so far
            </span>
          </p>
          <button type="button" onClick={onCancel} data-testid="progress-cancel">
            Cancel
          </button>
        </div>
        <ul className="method-progress">
          {entries.map(([key, p], k) => {
            const isRunning = k === entries.length - 1;
            const { fraction, eta } = isRunning ? phaseStatus(p, now) : { fraction: 1, eta: '' };
            const name = nameOf(key);
            const detail = isRunning && p.message && p.message !== name ? ` — ${p.message}` : '';
            return (
              <li key={key} className={isRunning ? 'running' : 'done'}>
                <span>
                  {name}
                  {detail}
                </span>
                <div className="bar" role="progressbar" aria-label={`${name} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(100 * fraction)}>
                  <div style={{ width: `${(100 * fraction).toFixed(1)}%` }} />
                </div>
                <span className="eta">{isRunning ? `${Math.round(100 * fraction)}% · ${eta}` : 'done'}</span>
              </li>
            );
          })}
        </ul>
      </div>
      {docked && running && (
        <div className="run-dock" data-testid="run-dock" role="region" aria-label="Forget progress (docked)">
          <span className="run-dock-text">
            Forgetting… {step}
            <strong>{running.name}</strong> {Math.round(100 * running.fraction)}% · {running.eta}
          </span>
          <button type="button" onClick={onCancel} data-testid="dock-cancel">
            Cancel
          </button>
        </div>
      )}
    </>
  );
}
