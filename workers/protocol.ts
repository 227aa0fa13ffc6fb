/**
 * The typed contract between the UI and the engine worker. Only plain data and typed arrays cross it.
 */
import type { EpochReport, LightGCNConfig, Metrics } from '../src/core/types';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export const BACKEND_ORDER: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export interface BackendAttempt {
  name: string;
  ok: boolean;
  ms?: number;
  error?: string;
}

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
  cancelled: boolean;
}

export interface EmbeddingsSnapshot {
  nUsers: number;
  nItems: number;
  dim: number;
  /** Raw layer-0 embeddings and propagated (final) embeddings, row-major n×dim. */
  E0: Float32Array;
  E: Float32Array;
}

export interface EngineApi {
  init(preferred?: string): Promise<BackendInfo>;
  loadPreset(name: string, url: string, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary>;
  loadFile(file: File, opts: DataOptions, onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary>;
  train(cfg: LightGCNConfig, onEvent?: (e: TrainEvent) => void): Promise<TrainSummary>;
  cancel(): void;
  embeddings(): Promise<EmbeddingsSnapshot>;
  /** Test hook: destroys the WebGPU device to exercise the fallback path. */
  loseDevice(): Promise<boolean>;
}

export type { EpochReport, LightGCNConfig, Metrics };
