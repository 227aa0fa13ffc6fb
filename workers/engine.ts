/**
 * The worker's engine: the browser's part of an experiment around the core's Session — reading a
 * File or a fetched preset in slices, the IndexedDB model cache, the WebGPU device-loss watch and
 * the fallback it triggers. Free of comlink and `self`, so Node tests drive it too.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, selectBackend, type BackendInfo } from '../src/core/backend';
import { DataError } from '../src/core/data';
import { Session, type DataOptions, type DatasetSummary } from '../src/core/session';
import { isCancelled, type LightGCNConfig } from '../src/core/types';
import { METHOD_INFO } from '../src/core/unlearn';
import { startThreads } from '../src/core/spmm/threads';
import { countGpuCalls, countsBetween, type GpuCounter, type GpuDeviceLike } from '../src/core/gpuCounters';
import { loadModel, modelKey, saveModel } from './modelCache';
import type { EngineApi, GpuReport, LoadProgress, TrainEvent, TrainSummary } from './protocol';

const CHUNK_BYTES = 4 << 20;

export class Engine implements Omit<EngineApi, 'loseDevice'> {
  readonly session = new Session();
  private backendInfo: BackendInfo | null = null;
  private device: GPUDevice | null = null;
  private deviceLost = false;
  private initQueue: Promise<unknown> = Promise.resolve();
  private threads: Promise<unknown> | null = null;
  private gpu: GpuCounter | null = null;
  private gpuTrain: GpuReport['train'] = null;
  private gpuPhases: GpuReport['phases'] = {};

  /** Backend switches never interleave (a second caller waits for the first to finish). The kernels'
   *  threads start once, before the first choice (one per core where the page is cross-origin
   *  isolated; otherwise one, and the badge says why). */
  async init(preferred?: string): Promise<BackendInfo> {
    this.threads ??= startThreads();
    const next = this.initQueue.then(() => this.threads).then(() => this.use(() => chooseBackend(preferred)));
    this.initQueue = next.catch(() => undefined);
    return next;
  }

  private async use(pick: () => Promise<BackendInfo>): Promise<BackendInfo> {
    this.session.dropPrep();
    const info = await pick();
    this.device = null;
    this.deviceLost = false;
    if (info.backend === 'webgpu') info.adapter = this.watchDevice();
    return (this.backendInfo = info);
  }

  /** Follows the WebGPU device so a loss mid-run can fall back instead of failing. */
  private watchDevice(): string | undefined {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const backend = tf.backend() as any;
    const device: GPUDevice | undefined = backend.device;
    this.device = device ?? null;
    this.gpu?.uninstall();
    this.gpu = device ? countGpuCalls(device as unknown as GpuDeviceLike) : null;
    // A late notice about a device we already left behind must not stop the run that replaced it.
    device?.lost.then(() => void (this.device === device && (this.deviceLost = true)));
    const a = backend.adapterInfo as { vendor?: string; architecture?: string } | undefined;
    return a ? [a.vendor, a.architecture].filter(Boolean).join(' ') || undefined : undefined;
  }

  async loseDevice(): Promise<boolean> {
    if (tf.getBackend() !== 'webgpu' || !this.device) return false;
    this.device.destroy();
    return true;
  }

  async loadPreset(name: string, url: string, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary> {
    const res = await fetch(url);
    if (!res.ok || !res.body) throw new DataError(name, 0, `could not load the preset (HTTP ${res.status})`);
    const total = Number(res.headers.get('content-length') ?? 0);
    const reader = res.body.getReader();
    async function* chunks() {
      const decoder = new TextDecoder();
      let bytes = 0;
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          bytes += r.value.byteLength;
          yield decoder.decode(r.value, { stream: true });
          onProgress?.({ bytes, total });
        }
      } finally {
        await reader.cancel();
      }
      yield decoder.decode();
    }
    return this.session.load(name, chunks(), opts);
  }

  async loadFile(file: File, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary> {
    async function* chunks() {
      const decoder = new TextDecoder();
      for (let start = 0; start < file.size; start += CHUNK_BYTES) {
        yield decoder.decode(new Uint8Array(await file.slice(start, start + CHUNK_BYTES).arrayBuffer()), { stream: true });
        onProgress?.({ bytes: Math.min(file.size, start + CHUNK_BYTES), total: file.size });
      }
      yield decoder.decode();
    }
    return this.session.load(file.name, chunks(), opts, `${file.size}:${file.lastModified}`);
  }

  cancel(): void {
    this.session.cancel();
  }

  /** Trains; a WebGPU failure mid-run (device lost, out of memory) falls back, says so and runs again. */
  async train(cfg: LightGCNConfig, onEvent?: (e: TrainEvent) => void): Promise<TrainSummary> {
    const run = () =>
      this.session.train(cfg, (report) => {
        if (this.deviceLost) throw new Error('WebGPU device lost');
        onEvent?.({ type: 'epoch', report });
      });
    let result;
    const gpuBefore = this.gpu?.counts();
    try {
      result = await run();
      if (gpuBefore && this.gpu) this.gpuTrain = countsBetween(this.gpu.counts(), gpuBefore);
    } catch (err) {
      if (isCancelled(err) || this.backendInfo?.backend !== 'webgpu') throw err;
      const why = err instanceof Error ? err.message : String(err);
      const info = await this.use(async () => ({ ...(await selectBackend(['wasm', 'cpu'])), reason: `fallback after WebGPU failure: ${why}` }));
      onEvent?.({ type: 'backend', info, message: `WebGPU failed (${why}); continuing on ${info.backend}.` });
      result = await run();
    }
    const { reports, metrics, msPerEpochMedian, backend, engine } = result;
    await saveModel(modelKey(this.session.dataKey, cfg), { metrics, msPerEpochMedian, backend, E0: result.E0, reports, savedAt: Date.now() });
    return { epochs: reports.length, metrics, msPerEpochMedian, backend, engine };
  }

  async restore(cfg: LightGCNConfig): Promise<TrainSummary | null> {
    const ds = this.session.dataset;
    const cached = await loadModel(modelKey(this.session.dataKey, cfg));
    if (!cached || cached.E0.length !== (ds.nUsers + ds.nItems) * cfg.dim) return null;
    const { reports, metrics, msPerEpochMedian, backend } = cached;
    this.session.adoptModel({ E0: cached.E0, cfg, epochMs: reports.length ? reports.reduce((a, r) => a + r.ms, 0) / reports.length : undefined });
    return { epochs: reports.length, metrics, msPerEpochMedian, backend, fromCache: true, reports };
  }

  embeddings: EngineApi['embeddings'] = async () => {
    const { nUsers, nItems } = this.session.dataset;
    const { E0, cfg } = this.session.trained;
    return { nUsers, nItems, dim: cfg.dim, E0: E0.slice(), E: this.session.propagated().slice() };
  };

  methods: EngineApi['methods'] = async () => METHOD_INFO;
  users: EngineApi['users'] = async () => this.session.users();
  userItems: EngineApi['userItems'] = async (user) => this.session.userItems(user);
  map: EngineApi['map'] = async () => this.session.map();
  unlearn: EngineApi['unlearn'] = async (forget, methods, onProgress, onView, settings) => {
    const gpu = this.gpu;
    if (!gpu) return this.session.explore(forget, methods, { onProgress, onView, shards: settings?.shards });
    // The GPU calls of each phase: the progress stream announces each phase as it starts.
    const phases: GpuReport['phases'] = {};
    let phase: string | null = null;
    let mark = gpu.counts();
    const close = () => {
      const now = gpu.counts();
      if (phase) phases[phase] = countsBetween(now, mark);
      mark = now;
    };
    try {
      return await this.session.explore(forget, methods, {
        onView,
        shards: settings?.shards,
        onProgress: (p) => {
          const key = p.method ?? p.stage;
          if (key !== phase) {
            close();
            phase = key;
          }
          onProgress?.(p);
        },
      });
    } finally {
      close();
      this.gpuPhases = phases;
    }
  };
  lesson: EngineApi['lesson'] = (kind, forget, onProgress) => this.session.lesson(kind, forget, { onProgress });

  gpuCounts: EngineApi['gpuCounts'] = async () => (this.gpu ? { total: this.gpu.counts(), train: this.gpuTrain, phases: this.gpuPhases } : null);
  transformerUnlearn: EngineApi['transformerUnlearn'] = (forget, methods, epochs, onProgress) =>
    this.session.transformer(forget, methods, epochs, onProgress);
}
