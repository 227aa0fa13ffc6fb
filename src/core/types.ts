/**
 * Shared contracts of the core. Everything here is plain data (typed arrays, numbers, strings)
 * so it crosses the worker boundary unchanged and runs in Node as well as in the browser.
 */

/** Interactions as parallel arrays of dense ids: interaction k is (u[k], i[k]). */
export interface Edges {
  u: Int32Array;
  i: Int32Array;
}

/** A parsed, filtered, re-indexed and split interaction data set. */
export interface Dataset {
  /** Display name (file name or preset name). */
  name: string;
  nUsers: number;
  nItems: number;
  /** Original ids as written in the file, indexed by dense id. */
  userIds: string[];
  itemIds: string[];
  train: Edges;
  test: Edges;
  /** Validation part, held out of train per user; present only when one was requested. */
  valid?: Edges;
}

/** Symmetric-normalised bipartite adjacency Â = D^-1/2 A D^-1/2 over n = nUsers + nItems nodes,
 *  users first (node u), then items (node nUsers + i), in CSR form. */
export interface Graph {
  nUsers: number;
  nItems: number;
  n: number;
  indptr: Int32Array; // length n + 1
  indices: Int32Array; // length nnz
  values: Float32Array; // length nnz
  /** Node degree in the (unnormalised) bipartite graph. */
  degree: Float32Array;
}

/** LightGCN hyper-parameters (defaults: docs/method.md#lightgcn). */
export interface LightGCNConfig {
  dim: number;
  layers: number;
  lr: number;
  reg: number;
  batch: number;
  epochs: number;
  seed: number;
  initStd: number;
  /** Evaluate Recall/NDCG every N epochs during training (0 = only at the end). */
  evalEvery: number;
}

/** The page's evaluation cadence: about ten evaluations per run (every epoch up to 10 epochs, every
 *  2nd up to 20, …), so a long run on webgpu does not stop for a readback and a CPU evaluation each epoch. */
export function evalCadence(epochs: number): number {
  return Math.max(1, Math.ceil(epochs / 10));
}

export const DEFAULT_LIGHTGCN: LightGCNConfig = {
  dim: 64,
  layers: 3,
  lr: 1e-3,
  reg: 1e-4,
  batch: 2048,
  epochs: 20,
  seed: 2024,
  initStd: 0.1,
  evalEvery: 1,
};

export interface Metrics {
  recall: number;
  ndcg: number;
  auc: number;
  /** Cut-off K used for recall and ndcg. */
  k: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  ms: number;
  metrics?: Metrics;
}

/** Cooperative cancellation, shared by every long computation of the core. */
export interface CancelToken {
  readonly cancelled: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** A cancelled run, also after the error crossed a worker boundary (which keeps only its name and message). */
export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'CancelledError');
}

/** A token the caller can flip. */
export class CancelFlag implements CancelToken {
  cancelled = false;
}

export function throwIfCancelled(token?: CancelToken): void {
  if (token?.cancelled) throw new CancelledError();
}
