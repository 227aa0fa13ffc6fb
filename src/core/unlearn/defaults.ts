/**
 * The methods an experiment compares unless it says otherwise, declared once: the CLI, the benches,
 * runUnlearning and the page's presets read them from here. Names of registry.ts (its test checks
 * them); this module imports nothing, so the page can read it without loading the engine.
 */
export const DEFAULT_METHODS: readonly string[] = ['retrain', 'finetune', 'neggrad', 'if', 'ifru', 'ifru-pruned'];

/** The class demo's choice: Retrain and the quick methods of DEFAULT_METHODS (seconds on the small preset). */
export const DEMO_METHODS: readonly string[] = ['retrain', 'if', 'ifru', 'ifru-pruned'];

/** The methods of the convergence and size lessons (lessons/), and the horizon's, which adds the fast Hessian. */
export const LESSON_METHODS: readonly string[] = ['if', 'ifru', 'ifru-recentred'];
export const HORIZON_METHODS: readonly string[] = [...LESSON_METHODS, 'ifru-fast'];

/**
 * Shards k of SISA and RecEraser unless the experiment says otherwise: per bundled data set (chosen on
 * it, docs/method.md#shards), DEFAULT_SHARDS for any other data.
 */
export const DEFAULT_SHARDS = 4;
/** The methods that read the shards setting. */
export const SHARDED_METHODS: readonly string[] = ['sisa', 'receraser'];
export const PRESET_SHARDS: Readonly<Record<string, number>> = { 'synthetic-small': 3, 'synthetic-ml100k': 4 };

/** The shards a data set gets by default (its name: a preset's id, or a file's name). */
export function defaultShards(dataName: string): number {
  return PRESET_SHARDS[dataName] ?? DEFAULT_SHARDS;
}
