/**
 * Trained models kept in the browser's IndexedDB, so a reload (or a shared link opened again) does not
 * retrain. Keyed by everything that determines the model: the data set's identity and the config.
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { EpochReport, LightGCNConfig, Metrics } from '../src/core/types';

export interface CachedModel {
  E0: Float32Array;
  reports: EpochReport[];
  metrics: Metrics;
  msPerEpochMedian: number;
  backend: string;
  savedAt: number;
}

let store: UseStore | null | undefined;

function db(): UseStore | null {
  if (store === undefined) store = typeof indexedDB === 'undefined' ? null : createStore('unlearning-playground', 'models');
  return store;
}

export function modelKey(dataKey: string, cfg: LightGCNConfig): string {
  const { dim, layers, lr, reg, batch, epochs, seed, initStd } = cfg;
  return JSON.stringify({ v: 1, data: dataKey, dim, layers, lr, reg, batch, epochs, seed, initStd });
}

export async function loadModel(key: string): Promise<CachedModel | null> {
  const s = db();
  if (!s) return null;
  try {
    return (await get<CachedModel>(key, s)) ?? null;
  } catch {
    return null; // private mode, quota, blocked: the cache is a convenience, never a failure
  }
}

export async function saveModel(key: string, model: CachedModel): Promise<void> {
  const s = db();
  if (!s) return;
  try {
    await set(key, model, s);
  } catch {
    /* see loadModel */
  }
}
