import { useDeferredValue, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from '../../store';
import { formatForget, parseForget, runnable, type ForgetChoice } from '../../forgetSpec';
import { NumberField } from '../NumberField';
import { RunProgress } from './RunProgress';
import { defaultShards, SHARDED_METHODS } from '../../core/unlearn/defaults';

export function ForgetPanel() {
  const summary = useStore((s) => s.summary);
  const dataset = useStore((s) => s.dataset);
  // Deferred like the map's: the panel's first render with users is time-sliced, not one long task.
  const users = useDeferredValue(useStore((s) => s.users));
  const userItems = useStore((s) => s.userItems);
  const experiment = useStore((s) => s.experiment);
  const phase = useStore((s) => s.phase);
  const setForget = useStore((s) => s.setForget);
  const update = useStore((s) => s.update);
  const unlearn = useStore((s) => s.unlearn);
  const cancel = useStore((s) => s.cancel);
  const methods = useStore((s) => s.methodInfo);
  const listId = useId();

  const choice = parseForget(experiment.forget);
  const committed = choice.mode === 'user' || choice.mode === 'items' ? choice.user : '';
  // The box is a plain text field: what is typed stays as typed (a partial id is not an id yet) and is
  // checked on Enter, on leaving the field and on Forget. A pick elsewhere (map, tour, link) replaces it.
  const [draft, setDraft] = useState(committed);
  const [idError, setIdError] = useState('');
  // Our own commits (valid or cleared after a wrong id) keep what was typed and the message.
  const ownCommit = useRef<string | null>(null);
  useEffect(() => {
    if (ownCommit.current === committed) {
      ownCommit.current = null;
      return;
    }
    setDraft(committed);
    setIdError('');
  }, [committed]);
  const lastMode = useRef<'user' | 'items'>('user');
  if (choice.mode === 'user' || choice.mode === 'items') lastMode.current = choice.mode;
  const heavy = useMemo(() => {
    if (!users) return [];
    return Array.from(users.ids.keys())
      .sort((a, b) => users.degree[b] - users.degree[a] || a - b)
      .map((k) => ({ id: users.ids[k], degree: users.degree[k] }));
  }, [users]);
  // Suggestions: the heaviest users whose id starts with what is typed, at most 50 — a datalist of every
  // user (943 options on the default data) made one main-thread long task when training finished.
  const suggestions = useMemo(() => {
    const typed = draft.trim().toLowerCase();
    const out: typeof heavy = [];
    for (const u of heavy) {
      if (out.length === 50) break;
      if (u.id.toLowerCase().startsWith(typed)) out.push(u);
    }
    return out;
  }, [heavy, draft]);

  if (!summary || !users) {
    return (
      <section className="panel" aria-labelledby="forget-h">
        <h2 id="forget-h" tabIndex={-1}>4 · Forget</h2>
        <p className="muted">Train a model first; then pick a user (here or on the map) and forget their data.</p>
      </section>
    );
  }
  const busy = phase !== 'idle';
  const user = committed;
  const set = (c: ForgetChoice) => void setForget(formatForget(c));
  const setMode = (mode: ForgetChoice['mode']) => {
    if (mode === 'random') set({ mode: 'random', fraction: 0.01 });
    else if (mode === 'items') set({ mode: 'items', user: user || heavy[0].id, items: [] });
    else set({ mode: 'user', user: user || heavy[0].id });
  };
  /** Checks the typed id; a known id becomes the request, anything else says why and clears it (so no
   *  earlier user is forgotten by mistake). Returns whether the request is now that user. */
  const commitDraft = (): boolean => {
    const id = draft.trim();
    if (id === committed && id !== '') return true;
    if (id === '') {
      setIdError('');
      if (committed) {
        ownCommit.current = '';
        set({ mode: 'none' });
      }
      return false;
    }
    if (users.ids.includes(id)) {
      setIdError('');
      ownCommit.current = id;
      set(lastMode.current === 'items' ? { mode: 'items', user: id, items: [] } : { mode: 'user', user: id });
      return true;
    }
    const close = users.ids.filter((x) => x.toLowerCase().startsWith(id.toLowerCase())).slice(0, 5);
    setIdError(
      `“${id}” is not a user id in ${dataset?.name ?? 'this data set'} (${users.ids.length.toLocaleString()} users, e.g. ${heavy[0]?.id ?? '–'}).` +
        (close.length ? ` Did you mean ${close.join(', ')}?` : ''),
    );
    if (committed) {
      ownCommit.current = '';
      set({ mode: 'none' });
    }
    return false;
  };
  const pendingDraft = draft.trim() !== '' && draft.trim() !== committed;
  const draftIndex = users.ids.indexOf(draft.trim());

  return (
    <section className="panel" aria-labelledby="forget-h">
      <h2 id="forget-h" tabIndex={-1}>4 · Forget</h2>
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
            value={draft}
            disabled={busy}
            autoComplete="off"
            spellCheck={false}
            placeholder={heavy[0] ? `e.g. ${heavy[0].id}` : ''}
            aria-invalid={idError ? true : undefined}
            aria-describedby={idError ? `${listId}-err` : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setIdError('');
            }}
            onBlur={() => void commitDraft()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                commitDraft();
              }
            }}
          />
          <datalist id={listId}>
            {suggestions.map((u) => (
              <option key={u.id} value={u.id}>{`${u.degree} interactions`}</option>
            ))}
          </datalist>
          {idError ? (
            <span id={`${listId}-err`} className="field-error" role="alert" data-testid="user-id-error">
              {idError}
            </span>
          ) : (
            // Always one line here, so that committing the id does not move the Forget button under the pointer.
            <span className="muted">{draftIndex >= 0 ? `${users.degree[draftIndex]} train interactions` : '\u00a0'}</span>
          )}
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
      {experiment.methods.some((m) => SHARDED_METHODS.includes(m)) && (
        <NumberField
          label={`Shards k (SISA, RecEraser; ${defaultShards(experiment.data)} for this data)`}
          value={experiment.shards ?? defaultShards(experiment.data)}
          min={2}
          max={16}
          step={1}
          disabled={busy}
          hint="The training data is split into k shards with one model each; forgetting retrains the shards that held the data."
          onChange={(v) => v !== undefined && update({ shards: Math.round(v) === defaultShards(experiment.data) ? undefined : Math.round(v) })}
        />
      )}
      {!experiment.methods.includes('retrain') && <p className="muted">Without Retrain there is no reference for utility and speed-up.</p>}
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="unlearn"
          disabled={(!runnable(choice) && !pendingDraft) || experiment.methods.length === 0}
          aria-disabled={busy || undefined}
          onClick={() => {
            if (busy) return;
            if (pendingDraft && !commitDraft()) return;
            void unlearn();
          }}
        >
          Forget
        </button>
        <button type="button" disabled={phase !== 'unlearning'} onClick={cancel}>
          Cancel
        </button>
      </div>
      {phase === 'unlearning' && <RunProgress labels={Object.fromEntries(methods.map((m) => [m.name, m.label]))} onCancel={cancel} />}
    </section>
  );
}
