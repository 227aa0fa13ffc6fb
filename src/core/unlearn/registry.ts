import type { UnlearningMethod } from './context';
import { finetune } from './methods/finetune';
import { influenceDirect, ifru, ifruFast, ifruPruned } from './methods/influenceMethods';
import { neggrad } from './methods/neggrad';
import { retrain } from './methods/retrain';
import { e2urec } from '../e2urec/method';

/** Every unlearning method, by name. A new method: one file + one line here. */
export const METHODS: Record<string, UnlearningMethod> = Object.fromEntries(
  [retrain, finetune, neggrad, influenceDirect, ifru, ifruPruned, ifruFast, e2urec].map((m) => [m.name, m]),
);

export const METHOD_NAMES = Object.keys(METHODS);

export function methodByName(name: string): UnlearningMethod {
  const m = METHODS[name];
  if (!m) throw new Error(`unknown unlearning method "${name}" (known: ${METHOD_NAMES.join(', ')})`);
  return m;
}
