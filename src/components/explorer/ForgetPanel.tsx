import { useEffect, useId, useMemo, useState } from 'react';
import { useStore } from '../../store';
import { engine } from '../../engineClient';
import { formatForget, parseForget, runnable, type ForgetChoice } from '../../forgetSpec';
import { NumberField } from '../NumberField';
import type { MethodInfo } from '../../../workers/protocol';

export function ForgetPanel() {
  const summary = useStore((s) => s.summary);
  const users = useStore((s) => s.users);
  const userItems = useStore((s) => s.userItems);
  const experiment = useStore((s) => s.experiment);
  const phase = useStore((s) => s.phase);
  const progress = useStore((s) => s.unlearnProgress);
  const setForget = useStore((s) => s.setForget);
  const update = useStore((s) => s.update);
  const unlearn = useStore((s) => s.unlearn);
  const cancel = useStore((s) => s.cancel);
  const [methods, setMethods] = useState<MethodInfo[]>([]);
  const listId = useId();
  useEffect(() => {
    void engine().methods().then(setMethods);
  }, []);

  const choice = parseForget(experiment.forget);
  const heavy = useMemo(() => {
    if (!users) return [];
    return Array.from(users.ids.keys())
      .sort((a, b) => users.degree[b] - users.degree[a] || a - b)
      .map((k) => ({ id: users.ids[k], degree: users.degree[k] }));
  }, [users]);

  if (!summary || !users) {
    return (
      <section className="panel" aria-labelledby="forget-h">
        <h2 id="forget-h">4 · Forget</h2>
        <p className="muted">Train a model first; then pick a user (here or on the map) and forget their data.</p>
      </section>
    );
  }
  const busy = phase !== 'idle';
  const user = choice.mode === 'user' || choice.mode === 'items' ? choice.user : '';
  const set = (c: ForgetChoice) => void setForget(formatForget(c));
  const setMode = (mode: ForgetChoice['mode']) => {
    if (mode === 'random') set({ mode: 'random', fraction: 0.01 });
    else if (mode === 'items') set({ mode: 'items', user: user || heavy[0].id, items: [] });
    else set({ mode: 'user', user: user || heavy[0].id });
  };
  const degree = user ? users.degree[users.ids.indexOf(user)] : undefined;

  return (
    <section className="panel" aria-labelledby="forget-h">
      <h2 id="forget-h">4 · Forget</h2>
      <fieldset className="modes" disabled={busy}>
        <legend className="sr-only">What to forget</legend>
        {(
          [
            ['user', 'a whole user'],
            ['items', 'some of their items'],
            ['random', 'a random fraction'],
          ] as const
        ).map(([mode, label]) => (
          <label key={mode}>
            <input type="radio" name="forget-mode" checked={choice.mode === mode} onChange={() => setMode(mode)} /> {label}
          </label>
        ))}
      </fieldset>
      {(choice.mode === 'user' || choice.mode === 'items' || choice.mode === 'none') && (
        <div className="field">
          <label htmlFor={`${listId}-user`}>User (type an id, or click one on the map)</label>
          <input
            id={`${listId}-user`}
            list={listId}
            value={user}
            disabled={busy}
            placeholder={heavy[0] ? `e.g. ${heavy[0].id}` : ''}
            onChange={(e) => {
              const id = e.target.value.trim();
              if (users.ids.includes(id)) set(choice.mode === 'items' ? { mode: 'items', user: id, items: [] } : { mode: 'user', user: id });
              else if (id === '') set({ mode: 'none' });
            }}
          />
          <datalist id={listId}>
            {heavy.map((u) => (
              <option key={u.id} value={u.id}>{`${u.degree} interactions`}</option>
            ))}
          </datalist>
          {degree !== undefined && <span className="muted">{degree} train interactions</span>}
        </div>
      )}
      {choice.mode === 'items' && (
        <div className="item-picks" role="group" aria-label="Items to forget">
          {userItems.map((it) => (
            <label key={it}>
              <input
                type="checkbox"
                disabled={busy}
                checked={choice.items.includes(it)}
                onChange={(e) =>
                  set({ ...choice, items: e.target.checked ? [...choice.items, it] : choice.items.filter((x) => x !== it) })
                }
              />{' '}
              {it}
            </label>
          ))}
        </div>
      )}
      {choice.mode === 'random' && (
        <NumberField label="Fraction of train interactions" value={choice.fraction} min={0.0005} max={0.5} step={0.005} disabled={busy} onChange={(v) => v && set({ mode: 'random', fraction: v })} />
      )}
      <fieldset className="methods" disabled={busy}>
        <legend>Methods</legend>
        {methods.map((m) => (
          <label key={m.name} title={m.hint}>
            <input
              type="checkbox"
              checked={experiment.methods.includes(m.name)}
              onChange={(e) =>
                update({
                  methods: e.target.checked
                    ? methods.map((x) => x.name).filter((n) => n === m.name || experiment.methods.includes(n))
                    : experiment.methods.filter((n) => n !== m.name),
                })
              }
            />{' '}
            {m.label}
          </label>
        ))}
      </fieldset>
      {!experiment.methods.includes('retrain') && <p className="muted">Without Retrain there is no reference for utility and speed-up.</p>}
      <div className="row">
        <button type="button" className="primary" data-testid="unlearn" disabled={busy || !runnable(choice) || experiment.methods.length === 0} onClick={() => void unlearn()}>
          Forget
        </button>
        <button type="button" disabled={phase !== 'unlearning'} onClick={cancel}>
          Cancel
        </button>
      </div>
      {phase === 'unlearning' && (
        <ul className="method-progress" aria-live="polite">
          {Object.entries(progress).map(([key, p]) => (
            <li key={key}>
              <span>
                {key}
                {p.message ? ` — ${p.message}` : p.stage !== key ? ` — ${p.stage}` : ''}
              </span>
              <progress value={p.fraction} max={1} aria-label={`${key} progress`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
