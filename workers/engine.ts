/**
 * Engine state behind the worker facade: the backend, the loaded data set, the trained model and the
 * unlearning cache. Kept free of comlink and `self` so it runs in Node tests too.
 */
import * as tf from '@tensorflow/tfjs';
import { benchmarkBackends, selectBackend } from '../src/core/backend';
import { buildDataset, createInteractionParser, DataError, type RawInteractions } from '../src/core/data';
import { propagateCpu } from '../src/core/lightgcn';
import { neighbourhoodView } from '../src/core/neighbourhoodView';
import { fitPca2, projectPca2, type Pca2 } from '../src/core/pca';
import { trainEmbeddings, trainLightGCN, type TrainResult } from '../src/core/train';
import { buildGraph } from '../src/core/graph';
import { CancelledError, type CancelToken, type Dataset, type LightGCNConfig } from '../src/core/types';
import {
  graphWithout,
  METHODS,
  METHOD_INFO,
  methodInfo,
  type MethodInfo,
  parseForgetSpec,
  prepareUnlearning,
  runUnlearning,
  splitForget,
  warmUpInfluence,
  type ForgetRequest,
  type UnlearnPrep,
} from '../src/core/unlearn';
import { loadModel, modelKey, saveModel } from './modelCache';
import { runTransformerUnlearning, TRANSFORMER_METHODS, type TransformerMethod, type TransformerUnlearningReport } from '../src/core/transformer';
import {
  BACKEND_ORDER,
  type BackendInfo,
  type DataOptions,
  type DatasetSummary,
  type EmbeddingsSnapshot,
  type ExplorerResult,
  type LoadProgress,
  type MapData,
  type TrainEvent,
  type TrainSummary,
  type UnlearnProgress,
  type UserList,
} from './protocol';

const CHUNK_BYTES = 4 << 20;
/** Ring caps of the neighbourhood picture: hop-1 items, hop-2 users, hop-3 items. */
const VIEW_CAPS = [24, 40, 56];

class Token implements CancelToken {
  cancelled = false;
}

interface Trained {
  E0: Float32Array;
  cfg: LightGCNConfig;
  graph: TrainResult['graph'];
  /** Mean epoch time of its training (evaluation excluded): the unit of the methods' epoch equivalents. */
  epochMs?: number;
  /** Lazily built per trained model and reused by every unlearning request. */
  prep?: UnlearnPrep;
  pca?: Pca2;
  /** The original model's propagated embeddings, computed once (map, PCA, arrows, snapshot). */
  E?: Float32Array;
  /** The noise floor's second-seed model, trained once per model. */
  noiseE0?: Float32Array;
}

export class Engine {
  private backendInfo: BackendInfo | null = null;
  private dataset: Dataset | null = null;
  /** Identifies the loaded data (name, options, sizes) for the model cache. */
  private dataKey = '';
  private trained: Trained | null = null;
  private token = new Token();
  private deviceLost = false;
  private device: GPUDevice | null = null;

  /**
   * A forced backend is tried first (then the usual order). "auto" times a training step on each
   * backend and runs the fastest: without a GPU, WebGPU is emulated and slower than the CPU kernels.
   */
  async init(preferred?: string): Promise<BackendInfo> {
    // Backend switches never interleave (a second caller waits for the first to finish).
    const next = this.initQueue.then(() => this.initNow(preferred));
    this.initQueue = next.catch(() => undefined);
    return next;
  }

  private initQueue: Promise<unknown> = Promise.resolve();

  private async initNow(preferred?: string): Promise<BackendInfo> {
    this.dropPrep();
    let sel;
    let reason: string;
    if (preferred) {
      sel = await selectBackend([preferred, ...BACKEND_ORDER]);
      reason = sel.backend === preferred ? `${preferred}: chosen by you` : sel.reason;
    } else {
      const bench = await benchmarkBackends(BACKEND_ORDER);
      sel = await selectBackend(bench.fastest ? [bench.fastest, ...BACKEND_ORDER] : BACKEND_ORDER);
      reason = bench.fastest === sel.backend ? `auto: ${bench.reason}` : sel.reason;
      sel.tried = bench.results.map((r) => ({ name: r.name, ok: r.ok, ms: r.msPerSpmm, error: r.error }));
    }
    this.deviceLost = false;
    this.device = null;
    const info: BackendInfo = { backend: sel.backend, reason, tried: sel.tried };
    if (sel.backend === 'webgpu') info.adapter = this.watchDevice();
    this.backendInfo = info;
    return info;
  }

  /** Follows the WebGPU device so a loss mid-run can fall back instead of failing. */
  private watchDevice(): string | undefined {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const backend = tf.backend() as any;
    const device: GPUDevice | undefined = backend.device;
    this.device = device ?? null;
    device?.lost.then(() => {
      // A late notice about a device we already left behind must not stop the run that replaced it.
      if (this.device === device) this.deviceLost = true;
    });
    const adapterInfo = backend.adapterInfo as { vendor?: string; architecture?: string } | undefined;
    if (!adapterInfo) return undefined;
    return [adapterInfo.vendor, adapterInfo.architecture].filter(Boolean).join(' ') || undefined;
  }

  async loseDevice(): Promise<boolean> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const device: GPUDevice | undefined = (tf.backend() as any).device;
    if (tf.getBackend() !== 'webgpu' || !device) return false;
    device.destroy();
    return true;
  }

  async loadPreset(name: string, url: string, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary> {
    const res = await fetch(url);
    if (!res.ok || !res.body) throw new DataError(name, 0, `could not load the preset (HTTP ${res.status})`);
    const total = Number(res.headers.get('content-length') ?? 0);
    const reader = res.body.getReader();
    const token = this.freshToken();
    const parser = createInteractionParser(name, { threshold: opts.threshold });
    const decoder = new TextDecoder();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (token.cancelled) {
        await reader.cancel();
        throw new CancelledError();
      }
      bytes += value.byteLength;
      parser.push(decoder.decode(value, { stream: true }));
      onProgress?.({ bytes, total });
    }
    parser.push(decoder.decode());
    return this.adopt(name, parser.finish(), opts);
  }

  async loadFile(file: File, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary> {
    const parser = createInteractionParser(file.name, { threshold: opts.threshold });
    const decoder = new TextDecoder();
    const token = this.freshToken();
    for (let start = 0; start < file.size; start += CHUNK_BYTES) {
      if (token.cancelled) throw new CancelledError();
      const buf = await file.slice(start, start + CHUNK_BYTES).arrayBuffer();
      parser.push(decoder.decode(new Uint8Array(buf), { stream: true }));
      onProgress?.({ bytes: Math.min(file.size, start + CHUNK_BYTES), total: file.size });
    }
    parser.push(decoder.decode());
    return this.adopt(`${file.name}`, parser.finish(), opts, `${file.size}:${file.lastModified}`);
  }

  /** Only a data set that parsed and built completely replaces the current one. */
  private adopt(name: string, raw: RawInteractions, opts: DataOptions, fingerprint = ''): DatasetSummary {
    const { dataset, stats } = buildDataset(raw, {
      name,
      threshold: opts.threshold,
      kCore: opts.kCore,
      testFraction: opts.testFraction,
      seed: opts.seed,
    });
    this.dataset = dataset;
    this.dataKey = JSON.stringify([name, fingerprint, opts, dataset.nUsers, dataset.nItems, dataset.train.u.length]);
    this.dropModel();
    return {
      name,
      users: dataset.nUsers,
      items: dataset.nItems,
      train: dataset.train.u.length,
      test: dataset.test.u.length,
      notes: stats.notes,
    };
  }

  private dropPrep(): void {
    this.trained?.prep?.dispose();
    if (this.trained) this.trained.prep = undefined;
  }

  private dropModel(): void {
    this.dropPrep();
    this.trained = null;
  }

  cancel(): void {
    this.token.cancelled = true;
  }

  private freshToken(): Token {
    this.token = new Token();
    return this.token;
  }

  async train(cfg: LightGCNConfig, onEvent?: (e: TrainEvent) => void): Promise<TrainSummary> {
    const ds = this.requireData();
    const token = this.freshToken();
    const run = () =>
      trainLightGCN(ds, cfg, {
        token,
        onEpoch: (report) => {
          if (this.deviceLost) throw new Error('WebGPU device lost');
          onEvent?.({ type: 'epoch', report });
        },
      });
    let result: TrainResult;
    try {
      result = await run();
    } catch (err) {
      if (err instanceof CancelledError) return this.cancelledSummary();
      if (this.backendInfo?.backend !== 'webgpu') throw err;
      // WebGPU failed mid-run (device lost, out of memory): fall back, say so, keep the data, run again.
      const why = err instanceof Error ? err.message : String(err);
      const info = await this.fallback(why);
      onEvent?.({ type: 'backend', info, message: `WebGPU failed (${why}); continuing on ${info.backend}.` });
      try {
        result = await run();
      } catch (again) {
        if (again instanceof CancelledError) return this.cancelledSummary();
        throw again;
      }
    }
    this.dropModel();
    this.trained = { E0: result.E0, cfg, graph: result.graph, epochMs: result.msPerEpochMean };
    const summary: TrainSummary = {
      epochs: result.reports.length,
      metrics: result.metrics,
      msPerEpochMedian: result.msPerEpochMedian,
      backend: result.backend,
      engine: result.engine,
      cancelled: false,
    };
    await saveModel(modelKey(this.dataKey, cfg), { ...summary, E0: result.E0, reports: result.reports, savedAt: Date.now() });
    return summary;
  }

  async restore(cfg: LightGCNConfig): Promise<TrainSummary | null> {
    const ds = this.requireData();
    const cached = await loadModel(modelKey(this.dataKey, cfg));
    if (!cached || cached.E0.length !== (ds.nUsers + ds.nItems) * cfg.dim) return null;
    this.dropModel();
    this.trained = {
      E0: cached.E0,
      cfg,
      graph: buildGraph(ds.nUsers, ds.nItems, ds.train),
      epochMs: cached.reports.length ? cached.reports.reduce((a, r) => a + r.ms, 0) / cached.reports.length : undefined,
    };
    return {
      epochs: cached.reports.length,
      metrics: cached.metrics,
      msPerEpochMedian: cached.msPerEpochMedian,
      backend: cached.backend,
      cancelled: false,
      fromCache: true,
      reports: cached.reports,
    };
  }

  private cancelledSummary(): TrainSummary {
    return { epochs: 0, metrics: { recall: 0, ndcg: 0, auc: 0, k: 20 }, msPerEpochMedian: 0, backend: tf.getBackend(), cancelled: true };
  }

  private async fallback(why: string): Promise<BackendInfo> {
    const sel = await selectBackend(['wasm', 'cpu']);
    const info: BackendInfo = { backend: sel.backend, reason: `fallback after WebGPU failure: ${why}`, tried: sel.tried };
    this.backendInfo = info;
    this.deviceLost = false;
    this.device = null;
    return info;
  }

  private requireData(): Dataset {
    if (!this.dataset) throw new Error('Load a data set first.');
    return this.dataset;
  }

  private requireModel(): Trained {
    if (!this.trained) throw new Error('Train a model first.');
    return this.trained;
  }

  async embeddings(): Promise<EmbeddingsSnapshot> {
    const t = this.requireModel();
    const ds = this.requireData();
    return { nUsers: ds.nUsers, nItems: ds.nItems, dim: t.cfg.dim, E0: t.E0.slice(), E: this.propagatedOf(t).slice() };
  }

  async methods(): Promise<MethodInfo[]> {
    return METHOD_INFO;
  }

  async users(): Promise<UserList> {
    const ds = this.requireData();
    const degree = new Int32Array(ds.nUsers);
    for (let k = 0; k < ds.train.u.length; k++) degree[ds.train.u[k]]++;
    return { ids: ds.userIds.slice(), degree };
  }

  async userItems(user: string): Promise<string[]> {
    const ds = this.requireData();
    const u = ds.userIds.indexOf(user);
    if (u < 0) throw new Error(`unknown user "${user}"`);
    const out: string[] = [];
    for (let k = 0; k < ds.train.u.length; k++) if (ds.train.u[k] === u) out.push(ds.itemIds[ds.train.i[k]]);
    return out;
  }

  private propagatedOf(t: Trained): Float32Array {
    if (!t.E) t.E = propagateCpu(t.graph, t.E0, t.cfg.dim, t.cfg.layers);
    return t.E;
  }

  private pcaOf(t: Trained): Pca2 {
    if (!t.pca) t.pca = fitPca2(this.propagatedOf(t), t.cfg.dim);
    return t.pca;
  }

  async map(): Promise<MapData> {
    const t = this.requireModel();
    const ds = this.requireData();
    const pca = this.pcaOf(t);
    const E = this.propagatedOf(t);
    const all = Int32Array.from({ length: ds.nUsers + ds.nItems }, (_, k) => k);
    return { nUsers: ds.nUsers, nItems: ds.nItems, xy: projectPca2(pca, E, all), variance: pca.variance };
  }

  async unlearn(forget: string, methods: string[], onProgress?: (p: UnlearnProgress) => void): Promise<ExplorerResult> {
    const ds = this.requireData();
    const t = this.requireModel();
    const token = this.freshToken();
    const request = parseForgetSpec(forget, ds, t.cfg.seed);
    if (!t.prep) {
      onProgress?.({ stage: 'preparing', fraction: 0, message: 'caching the original model' });
      t.prep = await prepareUnlearning(ds, { E0: t.E0, graph: t.graph, epochMs: t.epochMs }, t.cfg);
      await warmUpInfluence(t.prep);
    }
    if (!t.noiseE0) {
      onProgress?.({ stage: 'noise floor', fraction: 0, message: 'a second scratch model (seed + 1) for the noise floor' });
      const noiseCfg = { ...t.cfg, seed: t.cfg.seed + 1, evalEvery: 0 };
      t.noiseE0 = (
        await trainEmbeddings(ds, noiseCfg, {
          token,
          onEpoch: (r) => onProgress?.({ stage: 'noise floor', fraction: r.epoch / r.epochs, message: `epoch ${r.epoch}/${r.epochs}` }),
        })
      ).E0;
    }
    const run = await runUnlearning(ds, { E0: t.E0, graph: t.graph }, t.cfg, request, {
      methods,
      prep: t.prep,
      noiseE0: t.noiseE0,
      token,
      onProgress: (e) => onProgress?.({ method: e.method, stage: e.stage, fraction: e.fraction, message: e.message }),
    });
    return this.explorerResult(ds, t, request, methods, run);
  }

  async transformerUnlearn(
    forget: string,
    methods: string[],
    epochs: number,
    onProgress?: (p: UnlearnProgress) => void,
  ): Promise<TransformerUnlearningReport> {
    const ds = this.requireData();
    const token = this.freshToken();
    const seed = this.trained?.cfg.seed ?? 2024;
    const chosen = methods.filter((m): m is TransformerMethod => (TRANSFORMER_METHODS as readonly string[]).includes(m));
    if (chosen.length === 0) throw new Error(`choose one of ${TRANSFORMER_METHODS.join(', ')}`);
    return runTransformerUnlearning(ds, parseForgetSpec(forget, ds, seed), {
      methods: chosen,
      seed,
      epochs,
      token,
      onProgress: (p) => onProgress?.({ method: p.stage, stage: p.stage, fraction: p.fraction, message: p.message }),
    });
  }

  private explorerResult(
    ds: Dataset,
    t: Trained,
    request: ForgetRequest,
    methods: string[],
    run: Awaited<ReturnType<typeof runUnlearning>>,
  ): ExplorerResult {
    const { report, detail, models } = run;
    const d = t.cfg.dim;
    const split = splitForget(ds, request);
    const centre = detail.topUser;
    const forgottenItems: number[] = [];
    for (let k = 0; k < split.forgotten.u.length; k++) if (split.forgotten.u[k] === centre) forgottenItems.push(split.forgotten.i[k]);

    const view = neighbourhoodView(t.graph, centre, t.cfg.layers, VIEW_CAPS, t.cfg.seed, forgottenItems.map((i) => ds.nUsers + i));
    const position = new Map<number, number>();
    detail.nodes.forEach((v, k) => position.set(v, k));
    const index = Int32Array.from(view.nodes, (v) => position.get(v) ?? -1);

    const pca = this.pcaOf(t);
    const graphNew = graphWithout(t.graph, split.forgotten, split.remaining);
    const after: Record<string, Float32Array> = {};
    for (const m of methods) after[m] = projectPca2(pca, propagateCpu(graphNew, models[m], d, t.cfg.layers), view.nodes);

    const names = (ids: Int32Array) => Array.from(ids, (i) => ds.itemIds[i]);
    return {
      report,
      methods: methods.map((m) => methodInfo(METHODS[m])),
      nodes: detail.nodes,
      hop: detail.hop,
      reference: detail.referenceNorms ? { norms: detail.referenceNorms } : null,
      scratch: detail.noiseNorms ? { norms: detail.noiseNorms } : null,
      movement: detail.methods,
      view: { ...view, index, labels: Array.from(view.nodes, (v) => (v < ds.nUsers ? ds.userIds[v] : ds.itemIds[v - ds.nUsers])) },
      arrows: { before: projectPca2(pca, this.propagatedOf(t), view.nodes), after },
      centreUser: ds.userIds[centre],
      forgottenItems: forgottenItems.map((i) => ds.itemIds[i]),
      topBefore: names(detail.topBefore),
      topAfter: Object.fromEntries(Object.entries(detail.topAfter).map(([m, ids]) => [m, names(ids)])),
      neighbours:
        detail.neighbours?.map((n) => ({
          user: ds.userIds[n.user],
          shared: n.shared,
          before: names(n.before),
          after: Object.fromEntries(Object.entries(n.after).map(([m, l]) => [m, { top: names(l.top), entered: Array.from(l.entered, Boolean) }])),
        })) ?? null,
    };
  }
}
