/**
 * The typed contract between the UI and the engine worker. Only plain data and typed arrays cross it.
 */
import type { BackendAttempt, BackendInfo } from '../src/core/backend';
import type { DataOptions, DatasetSummary, LessonKind, LessonPoints, MapData, SessionProgress, UserList } from '../src/core/session';
import type { ExplorerView, MovementSeries, NeighbourTop } from '../src/core/explorerView';
import type { EpochReport, LightGCNConfig, Metrics } from '../src/core/types';
import type { ConvergencePoint, HorizonPoint, MethodInfo, SizePoint } from '../src/core/unlearn';
import type { TransformerUnlearningReport } from '../src/core/transformer';
import type { GpuCounts } from '../src/core/gpuCounters';

export type { MethodInfo, TransformerUnlearningReport };

export { DEFAULT_BACKEND_ORDER as BACKEND_ORDER } from '../src/core/backendOrder';
export type { BackendAttempt, BackendInfo, GpuCounts };

/** What the WebGPU device was asked to do (src/core/gpuCounters.ts), while webgpu runs. */
export interface GpuReport {
  /** Since webgpu was chosen. */
  total: GpuCounts;
  /** During the last train() call. */
  train: GpuCounts | null;
  /** During the last unlearn(), per phase of its progress (preparing, each method, reference, noise floor, metrics). */
  phases: Record<string, GpuCounts>;
}
export type { DataOptions, DatasetSummary, UserList, MapData };

export interface LoadProgress {
  bytes: number;
  total: number;
}

export type TrainEvent =
  | { type: 'epoch'; report: EpochReport }
  | { type: 'backend'; info: BackendInfo; message: string };

export interface TrainSummary {
  epochs: number;
  metrics: Metrics;
  msPerEpochMedian: number;
  backend: string;
  /** 'typed' (typed-array step with the SIMD kernels) or 'tfjs' (tfjs ops on the backend). */
  engine?: string;
  /** Set when the model came from this browser's cache instead of training. */
  fromCache?: boolean;
  reports?: EpochReport[];
}

export interface EmbeddingsSnapshot {
  nUsers: number;
  nItems: number;
  dim: number;
  /** Raw layer-0 embeddings and propagated (final) embeddings, row-major n×dim. */
  E0: Float32Array;
  E: Float32Array;
}

/** Progress of a long call (fraction within the phase, step of steps, plain words). */
export type UnlearnProgress = SessionProgress;
/** What the explorer draws after a forget request. */
export type ExplorerResult = ExplorerView;
export type { MovementSeries, NeighbourTop };

export interface EngineApi {
  init(preferred?: string): Promise<BackendInfo>;
  loadPreset(name: string, url: string, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary>;
  loadFile(file: File, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary>;
  train(cfg: LightGCNConfig, onEvent?: (e: TrainEvent) => void): Promise<TrainSummary>;
  cancel(): void;
  embeddings(): Promise<EmbeddingsSnapshot>;
  /** The unlearning methods the engine knows, in registry order, as they describe themselves. */
  methods(): Promise<MethodInfo[]>;
  users(): Promise<UserList>;
  userItems(user: string): Promise<string[]>;
  map(): Promise<MapData>;
  /** Forgets with each method; `onView` gets every landing before the last (the quick methods with
   *  the reference first, then each slower method), the promise the complete result. `settings.shards`:
   *  SISA's and RecEraser's k (default: the data set's). */
  unlearn(
    forget: string,
    methods: string[],
    onProgress?: (p: UnlearnProgress) => void,
    onView?: (view: ExplorerResult) => void,
    settings?: { shards?: number },
  ): Promise<ExplorerResult>;
  /** A lesson of "When do influence functions work?" (Session.lesson): the horizon (fidelity against
   *  μ), convergence (against the model's training) or size (against the deletion's size); cancel() stops it. */
  lesson<K extends LessonKind>(kind: K, forget: string, onProgress?: (p: UnlearnProgress) => void): Promise<LessonPoints[K]>;
  /** The small transformer recommender: trains it, then Retrain / Fine-tune / NegGrad / E2URec on it. */
  transformerUnlearn(forget: string, methods: string[], epochs: number, onProgress?: (p: UnlearnProgress) => void): Promise<TransformerUnlearningReport>;
  /** Restores a model trained earlier with this data set and config from IndexedDB (no retraining). */
  restore(cfg: LightGCNConfig): Promise<TrainSummary | null>;
  /** Test hook: destroys the WebGPU device to exercise the fallback path. */
  loseDevice(): Promise<boolean>;
  /** The WebGPU calls counted so far (null unless webgpu runs): the GPU bench reads them. */
  gpuCounts(): Promise<GpuReport | null>;
}

export type { EpochReport, LightGCNConfig, Metrics, HorizonPoint, ConvergencePoint, SizePoint, LessonKind, LessonPoints };
