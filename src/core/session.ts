/**
 * One experiment: the data set, the trained model with everything cached per model (propagation,
 * PCA, the unlearning cache and warm-up, the noise floor), and train → forget → results. The
 * worker, the CLI and the benches all drive this class, so the same experiment gives the same
 * numbers everywhere; they add only what their platform needs (reading files, IndexedDB, WebGPU
 * device loss, comlink, flags).
 */
import { buildDataset, createInteractionParser } from './data';
import { explorerView, type ExplorerView } from './explorerView';
import { propagateCpu } from './lightgcn';
import { fitPca2, projectPca2, type Pca2 } from './pca';
import { trainEmbeddings, trainLightGCN, type TrainOptions, type TrainResult } from './train';
import { buildGraph } from './graph';
import { CancelFlag, throwIfCancelled, type CancelToken, type Dataset, type Graph, type LightGCNConfig } from './types';
import {
  DEFAULT_UNLEARN_OPTIONS,
  convergence,
  defaultShards,
  deletionSize,
  horizon,
  landingOrder,
  sizeUser,
  methodByName,
  methodInfo,
  parseForgetSpec,
  prepareRequest,
  prepareUnlearning,
  runUnlearning,
  warmUpInfluence,
  type ForgetRequest,
  type ConvergencePoint,
  type HorizonPoint,
  type RunOptions,
  type SizePoint,
  type UnlearnOptions,
  type UnlearnPrep,
  type UnlearnRun,
} from './unlearn';
import { runTransformerUnlearning, TRANSFORMER_METHODS, type TransformerMethod, type TransformerUnlearningReport } from './transformer';

export interface DataOptions {
  threshold?: number;
  kCore?: number;
  testFraction: number;
  seed: number;
}

export interface DatasetSummary {
  name: string;
  users: number;
  items: number;
  train: number;
  test: number;
  /** Human-readable notes from parsing (skipped lines, duplicates removed, filtered). */
  notes: string[];
}

/** Users to pick from: original ids and their number of train interactions. */
export interface UserList {
  ids: string[];
  degree: Int32Array;
}

/** The original model's propagated embeddings projected on two PCA axes (users, then items). */
export interface MapData {
  nUsers: number;
  nItems: number;
  xy: Float32Array;
  variance: [number, number];
  /** Total variance of the embeddings: each axis's share of it is variance / totalVariance. */
  totalVariance: number;
}

/**
 * Progress of a long call. `fraction` (0..1) is within the current phase, `step` of `steps` says
 * which phase it is (a filled bar and an ETA per phase); `message` is plain words.
 */
export interface SessionProgress {
  stage: string;
  method?: string;
  fraction: number;
  message?: string;
  step?: number;
  steps?: number;
}

export interface SessionModel {
  E0: Float32Array;
  cfg: LightGCNConfig;
  graph: Graph;
  /** Mean epoch time of its training (evaluation excluded): the unit of the methods' epoch equivalents. */
  epochMs?: number;
  /** The seeded initialisation it was trained from, when known (else drawn again on first use). */
  seededInit?: Float32Array;
}

interface ModelCache extends SessionModel {
  E?: Float32Array;
  pca?: Pca2;
  prep?: UnlearnPrep;
  /** The noise floor's second-seed model, trained once per model (after the chosen methods). */
  noiseE0?: Float32Array;
}

/** The lessons of "When do influence functions work?" and what each returns (unlearn/lessons/). */
export type LessonKind = 'horizon' | 'convergence' | 'size';
export const LESSON_KINDS: readonly LessonKind[] = ['horizon', 'convergence', 'size'];
export interface LessonPoints {
  horizon: HorizonPoint[];
  convergence: ConvergencePoint[];
  size: SizePoint[];
}

/** What forget() takes besides the request: the methods' settings, the reference, the noise floor. */
export interface ForgetOptions extends Partial<UnlearnOptions>, Pick<RunOptions, 'reference' | 'noiseFloor'> {
  onProgress?: (p: SessionProgress) => void;
  /** Each time a result lands, everything landed so far (report.pending: what is still to come). */
  onResult?: (run: UnlearnRun) => void;
}

export class Session {
  private ds: Dataset | null = null;
  private model: ModelCache | null = null;
  private token = new CancelFlag();
  /** Identifies the loaded data (name, fingerprint, options, sizes), e.g. for a model cache. */
  dataKey = '';

  /** Stops the running call at its next check (it rejects with CancelledError). */
  cancel(): void {
    this.token.cancelled = true;
  }

  /** A fresh token for a new long call (a cancel only reaches the call running when it was made). */
  begin(): CancelToken {
    this.token = new CancelFlag();
    return this.token;
  }

  get dataset(): Dataset {
    if (!this.ds) throw new Error('Load a data set first.');
    return this.ds;
  }

  get trained(): SessionModel {
    if (!this.model) throw new Error('Train a model first.');
    return this.model;
  }

  get hasModel(): boolean {
    return this.model !== null;
  }

  /**
   * Parses text chunks as they arrive (a streamed file or response) and builds the data set. Only a
   * data set that parsed and built completely replaces the current one (and drops its model).
   */
  async load(name: string, chunks: AsyncIterable<string> | Iterable<string>, opts: DataOptions, fingerprint = ''): Promise<DatasetSummary> {
    const token = this.begin();
    const parser = createInteractionParser(name, { threshold: opts.threshold });
    for await (const text of chunks) {
      throwIfCancelled(token);
      parser.push(text);
    }
    const { dataset, stats } = buildDataset(parser.finish(), { name, threshold: opts.threshold, kCore: opts.kCore, testFraction: opts.testFraction, seed: opts.seed });
    this.setDataset(dataset, JSON.stringify([name, fingerprint, opts, dataset.nUsers, dataset.nItems, dataset.train.u.length]));
    return { name, users: dataset.nUsers, items: dataset.nItems, train: dataset.train.u.length, test: dataset.test.u.length, notes: stats.notes };
  }

  setDataset(ds: Dataset, key = ds.name): void {
    this.ds = ds;
    this.dataKey = key;
    this.dropModel();
  }

  users(): UserList {
    const ds = this.dataset;
    const degree = new Int32Array(ds.nUsers);
    for (let k = 0; k < ds.train.u.length; k++) degree[ds.train.u[k]]++;
    return { ids: ds.userIds.slice(), degree };
  }

  userItems(user: string): string[] {
    const ds = this.dataset;
    const u = ds.userIds.indexOf(user);
    if (u < 0) throw new Error(`unknown user "${user}"`);
    const out: string[] = [];
    for (let k = 0; k < ds.train.u.length; k++) if (ds.train.u[k] === u) out.push(ds.itemIds[ds.train.i[k]]);
    return out;
  }

  /** Trains and keeps the model. A cancel rejects with CancelledError and keeps the model before. */
  async train(cfg: LightGCNConfig, onEpoch?: TrainOptions['onEpoch']): Promise<TrainResult> {
    const ds = this.dataset;
    const result = await trainLightGCN(ds, cfg, { token: this.begin(), onEpoch });
    this.adoptModel({ E0: result.E0, cfg, graph: result.graph, epochMs: result.msPerEpochMean, seededInit: result.seededInit });
    return result;
  }

  /** A model trained before (a cache), for the loaded data set. */
  adoptModel(model: Omit<SessionModel, 'graph'> & { graph?: Graph }): void {
    const ds = this.dataset;
    if (model.E0.length !== (ds.nUsers + ds.nItems) * model.cfg.dim) throw new Error('the model does not match the data set');
    this.dropModel();
    this.model = { ...model, graph: model.graph ?? buildGraph(ds.nUsers, ds.nItems, ds.train) };
  }

  /** Frees the unlearning cache (its tensors belong to the backend that made them). */
  dropPrep(): void {
    this.model?.prep?.dispose();
    if (this.model) this.model.prep = undefined;
  }

  private dropModel(): void {
    this.dropPrep();
    this.model = null;
  }

  /** The original model's propagated embeddings, computed once per model. */
  propagated(): Float32Array {
    const m = this.trained as ModelCache;
    return (m.E ??= propagateCpu(m.graph, m.E0, m.cfg.dim, m.cfg.layers));
  }

  private pca(): Pca2 {
    const m = this.trained as ModelCache;
    return (m.pca ??= fitPca2(this.propagated(), m.cfg.dim));
  }

  map(): MapData {
    const ds = this.dataset;
    const pca = this.pca();
    const all = Int32Array.from({ length: ds.nUsers + ds.nItems }, (_, k) => k);
    return { nUsers: ds.nUsers, nItems: ds.nItems, xy: projectPca2(pca, this.propagated(), all), variance: pca.variance, totalVariance: pca.totalVariance };
  }

  /** The unlearning cache of the model, built once per model with a one-off warm-up of the quick methods. */
  async prepare(onProgress?: (p: SessionProgress) => void): Promise<UnlearnPrep> {
    const m = this.trained as ModelCache;
    if (!m.prep) {
      onProgress?.({ stage: 'preparing', fraction: 0, message: 'getting the trained model ready for unlearning' });
      m.prep = await prepareUnlearning(this.dataset, m, m.cfg);
      await warmUpInfluence(m.prep);
      onProgress?.({ stage: 'preparing', fraction: 1, message: 'getting the trained model ready for unlearning' });
    }
    return m.prep;
  }

  /** The noise floor's model: a scratch retrain on the full data with seed + 1, trained once per model. */
  async noiseFloor(token?: CancelToken, onProgress?: (p: SessionProgress) => void): Promise<Float32Array> {
    const m = this.trained as ModelCache;
    if (!m.noiseE0) {
      const what = 'a second model from scratch (seed + 1) for the noise floor';
      onProgress?.({ stage: 'noise floor', fraction: 0, message: what });
      m.noiseE0 = (
        await trainEmbeddings(this.dataset, { ...m.cfg, seed: m.cfg.seed + 1, evalEvery: 0 }, {
          token,
          onEpoch: (r) => onProgress?.({ stage: 'noise floor', fraction: r.epoch / r.epochs, message: `${what}, epoch ${r.epoch} of ${r.epochs}` }),
        })
      ).E0;
    }
    return m.noiseE0;
  }

  /** A forget request as the URL and the CLI write it (user:ID, items:USER:ITEM,ITEM, random:FRACTION);
   *  a random fraction is drawn with `seed` (default: the model's). */
  request(spec: string, seed = this.model?.cfg.seed ?? 2024): ForgetRequest {
    return parseForgetSpec(spec, this.dataset, seed);
  }

  /**
   * Forgets `request` with each method. Phases, in order: the per-model cache (once), the quick
   * methods, the reference, the metrics (the first results land), each slower method (each lands),
   * the noise floor (once per model, last). `onResult` gets every landing.
   */
  async forget(request: ForgetRequest | string, methods: string[], { onProgress, ...opts }: ForgetOptions = {}): Promise<UnlearnRun> {
    const ds = this.dataset;
    const m = this.trained as ModelCache;
    const req = typeof request === 'string' ? this.request(request) : request;
    const token = this.begin();
    methods.forEach(methodByName);
    const withReference = opts.reference !== false;
    const noise = withReference && opts.noiseFloor !== false;
    const phases = [...(m.prep ? [] : ['preparing']), ...landingOrder(methods, withReference, noise && !m.noiseE0)];
    const report = (p: SessionProgress) => {
      const step = phases.indexOf(p.method ?? p.stage);
      onProgress?.({ ...p, step: step + 1, steps: phases.length });
    };
    const prep = await this.prepare(report);
    throwIfCancelled(token);
    return runUnlearning(ds, m, m.cfg, req, {
      ...opts,
      shards: opts.shards ?? defaultShards(ds.name),
      methods,
      prep,
      token,
      noiseFloor: noise,
      noiseE0: noise ? () => this.noiseFloor(token, report) : undefined,
      onProgress: (e) => report(e.method ? { ...e, message: e.message ?? methodByName(e.method).label } : e),
    });
  }

  /** forget() and what the explorer draws from it; `onView` gets the view of every landing. */
  async explore(request: ForgetRequest | string, methods: string[], opts: ForgetOptions & { onView?: (view: ExplorerView) => void } = {}): Promise<ExplorerView> {
    const { onView, onResult, ...rest } = opts;
    const view = (run: UnlearnRun) => {
      const m = this.trained;
      const landed = methods.filter((x) => run.report.methods[x]).map((x) => methodInfo(methodByName(x)));
      return explorerView(this.dataset, { graph: m.graph, layers: m.cfg.layers, seed: m.cfg.seed, propagated: this.propagated(), pca: this.pca() }, landed, run);
    };
    const run = await this.forget(request, methods, {
      ...rest,
      onResult: (r) => {
        onResult?.(r);
        if (onView && !r.report.complete) onView(view(r));
      },
    });
    return view(run);
  }

  /**
   * One of the lessons of "When do influence functions work?" for `request` (unlearn/lessons/), each
   * point against its own proximal reference with the baselines; cancel() stops it.
   *  - horizon: IF, IFRU, IFRU (re-centred), IFRU (fast Hessian) at each μ from 1e-3 to 1e-6;
   *  - convergence: the model trained again for 2× its epochs, a point at each checkpoint (with its
   *    Recall@20 and stationarity); `cfg` replaces the trained model's recipe (the CLI trains nothing first);
   *  - size: nested deletions of the request's user and random fractions, on the trained model.
   */
  async lesson<K extends LessonKind>(
    kind: K,
    request: ForgetRequest | string,
    { onProgress, cfg, options = DEFAULT_UNLEARN_OPTIONS }: { onProgress?: (p: SessionProgress) => void; cfg?: LightGCNConfig; options?: UnlearnOptions } = {},
  ): Promise<LessonPoints[K]> {
    const token = this.begin();
    const say = (fraction: number, message: string) => onProgress?.({ stage: kind, fraction, message });
    if (kind === 'convergence') {
      const recipe = cfg ?? this.trained.cfg;
      const req = typeof request === 'string' ? this.request(request, recipe.seed) : request;
      const graph = this.model && (!cfg || cfg === this.model.cfg) ? this.model.graph : undefined;
      return (await convergence(this.dataset, recipe, req, { options, graph, token, onProgress: say })) as LessonPoints[K];
    }
    const prep = await this.prepare(onProgress);
    throwIfCancelled(token);
    const forget = typeof request === 'string' ? this.request(request) : request;
    if (kind === 'size') return (await deletionSize(prep, sizeUser(prep, forget), { options, token, onProgress: say })) as LessonPoints[K];
    const req = prepareRequest(prep, forget);
    try {
      return (await horizon(prep, req, { options, token, onProgress: say })) as LessonPoints[K];
    } finally {
      req.dispose();
    }
  }

  /** The small transformer recommender trained on the same data, then unlearned with `methods`. */
  async transformer(
    request: ForgetRequest | string,
    methods: string[],
    epochs: number | undefined,
    onProgress?: (p: SessionProgress) => void,
  ): Promise<TransformerUnlearningReport> {
    const seed = this.model?.cfg.seed ?? 2024;
    const req = typeof request === 'string' ? this.request(request) : request;
    const chosen = methods.filter((x): x is TransformerMethod => (TRANSFORMER_METHODS as readonly string[]).includes(x));
    if (chosen.length === 0) throw new Error(`choose one of ${TRANSFORMER_METHODS.join(', ')}`);
    return runTransformerUnlearning(this.dataset, req, {
      methods: chosen,
      seed,
      epochs,
      token: this.begin(),
      onProgress: (p) => onProgress?.({ method: p.stage, stage: p.stage, fraction: p.fraction, message: p.message }),
    });
  }

  dispose(): void {
    this.dropModel();
  }
}
