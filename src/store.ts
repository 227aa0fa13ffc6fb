/**
 * The one store of the app: the experiment (one typed object that round-trips through the URL), what
 * the worker reported, and the actions that talk to the worker. Components read it with selectors and
 * never touch the worker themselves.
 */
import { create } from 'zustand';
import { engine, proxy } from './engineClient';
import { DATA_PRESETS, presetUrl } from './presets';
import type {
  BackendInfo,
  DataOptions,
  DatasetSummary,
  EpochReport,
  ExplorerResult,
  LightGCNConfig,
  MapData,
  TrainEvent,
  TrainSummary,
  UnlearnProgress,
  UserList,
  TransformerUnlearningReport,
  MethodInfo,
  LessonKind,
  LessonPoints,
} from '../workers/protocol';
import type { PhaseClock } from './viz/eta';
import { runnable, parseForget } from './forgetSpec';
import { DEFAULT_LIGHTGCN, evalCadence, isCancelled } from './core/types';
// Between store updates that each re-render much of the page: every render gets a task of its own
// instead of several chained in one long task.
import { yieldToEventLoop } from './core/common/yielder';
import { DEFAULT_EXPERIMENT, fromHash, sameRun, toHash, type Experiment } from './experiment';
import { describeFile, fileDataId, hashFile, keepFile, keptFile, parseFileDataId, type FileRef } from './fileStore';

export function lightgcnConfig(e: Experiment): LightGCNConfig {
    return {
    ...DEFAULT_LIGHTGCN,
    epochs: e.epochs,
    dim: e.dim,
    layers: e.layers,
    lr: e.lr,
    reg: e.reg,
    batch: e.batch,
    seed: e.seed,
    evalEvery: evalCadence(e.epochs),
  };
}

export function dataOptions(e: Experiment): DataOptions {
  return { threshold: e.threshold, kCore: e.kCore, testFraction: e.testFraction, seed: e.seed };
}

export type Phase = 'starting' | 'idle' | 'loading' | 'training' | 'unlearning';

/** A phase's latest progress and its clock (when it was first seen, at what fraction), for its ETA. */
export type TimedProgress = UnlearnProgress & PhaseClock;

/** How the page is served (src/serving/register.ts reports it): isolation, offline copy, updates. */
export interface Serving {
  /** Where cross-origin isolation comes from: the server's headers, the service worker's, or none. */
  isolation: 'checking' | 'server' | 'service-worker' | 'none';
  /** Why the page is not isolated (or what to do about it); empty when isolated. */
  isolationNote: string;
  /** The page is about to reload once so that the service worker's headers isolate it. */
  reloading: boolean;
  /** The service worker holds the app and its data: the page opens without network. */
  offlineReady: boolean;
  /** The browser has no network now. */
  offline: boolean;
  /** A new deployment is installed and waits for a reload. */
  updateReady: boolean;
}

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

interface State {
  phase: Phase;
  backend: BackendInfo | null;
  experiment: Experiment;
  dataset: DatasetSummary | null;
  /** A user file is loaded (its contents are not part of the URL: the link names it by hash). */
  customData: boolean;
  /** A link names a file this browser does not keep: loading that file continues the experiment. */
  neededFile: FileRef | null;
  loadProgress: number | null;
  reports: EpochReport[];
  summary: TrainSummary | null;
  notices: Notice[];
  /** After training: users to pick from and the original model's embedding map. */
  users: UserList | null;
  map: MapData | null;
  /** Train items of the user being forgotten (for item-level requests). */
  userItems: string[];
  /** Progress of the running Forget per phase (a method's name, or a stage), with when it was first seen. */
  unlearnProgress: Record<string, TimedProgress>;
  /** Every method the engine knows, as it describes itself (labels and colours of pending rows too). */
  methodInfo: MethodInfo[];
  /** The results landed so far; `resultStatus` says whether more are coming. */
  result: ExplorerResult | null;
  /** 'running': more results are on their way; 'cancelled' / 'failed': the run stopped and what had
   *  landed stays (report.pending names what was not run). */
  resultStatus: 'running' | 'complete' | 'cancelled' | 'failed' | null;
  transformer: TransformerUnlearningReport | null;
  transformerProgress: UnlearnProgress | null;
  serving: Serving;
  /** The lessons of "When do influence functions work?" for the current result (each on demand, for
   *  the request it was computed for). */
  lessons: { [K in LessonKind]?: { forget: string; points: LessonPoints[K] } };
  /** The lesson running and its progress. */
  lessonProgress: { kind: LessonKind; progress: UnlearnProgress } | null;

  init(): Promise<void>;
  setServing(patch: Partial<Serving>): void;
  runTransformer(): Promise<void>;
  runLesson(kind: LessonKind): Promise<void>;
  setForget(spec: string): Promise<void>;
  unlearn(): Promise<void>;
  chooseBackend(choice: string): Promise<void>;
  update(patch: Partial<Experiment>): void;
  loadPreset(id: string): Promise<void>;
  loadFile(file: File): Promise<void>;
  train(): Promise<void>;
  cancel(): void;
  notify(n: Notice): void;
  dismiss(index: number): void;
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function writeUrl(e: Experiment): void {
  if (typeof window === 'undefined') return;
  const url = `${window.location.pathname}${window.location.search}${toHash(e)}`;
  window.history.replaceState(null, '', url);
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Progress a few times a second: a new phase passes at once; within a phase only the latest of each
 *  150 ms reaches the page (Retrain reports every epoch, tens of times a second on small data). */
export function throttledProgress(apply: (p: UnlearnProgress) => void, ms = 150): (p: UnlearnProgress) => void {
  let key = '';
  let last = 0;
  let held: UnlearnProgress | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (held) apply(held);
    held = null;
    last = performance.now();
  };
  return (p) => {
    const k = p.method ?? p.stage;
    if (k !== key || performance.now() - last >= ms) {
      if (timer) clearTimeout(timer);
      if (held && k !== key) apply(held);
      key = k;
      held = p;
      flush();
      return;
    }
    held = p;
    timer ??= setTimeout(flush, ms - (performance.now() - last));
  };
}

/** Each lesson's name in notices. */
const LESSON_NAMES: Record<LessonKind, string> = { horizon: 'Horizon sweep', convergence: 'Convergence lesson', size: 'Deletion-size lesson' };


export const useStore = create<State>((set, get, api) => {
  const onLoadProgress = proxy((p: { bytes: number; total: number }) =>
    set({ loadProgress: p.total > 0 ? p.bytes / p.total : null }),
  );

  /** A trained model unlocks the explorer: the users to pick from and the embedding map. `idle`: the
   *  training is over, and the map must answer a click as soon as it shows (a busy page ignores picks). */
  const afterTrained = async (idle = false) => {
    const [users, map] = await Promise.all([engine().users(), engine().map()]);
    set({ users, map, result: null, resultStatus: null, unlearnProgress: {}, ...(idle ? { phase: 'idle' as const } : {}) });
    await yieldToEventLoop();
    await get().setForget(get().experiment.forget);
  };

  /** Restores a model trained earlier with the same data and settings from the browser's cache. */
  const restore = async (): Promise<boolean> => {
    const summary = await engine().restore(lightgcnConfig(get().experiment));
    if (!summary) return false;
    set({ summary, reports: summary.reports ?? [] });
    get().notify({ kind: 'info', text: 'Restored the trained model from this browser\'s cache (no retraining). Train again to retrain.' });
    await afterTrained();
    return true;
  };

  /** A link's experiment after its data is loaded: the cached model, else (for a link) trained now; then
   *  the forget request, if the link has one. */
  const continueLink = async (shared: boolean) => {
    if (!get().dataset) return;
    const ready = (await restore()) || (shared && (await get().train(), get().summary !== null));
    if (ready && shared && runnable(parseForget(get().experiment.forget))) await get().unlearn();
  };

  /** Loads a user file; the experiment's `data` then names it (hash, size, name) and the browser keeps it. */
  const loadUserFile = async (file: File, ref: FileRef | null): Promise<boolean> => {
    const ok = await load(() => engine().loadFile(file, dataOptions(get().experiment), onLoadProgress), true);
    if (!ok) return false;
    set({ neededFile: null });
    if (!ref) {
      get().notify({ kind: 'info', text: 'This page cannot fingerprint files here (not a secure context): a link to this experiment will not name the file.' });
      return true;
    }
    get().update({ data: fileDataId(ref) });
    try {
      await keepFile(ref.hash, file);
    } catch (err) {
      get().notify({ kind: 'info', text: `${file.name} could not be kept in this browser (${message(err)}): a link to this experiment will ask for the file again.` });
    }
    return true;
  };

  /** The link's data: a preset, a file this browser keeps, or a file to ask for. */
  const openData = async (e: Experiment): Promise<boolean> => {
    const ref = parseFileDataId(e.data);
    if (!ref) {
      await get().loadPreset(e.data);
      return get().dataset !== null;
    }
    const kept = await keptFile(ref.hash);
    if (kept) return loadUserFile(new File([kept], ref.name, { lastModified: kept instanceof File ? kept.lastModified : 0 }), ref);
    set({ neededFile: ref, dataset: null, customData: false, reports: [], summary: null, users: null, map: null, result: null, transformer: null, userItems: [] });
    get().notify({ kind: 'info', text: `This link is an experiment on your file ${describeFile(ref)}, which this browser does not keep. Load that file in “1 · Data” and the experiment continues.` });
    return false;
  };

  const whenIdle = () =>
    new Promise<void>((resolve) => {
      if (get().phase === 'idle') return resolve();
      const stop = api.subscribe((st) => {
        if (st.phase === 'idle') {
          stop();
          resolve();
        }
      });
    });

  /** Another experiment link opened in this tab (pasted, back/forward): apply what changed. */
  const openLink = async (hash: string) => {
    const { experiment, problems } = fromHash(hash, { methods: methodNames });
    const prev = get().experiment;
    if (toHash(experiment) === toHash(prev)) return;
    // Only how the page shows it changed (class mode): nothing to rerun.
    if (sameRun(experiment, prev)) return set({ experiment });
    if (get().phase !== 'idle') {
      get().cancel();
      await whenIdle();
    }
    set({ experiment });
    for (const p of problems) get().notify({ kind: 'info', text: `Link: ${p}` });
    if (experiment.backend !== prev.backend) {
      set({ phase: 'starting' });
      try {
        await startEngine(experiment.backend);
      } catch (err) {
        get().notify({ kind: 'error', text: message(err) });
      } finally {
        set({ phase: 'idle' });
      }
    }
    const sameData = experiment.data === prev.data && sameJson(dataOptions(experiment), dataOptions(prev)) && get().dataset !== null;
    if (!sameData && !(await openData(experiment))) return;
    if (sameData && sameJson(lightgcnConfig(experiment), lightgcnConfig(prev)) && get().summary) {
      set({ result: null });
      await get().setForget(experiment.forget);
      if (runnable(parseForget(experiment.forget))) await get().unlearn();
      return;
    }
    set({ reports: [], summary: null, users: null, map: null, result: null });
    await continueLink(true);
  };

  /** The engine's method names, which a link's methods are checked against (asked once, in init). */
  let methodNames: readonly string[] | undefined;

  /** Starts the engine on `choice` (a backend or auto); a forced backend that cannot run here is said. */
  const startEngine = async (choice: string) => {
    const backend = await engine().init(choice === 'auto' ? undefined : choice);
    set({ backend });
    if (choice !== 'auto' && backend.backend !== choice) {
      get().notify({ kind: 'info', text: `${choice} is not available here (${backend.reason}); running on ${backend.backend}.` });
    }
  };

  let links: Promise<void> = Promise.resolve();
  const onLinkChange = () => {
    const hash = window.location.hash;
    links = links.then(() => openLink(hash)).catch((err) => get().notify({ kind: 'error', text: message(err) }));
  };

  const load = async (what: () => Promise<DatasetSummary>, custom: boolean): Promise<boolean> => {
    const previous = get().phase;
    if (previous === 'training' || previous === 'loading') return false;
    set({ phase: 'loading', loadProgress: 0 });
    try {
      const dataset = await what();
      set({ dataset, customData: custom, reports: [], summary: null, users: null, map: null, result: null, transformer: null, userItems: [] });
      if (dataset.notes.length) get().notify({ kind: 'info', text: `${dataset.name}: ${dataset.notes.join(' ')}` });
      return true;
    } catch (err) {
      // The data set already loaded stays: the worker only replaces it after a complete, valid load.
      if (isCancelled(err)) get().notify({ kind: 'info', text: 'Loading cancelled; the data set loaded before stays.' });
      else get().notify({ kind: 'error', text: message(err) });
      return false;
    } finally {
      set({ phase: 'idle', loadProgress: null });
    }
  };

  return {
    phase: 'starting',
    backend: null,
    experiment: DEFAULT_EXPERIMENT,
    dataset: null,
    customData: false,
    neededFile: null,
    loadProgress: null,
    reports: [],
    summary: null,
    notices: [],
    users: null,
    map: null,
    userItems: [],
    unlearnProgress: {},
    methodInfo: [],
    result: null,
    resultStatus: null,
    transformer: null,
    transformerProgress: null,
    lessons: {},
    lessonProgress: null,
    serving: { isolation: 'checking', isolationNote: '', reloading: false, offlineReady: false, offline: false, updateReady: false },

    setServing(patch) {
      set((s) => ({ serving: { ...s.serving, ...patch } }));
    },

    async init() {
      const hash = typeof window === 'undefined' ? '' : window.location.hash;
      // The link's settings show at once; its methods are checked once the engine says which it has.
      set({ experiment: fromHash(hash).experiment });
      try {
        const methodInfo = await engine().methods();
        methodNames = methodInfo.map((m) => m.name);
        set({ methodInfo });
        const { experiment, problems } = fromHash(hash, { methods: methodNames });
        set({ experiment });
        for (const p of problems) get().notify({ kind: 'info', text: `Link: ${p}` });
        await startEngine(experiment.backend);
        set({ phase: 'idle' });
        window.addEventListener('hashchange', onLinkChange);
        window.addEventListener('popstate', onLinkChange);
        // A link with settings reproduces its experiment (continueLink).
        const shared = window.location.hash.length > 1;
        if (await openData(get().experiment)) await continueLink(shared);
      } catch (err) {
        set({ phase: 'idle' });
        get().notify({ kind: 'error', text: `The engine could not start: ${message(err)}` });
      }
    },

    async chooseBackend(choice) {
      if (get().phase !== 'idle') return;
      get().update({ backend: choice });
      set({ phase: 'starting' });
      try {
        await startEngine(choice);
      } catch (err) {
        get().notify({ kind: 'error', text: message(err) });
      } finally {
        set({ phase: 'idle' });
      }
    },

    update(patch) {
      const experiment = { ...get().experiment, ...patch };
      set({ experiment });
      writeUrl(experiment);
    },

    async loadPreset(id) {
      const preset = DATA_PRESETS.find((p) => p.id === id) ?? DATA_PRESETS[0];
      const ok = await load(() => engine().loadPreset(preset.id, presetUrl(preset), dataOptions(get().experiment), onLoadProgress), false);
      if (ok) {
        set({ neededFile: null });
        get().update({ data: preset.id });
      }
    },

    async loadFile(file) {
      if (get().phase !== 'idle') return;
      let ref: FileRef | null = null;
      try {
        ref = { hash: await hashFile(file), size: file.size, name: file.name };
      } catch {
        ref = null; // no crypto.subtle outside a secure context: the file loads, the link cannot name it
      }
      const needed = get().neededFile;
      if (needed && ref && ref.hash !== needed.hash) {
        get().notify({
          kind: 'error',
          text: `${describeFile(ref)} is not the file this link needs: it needs ${describeFile(needed)}. Load that file, or pick a preset to start afresh.`,
        });
        return;
      }
      if ((await loadUserFile(file, ref)) && needed) await continueLink(true);
    },

    async train() {
      const { phase, dataset, experiment } = get();
      if (phase !== 'idle' || !dataset) return;
      set({ phase: 'training', reports: [], summary: null });
      try {
        const summary = await engine().train(
          lightgcnConfig(experiment),
          proxy((e: TrainEvent) => {
            if (e.type === 'epoch') set((s) => ({ reports: [...s.reports, e.report] }));
            else {
              // Training restarts on the fallback backend: its curve starts again.
              set({ backend: e.info, reports: [] });
              get().notify({ kind: 'info', text: e.message });
            }
          }),
        );
        set({ summary });
        await yieldToEventLoop();
        await afterTrained(true);
        await yieldToEventLoop();
      } catch (err) {
        if (isCancelled(err)) get().notify({ kind: 'info', text: 'Training cancelled.' });
        else get().notify({ kind: 'error', text: `Training failed: ${message(err)}` });
      } finally {
        set({ phase: 'idle' });
      }
    },

    async setForget(spec) {
      get().update({ forget: spec });
      const choice = parseForget(spec);
      const user = choice.mode === 'user' || choice.mode === 'items' ? choice.user : null;
      if (!user || !get().users) return set({ userItems: [] });
      try {
        set({ userItems: await engine().userItems(user) });
      } catch (err) {
        set({ userItems: [] });
        get().notify({ kind: 'error', text: message(err) });
      }
    },

    async unlearn() {
      const { phase, experiment, summary } = get();
      if (phase !== 'idle' || !summary || !runnable(parseForget(experiment.forget))) return;
      set({ phase: 'unlearning', unlearnProgress: {}, lessons: {} });
      const onProgress = proxy(throttledProgress((p) =>
        set((s) => {
          const key = p.method ?? p.stage;
          const clock = s.unlearnProgress[key] ?? { t0: performance.now(), f0: Number.isFinite(p.fraction) ? p.fraction : 0 };
          return { unlearnProgress: { ...s.unlearnProgress, [key]: { ...p, t0: clock.t0, f0: clock.f0 } } };
        }),
      ));
      // Each landing replaces the results shown (the previous request's stay until the first lands).
      // (Callbacks come over their own channel: one that arrives after the complete result is dropped.)
      let finished = false;
      const onView = proxy((view: ExplorerResult) => void (finished || set({ result: view, resultStatus: 'running' })));
      try {
        const result = await engine().unlearn(experiment.forget, experiment.methods, onProgress, onView, { shards: experiment.shards });
        finished = true;
        set({ result, resultStatus: 'complete' });
      } catch (err) {
        finished = true;
        const landed = get().resultStatus === 'running';
        if (landed) set({ resultStatus: isCancelled(err) ? 'cancelled' : 'failed' });
        const kept = landed ? ' The results that had landed stay on the page.' : '';
        if (isCancelled(err)) get().notify({ kind: 'info', text: `Unlearning cancelled.${kept}` });
        else get().notify({ kind: 'error', text: `Unlearning failed: ${message(err)}.${kept}` });
      } finally {
        set({ phase: 'idle' });
      }
    },

    async runTransformer() {
      const { phase, experiment } = get();
      if (phase !== 'idle' || !runnable(parseForget(experiment.forget))) return;
      set({ phase: 'unlearning', transformerProgress: { stage: 'original', fraction: 0 } });
      try {
        const methods = ['retrain', 'finetune', 'neggrad', 'e2urec'];
        const transformer = await engine().transformerUnlearn(
          experiment.forget,
          methods,
          experiment.transformerEpochs,
          proxy((p: UnlearnProgress) => set({ transformerProgress: p })),
        );
        set({ transformer });
      } catch (err) {
        if (isCancelled(err)) get().notify({ kind: 'info', text: 'Transformer run cancelled.' });
        else get().notify({ kind: 'error', text: `Transformer run failed: ${message(err)}` });
      } finally {
        set({ phase: 'idle', transformerProgress: null });
      }
    },

    async runLesson(kind) {
      const { phase, experiment, result } = get();
      if (phase !== 'idle' || !result) return;
      const forget = experiment.forget;
      const name = LESSON_NAMES[kind];
      set((s) => ({ phase: 'unlearning', lessons: { ...s.lessons, [kind]: undefined }, lessonProgress: { kind, progress: { stage: kind, fraction: 0 } } }));
      // A progress message may arrive after the result (they cross the worker boundary separately): once
      // the lesson is over, a late one must not bring its progress line back.
      let live = true;
      try {
        const points = await engine().lesson(kind, forget, proxy((progress: UnlearnProgress) => live && set({ lessonProgress: { kind, progress } })));
        set((s) => ({ lessons: { ...s.lessons, [kind]: { forget, points } } }));
      } catch (err) {
        if (isCancelled(err)) get().notify({ kind: 'info', text: `${name} cancelled.` });
        else get().notify({ kind: 'error', text: `${name} failed: ${message(err)}` });
      } finally {
        live = false;
        set({ phase: 'idle', lessonProgress: null });
      }
    },

    cancel() {
      void engine().cancel();
    },

    notify(n) {
      set((s) => ({ notices: [...s.notices.slice(-3), n] }));
    },

    dismiss(index) {
      set((s) => ({ notices: s.notices.filter((_, i) => i !== index) }));
    },
  };
});
