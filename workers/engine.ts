/**
 * Engine state behind the worker facade: the backend, the loaded data set and the trained model.
 * Kept free of comlink and `self` so it runs in Node tests too.
 */
import * as tf from '@tensorflow/tfjs';
import { benchmarkBackends, selectBackend } from '../src/core/backend';
import { BACKEND_ORDER } from './protocol';
import { createInteractionParser, buildDataset, DataError } from '../src/core/data';
import { trainLightGCN, type TrainResult } from '../src/core/train';
import { propagateCpu } from '../src/core/lightgcn';
import type { CancelToken, Dataset, LightGCNConfig } from '../src/core/types';
import { CancelledError } from '../src/core/types';
import type {
  BackendInfo,
  DataOptions,
  DatasetSummary,
  EmbeddingsSnapshot,
  LoadProgress,
  TrainEvent,
  TrainSummary,
} from './protocol';

const CHUNK_BYTES = 4 << 20;

class Token implements CancelToken {
  cancelled = false;
}

export class Engine {
  private backendInfo: BackendInfo | null = null;
  private dataset: Dataset | null = null;
  private trained: TrainResult | null = null;
  private token = new Token();
  private deviceLost = false;
  private device: GPUDevice | null = null;
  private layers = 3;

  /**
   * A forced backend is tried first (then the usual order). "auto" times a few SpMMs on each backend
   * and runs the fastest: without a GPU, WebGPU is emulated and slower than the CPU kernels.
   */
  async init(preferred?: string): Promise<BackendInfo> {
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
    if (sel.backend === 'webgpu') {
      info.adapter = await this.watchDevice();
    }
    this.backendInfo = info;
    return info;
  }

  /** Follows the WebGPU device so a loss mid-run can fall back instead of failing. */
  private async watchDevice(): Promise<string | undefined> {
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

  async loadPreset(
    name: string,
    url: string,
    opts: DataOptions,
    onProgress?: (p: LoadProgress) => void,
  ): Promise<DatasetSummary> {
    const res = await fetch(url);
    if (!res.ok || !res.body) {
      throw new DataError(name, 0, `could not load the preset (HTTP ${res.status})`);
    }
    const total = Number(res.headers.get('content-length') ?? 0);
    const reader = res.body.getReader();
    const parser = createInteractionParser(name, { threshold: opts.threshold });
    const decoder = new TextDecoder();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
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
    for (let start = 0; start < file.size; start += CHUNK_BYTES) {
      const buf = await file.slice(start, start + CHUNK_BYTES).arrayBuffer();
      parser.push(decoder.decode(new Uint8Array(buf), { stream: true }));
      onProgress?.({ bytes: Math.min(file.size, start + CHUNK_BYTES), total: file.size });
    }
    parser.push(decoder.decode());
    return this.adopt(file.name, parser.finish(), opts);
  }

  /** Only a data set that parsed and built completely replaces the current one. */
  private adopt(name: string, raw: ReturnType<ReturnType<typeof createInteractionParser>['finish']>, opts: DataOptions): DatasetSummary {
    const { dataset, stats } = buildDataset(raw, {
      name,
      threshold: opts.threshold,
      kCore: opts.kCore,
      testFraction: opts.testFraction,
      seed: opts.seed,
    });
    this.dataset = dataset;
    this.trained = null;
    return {
      name,
      users: dataset.nUsers,
      items: dataset.nItems,
      train: dataset.train.u.length,
      test: dataset.test.u.length,
      notes: stats.notes,
    };
  }

  cancel(): void {
    this.token.cancelled = true;
  }

  async train(cfg: LightGCNConfig, onEvent?: (e: TrainEvent) => void): Promise<TrainSummary> {
    const ds = this.dataset;
    if (!ds) throw new Error('Load a data set first.');
    this.token = new Token();
    const token = this.token;
    this.layers = cfg.layers;
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
      if (err instanceof CancelledError) {
        return { epochs: 0, metrics: { recall: 0, ndcg: 0, auc: 0, k: 20 }, msPerEpochMedian: 0, backend: tf.getBackend(), cancelled: true };
      }
      if (this.backendInfo?.backend !== 'webgpu') throw err;
      // WebGPU failed mid-run (device lost, out of memory): fall back, say so, keep the data, run again.
      const why = err instanceof Error ? err.message : String(err);
      const info = await this.fallback(why);
      onEvent?.({ type: 'backend', info, message: `WebGPU failed (${why}); continuing on ${info.backend}.` });
      result = await run();
    }
    this.trained = result;
    return {
      epochs: result.reports.length,
      metrics: result.metrics,
      msPerEpochMedian: result.msPerEpochMedian,
      backend: result.backend,
      cancelled: false,
    };
  }

  private async fallback(why: string): Promise<BackendInfo> {
    const sel = await selectBackend(['wasm', 'cpu']);
    const info: BackendInfo = { backend: sel.backend, reason: `fallback after WebGPU failure: ${why}`, tried: sel.tried };
    this.backendInfo = info;
    this.deviceLost = false;
    this.device = null;
    return info;
  }

  async embeddings(): Promise<EmbeddingsSnapshot> {
    const t = this.trained;
    const ds = this.dataset;
    if (!t || !ds) throw new Error('Train a model first.');
    const E = propagateCpu(t.graph, t.E0, t.dim, this.layers);
    return { nUsers: ds.nUsers, nItems: ds.nItems, dim: t.dim, E0: t.E0.slice(), E };
  }
}
