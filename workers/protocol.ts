/**
 * The typed contract between the UI and the engine worker. Only plain data and typed arrays cross it.
 */
import type { BackendAttempt } from '../src/core/backend';
import type { EpochReport, LightGCNConfig, Metrics } from '../src/core/types';
import type { MethodInfo, UnlearnReport } from '../src/core/unlearn';
import type { TransformerUnlearningReport } from '../src/core/transformer';
import type { NeighbourhoodView } from '../src/core/neighbourhoodView';

export type { MethodInfo, TransformerUnlearningReport };

export { DEFAULT_BACKEND_ORDER as BACKEND_ORDER } from '../src/core/backend';

export interface BackendInfo {
  backend: string;
  /** Why this backend runs (first that passed its self-check, forced by the user, fallback after loss). */
  reason: string;
  tried: BackendAttempt[];
  /** Adapter description where webgpu initialised (e.g. "google swiftshader"). */
  adapter?: string;
}

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
  cancelled: boolean;
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
}

export interface UnlearnProgress {
  method?: string;
  stage: string;
  fraction: number;
  message?: string;
}

/** One series whose per-node movement the explorer draws: a method, the paired reference or the
 *  scratch retrain with another seed. Values are aligned with `ExplorerResult.nodes`. */
export interface MovementSeries {
  norms: Float32Array;
  cos?: Float32Array;
}

export interface ExplorerResult {
  report: UnlearnReport;
  /** The methods that ran, in order, as they describe themselves. */
  methods: MethodInfo[];
  /** Hop 1..K neighbourhood of the forgotten user (graph node ids) and hop per node. */
  nodes: Int32Array;
  hop: Int8Array;
  reference: MovementSeries | null;
  scratch: MovementSeries | null;
  movement: Record<string, MovementSeries>;
  /** The sampled neighbourhood picture (nodes[0] = the centre user). */
  view: NeighbourhoodView & {
    /** Position of each view node in `nodes` (−1 for the centre). */
    index: Int32Array;
    /** Original ids (user or item) of the view's nodes. */
    labels: string[];
  };

  /** PCA positions of the view's nodes before (original) and after each method (same axes). */
  arrows: { before: Float32Array; after: Record<string, Float32Array> };
  centreUser: string;
  forgottenItems: string[];
  topBefore: string[];
  topAfter: Record<string, string[]>;
  /** Whole-user deletions: the most affected remaining neighbours' top-20 before and after each method
   *  (and 'reference', marked against its own run on all data). Null for partial deletions. */
  neighbours: NeighbourTop[] | null;
}

export interface NeighbourTop {
  user: string;
  /** Forgotten items this neighbour also has. */
  shared: number;
  before: string[];
  after: Record<string, { top: string[]; entered: boolean[] }>;
}

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
  unlearn(forget: string, methods: string[], onProgress?: (p: UnlearnProgress) => void): Promise<ExplorerResult>;
  /** The small transformer recommender: trains it, then Retrain / Fine-tune / NegGrad / E2URec on it. */
  transformerUnlearn(forget: string, methods: string[], epochs: number, onProgress?: (p: UnlearnProgress) => void): Promise<TransformerUnlearningReport>;
  /** Restores a model trained earlier with this data set and config from IndexedDB (no retraining). */
  restore(cfg: LightGCNConfig): Promise<TrainSummary | null>;
  /** Test hook: destroys the WebGPU device to exercise the fallback path. */
  loseDevice(): Promise<boolean>;
}

export type { EpochReport, LightGCNConfig, Metrics };
