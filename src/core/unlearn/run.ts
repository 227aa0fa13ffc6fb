/**
 * runUnlearning: one forget request, the chosen methods side by side, the proximal reference and
 * the noise floor. Results land one by one, each reported through `onResult` as soon as it is
 * measured (report.ts): first the quick methods with the reference (the explorer's first picture),
 * then each slower method (Retrain, Fine-tune, E2URec, …), then the noise floor. The returned run is
 * the last, complete one. Everything is plain data (numbers and typed arrays) that crosses a worker
 * boundary: `report` is the JSON summary, `detail` the per-node data for charts.
 */
import { initEmbeddings } from '../lightgcn';
import { trainEmbeddings } from '../train';
import { DEFAULT_LIGHTGCN, throwIfCancelled, type CancelToken, type Dataset, type Graph, type LightGCNConfig } from '../types';
import {
  prepareRequest,
  prepareUnlearning,
  type AnyMethod,
  type AnyResult,
  type ProgressEvent,
  type UnlearnContext,
  type UnlearnOptions,
  type UnlearnPrep,
} from './context';
import { resolveDamping } from './methods/influence';
import { CONVERGED_REFERENCE, DEFAULT_REFERENCE, proximalReference, type ProximalReference, type ReferenceOptions } from './reference/proximal';
import { DEFAULT_METHODS, DEFAULT_SHARDS } from './defaults';
import { methodByName, REGISTRY } from './registry';
import type { ForgetRequest } from '../common/request';
import { tinyDataset } from '../data/tiny';
import { RunLedger, type UnlearnReport, type UnlearnRun } from './report';

export type { MethodReport, UnlearnReport, UnlearnDetail, UnlearnRun } from './report';

/**
 * Defaults chosen by fidelity against the proximal reference at the same μ (`npm run bench:unlearn --
 * --sweep`, on generated data that is not the default data set; checked on the default data). The
 * exact Hessian: the raw-row fast one is worse than a scaled gradient from μ ≈ 1e-4 down. μ = 1e-4:
 * the smallest μ at which IFRU stays well inside the error of IF-direct and of the oracle-scaled
 * gradient (below it θ̂'s negative curvature breaks the step). CG stops at a relative residual of 5%
 * (cap 5): at μ = 1e-4 the error left is the one-step linearisation's, not the solve's — on the sweep
 * data and the default data the fidelity at 5% (3 iterations, 2 for IFRU-pruned) equals that of 5,
 * 8 and 10 iterations to ±0.01 at half the products; the small preset still takes all 5 (tiny
 * problems are worse conditioned; docs/method.md finding 6). Below μ = 1e-4 the cap's early stopping
 * keeps the step sane. Pruning: the lowest quantile swept (0.5) loses least. When the
 * gradient itself is a direction of negative curvature the solve raises μ (cg.ts). Shards: the Session
 * gives each data set its own default (defaults.ts, defaultShards).
 */
export const DEFAULT_UNLEARN_OPTIONS: UnlearnOptions = {
  hessian: 'exact',
  damping: 1e-4,
  cgIters: 5,
  cgTol: 5e-2,
  pruneQuantile: 0.5,
  importanceHops: 1,
  spilloverHops: 'all',
  finetuneEpochs: 2,
  neggradSteps: 10,
  neggradLr: 1e-3,
  resetRemovedUsers: true,
  shards: DEFAULT_SHARDS,
  receraserPartition: 'user',
};

export interface RunOptions extends Partial<UnlearnOptions> {
  methods?: string[];
  /** The proximal reference's settings (μ: the methods' damping unless given); false: none. */
  reference?: Partial<Omit<ReferenceOptions, 'token' | 'onProgress'>> | false;
  /** Noise floor: a scratch retrain on the full data with seed + 1 (trained here unless given). */
  noiseFloor?: boolean;
  /** The noise floor's model, or where to get it (asked for after the methods and the reference). */
  noiseE0?: Float32Array | (() => Promise<Float32Array>);
  /** Reuse an UnlearnPrep of the same model (it is not disposed here). */
  prep?: UnlearnPrep;
  token?: CancelToken;
  onProgress?: (e: ProgressEvent & { method?: string }) => void;
  /** Each time a result lands: everything landed so far (report.pending says what is still to come).
   *  The last call is the complete run, the one runUnlearning returns. */
  onResult?: (run: UnlearnRun) => void;
}

/**
 * Runs the influence methods once on a tiny throwaway model (30 users × 40 items, the same dim and
 * layers), so that the JIT compilation and WASM instantiation a cold process pays land here and not
 * in the first request's milliseconds. It builds no cache of the real model: every per-model cost
 * stays in prep.ms or in the request that needs it. Returns its wall time (also kept as
 * prep.warmUpMs, reported beside the first-request figures).
 */
export async function warmUpInfluence(prep?: UnlearnPrep): Promise<number> {
  const t0 = performance.now();
  const cfg = prep?.cfg ?? DEFAULT_LIGHTGCN;
  const ds = tinyDataset(30, 40, 6, 1);
  const tiny = await prepareUnlearning(ds, { E0: initEmbeddings(70, cfg.dim, cfg.initStd, 1) }, { ...cfg, epochs: 1 });
  const req = prepareRequest(tiny, { kind: 'user', user: 0 });
  try {
    for (const m of REGISTRY.all) if (m.quick) await m.run({ prep: tiny, req, options: DEFAULT_UNLEARN_OPTIONS });
  } finally {
    req.dispose();
    tiny.dispose();
  }
  const ms = performance.now() - t0;
  if (prep) prep.warmUpMs = ms;
  return ms;
}

/** The order results land in: quick methods, the reference, slower methods one by one, the noise floor. */
export function landingOrder(methods: string[], reference: boolean, noiseFloor: boolean): string[] {
  const chosen = methods.map(methodByName);
  return [
    ...chosen.filter((m) => m.quick).map((m) => m.name),
    ...(reference ? ['reference', 'metrics'] : ['metrics']),
    ...chosen.filter((m) => !m.quick).map((m) => m.name),
    ...(noiseFloor ? ['noise floor'] : []),
  ];
}

export async function runUnlearning(
  ds: Dataset,
  trained: { E0: Float32Array; graph?: Graph; epochMs?: number; seededInit?: Float32Array },
  cfg: LightGCNConfig,
  request: ForgetRequest,
  opts: RunOptions = {},
): Promise<UnlearnRun> {
  const options = resolveOptions(opts);
  const names = opts.methods ?? [...DEFAULT_METHODS];
  const methods = names.map(methodByName);
  const progress = opts.onProgress;
  const prep = opts.prep ?? (await prepareUnlearning(ds, trained, cfg));
  const req = prepareRequest(prep, request);
  try {
    const ctx: UnlearnContext = { prep, req, options, token: opts.token };
    const withReference = opts.reference !== false;
    // The noise floor is read against the reference; without one it is not trained.
    const withNoise = withReference && (opts.noiseE0 !== undefined || opts.noiseFloor !== false);
    const ledger = new RunLedger(ds, cfg, request, prep, req, options, names, trained.epochMs, withNoise);
    const land = () => {
      const run = ledger.snapshot();
      opts.onResult?.(run);
      return run;
    };
    // The millisecond methods run first: after Retrain's allocations a garbage collection would land in
    // their few milliseconds and misstate their cost. Results keep the requested order.
    for (const m of methods.filter((x) => x.quick)) ledger.land(m.name, await runMethod(ctx, m, progress));
    if (withReference) ledger.setReference(await referencePhase(ctx, opts, progress));
    progress?.({ stage: 'metrics', fraction: 0, message: 'measuring the results' });
    let run = land();
    for (const m of methods.filter((x) => !x.quick)) {
      ledger.land(m.name, await runMethod(ctx, m, progress));
      run = land();
    }
    if (withNoise) {
      ledger.setNoise(await noiseFloorPhase(ds, cfg, opts, progress));
      run = land();
    }
    return run;
  } finally {
    req.dispose();
    if (!opts.prep) prep.dispose();
  }
}

/** The run's settings: the defaults, overridden by what the caller gave. */
function resolveOptions(opts: RunOptions): UnlearnOptions {
  const options: UnlearnOptions = { ...DEFAULT_UNLEARN_OPTIONS };
  for (const key of Object.keys(DEFAULT_UNLEARN_OPTIONS) as (keyof UnlearnOptions)[]) {
    if (opts[key] !== undefined) (options as unknown as Record<string, unknown>)[key] = opts[key];
  }
  return options;
}

/** One method on the request, with its progress reported under its name. */
async function runMethod(ctx: UnlearnContext, m: AnyMethod, progress: RunOptions['onProgress']): Promise<AnyResult> {
  throwIfCancelled(ctx.token);
  progress?.({ stage: 'method', fraction: 0, method: m.name, message: m.label });
  return m.run({ ...ctx, onProgress: (e) => progress?.({ ...e, method: m.name }) });
}

/** The proximal reference at the methods' μ (or the converged paired retrain, `kind: 'converged'`). */
async function referencePhase(ctx: UnlearnContext, opts: RunOptions, progress: RunOptions['onProgress']): Promise<ProximalReference> {
  throwIfCancelled(ctx.token);
  progress?.({ stage: 'reference', fraction: 0 });
  const given = opts.reference || {};
  const kind = given.kind ?? 'proximal';
  const mu = given.mu ?? resolveDamping(ctx, keptRows(ctx.prep, ctx.req));
  return proximalReference(ctx.prep, ctx.req, {
    ...(kind === 'converged' ? CONVERGED_REFERENCE : DEFAULT_REFERENCE),
    ...given,
    mu,
    token: ctx.token,
    onProgress: (fraction) => progress?.({ stage: 'reference', fraction, message: 'the reference: the trained model optimised with and without the data' }),
  });
}

/** The noise floor's model: given (the session trains it once per model), or a scratch retrain here. */
async function noiseFloorPhase(ds: Dataset, cfg: LightGCNConfig, opts: RunOptions, progress: RunOptions['onProgress']): Promise<Float32Array> {
  throwIfCancelled(opts.token);
  const given = typeof opts.noiseE0 === 'function' ? await opts.noiseE0() : opts.noiseE0;
  if (given) return given;
  progress?.({ stage: 'noise floor', fraction: 0 });
  return (await trainEmbeddings(ds, { ...cfg, seed: cfg.seed + 1, evalEvery: 0 }, { token: opts.token })).E0;
}

/** Rows a method may move: every node but the removed users. */
function keptRows(prep: UnlearnPrep, req: UnlearnContext['req']): Int32Array {
  const removed = new Set(req.split.removedUsers);
  return Int32Array.from({ length: prep.graphOld.n }, (_, v) => v).filter((v) => !removed.has(v));
}

/**
 * The CLI's one-line JSON (issue 8): a key per method with its figures, plus `reference` (the paired
 * reference's per-hop movement and residual, the graph-only baseline and the noise floor).
 */
export function summarizeReport(report: UnlearnReport): Record<string, unknown> {
  const out: Record<string, unknown> = {
    request: report.request,
    forgotten: report.forgotten,
    removedUsers: report.removedUsers,
    settings: report.settings,
    original: report.original,
    prepMs: report.prepMs,
    warmUpMs: report.warmUpMs,
    epochMs: report.epochMs,
    epochMsSource: report.epochMsSource,
    complete: report.complete,
    pending: report.pending,
  };
  for (const [name, m] of Object.entries(report.methods)) out[name] = m;
  out.reference = report.reference;
  return out;
}
