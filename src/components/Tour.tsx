import { useEffect, useRef, useState } from 'react';
import { useStore } from '../store';
import { parseForget } from '../forgetSpec';
import { DATA_PRESETS } from '../presets';
import { spilloverSentence } from '../viz/captions';

/** A four-step guided tour for a class: train → pick a user → forget → read the spillover chart, then Finish. */
export function Tour() {
  const [open, setOpen] = useState(false);
  const summary = useStore((s) => s.summary);
  const users = useStore((s) => s.users);
  const forget = useStore((s) => s.experiment.forget);
  const result = useStore((s) => s.result);
  const phase = useStore((s) => s.phase);
  const train = useStore((s) => s.train);
  const setForget = useStore((s) => s.setForget);
  const unlearn = useStore((s) => s.unlearn);
  const data = useStore((s) => s.experiment.data);
  const update = useStore((s) => s.update);
  const box = useRef<HTMLElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  // Opening moves the focus into the tour; closing gives it back to the button that opened it.
  useEffect(() => {
    if (open) box.current?.focus();
    else if (wasOpen.current) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);

  if (!open) {
    return (
      <button
        ref={opener}
        type="button"
        className="tour-open"
        onClick={() => {
          // A tour is a class: larger text and the lesson's figures first (the switch turns it off).
          update({ class: true });
          setOpen(true);
        }}
      >
        Guided tour
      </button>
    );
  }
  const picked = parseForget(forget).mode !== 'none';
  const step = !summary ? 0 : !picked ? 1 : !result ? 2 : 3;
  const busy = phase !== 'idle';
  // The preset's measured tour user when it has one, else the heaviest user.
  const suggested = DATA_PRESETS.find((p) => p.id === data)?.tourUser;
  const tourUser = suggested && users?.ids.includes(suggested) ? suggested : null;
  const pick = () => {
    if (!users) return;
    let best = 0;
    for (let u = 1; u < users.ids.length; u++) if (users.degree[u] > users.degree[best]) best = u;
    void setForget(`user:${tourUser ?? users.ids[best]}`);
  };
  const methods = result?.report.methods;
  // Mean movement per hop beside the reference's (fidelity), else the older per-hop figure.
  const figures = (m?: { fidelity?: { perHop: number[]; scoreRelErr: number }; movementPerHop: number[] }) =>
    m && { perHop: m.fidelity?.perHop.length ? m.fidelity.perHop : m.movementPerHop, scoreRelErr: m.fidelity?.scoreRelErr };
  const spillover = result
    ? spilloverSentence({ if: figures(methods?.if), ifru: figures(methods?.ifru), reference: result.report.reference?.movementPerHop })
    : '';
  const steps = [
    { title: 'Train a recommender', text: 'LightGCN learns user and item embeddings from who interacted with what. Watch the loss fall and Recall@20 rise.', action: 'Train now', run: () => void train() },
    {
      title: 'Pick a user to forget',
      text: `Click a blue dot on the map, or type an id in “4 · Forget”.${tourUser ? ` On this data ${tourUser} shows the spillover clearly.` : ' A heavy user shows spillover best.'}`,
      action: tourUser ? `Pick ${tourUser}` : 'Pick the heaviest user',
      run: pick,
    },
    { title: 'Forget them', text: 'Retrain starts from scratch without their data. IFRU instead estimates the change with influence functions: compare the times.', action: 'Forget now', run: () => void unlearn() },
    {
      title: 'Read the spillover chart',
      text: `Deleting one user moves their items (ring 1), the users who share those items (ring 2), and their items (ring 3). Colour the graph by the proximal reference — what the deletion does — then by “IFRU − IF (direct)”: what the spillover term alone moves. ${spillover} That is the tour: Finish closes it (class mode stays on until you switch it off); try another user or method any time.`,
      action: 'Show me the chart',
      run: () => document.querySelector('[data-testid=fig-neighbourhood]')?.scrollIntoView({ behavior: 'smooth' }),
    },
  ];
  const s = steps[step];
  const last = step === steps.length - 1;
  return (
    <aside className="tour panel" aria-label="Guided tour" ref={box} tabIndex={-1}>
      <div className="tour-head">
        <strong aria-live="polite">
          Step {step + 1} of {steps.length} · {s.title}
        </strong>
        <button type="button" className="small" onClick={() => setOpen(false)} aria-label="Close the tour">
          ×
        </button>
      </div>
      <p>{s.text}</p>
      <div className="row">
        <button
          type="button"
          className={last ? undefined : 'primary'}
          aria-disabled={busy || undefined}
          onClick={() => {
            if (!busy) s.run();
          }}
        >
          {busy ? `${s.action} (working…)` : s.action}
        </button>
        {last && (
          <button type="button" className="primary" onClick={() => setOpen(false)}>
            Finish
          </button>
        )}
      </div>
    </aside>
  );
}
