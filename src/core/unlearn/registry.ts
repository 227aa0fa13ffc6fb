import { makeRegistry } from '../common/registry';
import { methodInfo, type AnyMethod, type MethodInfo } from './context';
import { e2urec } from './methods/e2urec';
import { finetune } from './methods/finetune';
import { influenceDirect, ifru, ifruFast, ifruPruned } from './methods/influenceMethods';
import { ifruRecentred } from './methods/ifruRecentred';
import { neggrad } from './methods/neggrad';
import { retrain } from './methods/retrain';
import { scif } from './methods/scif';
import { receraser, sisa } from './methods/sharded';

/** Every unlearning method on LightGCN. A new method: one file + one line here. */
export const REGISTRY = makeRegistry<AnyMethod>('unlearning method', [
  retrain,
  finetune,
  neggrad,
  influenceDirect,
  ifru,
  ifruPruned,
  ifruFast,
  ifruRecentred,
  scif,
  e2urec,
  sisa,
  receraser,
]);

export const METHODS: Record<string, AnyMethod> = Object.fromEntries(REGISTRY.all.map((m) => [m.name, m]));
export const METHOD_NAMES = REGISTRY.names;
export const methodByName = REGISTRY.byName;

/** What each method says about itself, in registry order (plain data for the worker's page). */
export const METHOD_INFO: MethodInfo[] = REGISTRY.all.map(methodInfo);
