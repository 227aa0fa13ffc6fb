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
