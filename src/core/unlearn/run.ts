/**
 * runUnlearning: one forget request, the chosen methods side by side, the proximal reference and
 * the noise floor computed once per run. Returns plain data (numbers and typed arrays) that
 * crosses a worker boundary: `report` is the JSON summary, `detail` the per-node data for charts.
 */
import { initEmbeddings, propagateCpu, userItems } from '../lightgcn';
import { topK } from '../evaluate';
import { lightgcnCtrMetrics } from '../e2urec/lightgcn';
import type { CtrMetrics } from '../common/ctr';
import { trainEmbeddings } from '../train';
import { DEFAULT_LIGHTGCN, type CancelToken, type Dataset, type Graph, type LightGCNConfig } from '../types';
import { throwIfCancelled } from '../types';
import {
  prepareRequest,
  prepareUnlearning,
  type MethodResult,
  type ProgressEvent,
  type UnlearnContext,
  type UnlearnOptions,
  type UnlearnPrep,
} from './context';
import {
  closeness,
  closenessProbe,
  completeness,
  movement,
  movementNeighbourhood,
  unseenPairs,
  utility,
  type Completeness,
  type Utility,
} from './measure/metrics';
import { baselines, fidelity, fidelityProbe, type Baselines, type Fidelity } from './measure/fidelity';
import { resolveDamping } from './methods/influence';
import {
  CONVERGED_REFERENCE,
  DEFAULT_REFERENCE,
  proximalReference,
  type ReferenceKind,
  type ReferenceOptions,
  type ReferenceRun,
  type Stationarity,
} from './reference/proximal';
import { DEFAULT_METHODS } from './defaults';
import { methodByName, REGISTRY } from './registry';
import { describeRequest, type ForgetRequest, type ForgetSplit } from '../common/request';
import { affectedNeighbours, type AffectedNeighbour } from './measure/affectedNeighbours';
import { tinyDataset } from '../data/tiny';

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
 * gradient itself is a direction of negative curvature the solve raises μ (cg.ts).
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
}

/** A method's figures: what it returned (MethodResult, without the embeddings) and how it scored. */
export interface MethodReport extends Utility, Completeness, Omit<MethodResult, 'E0' | 'trainableParams'> {
  label: string;
  /** Retrain's ms / this method's ms (a warm request: the per-model cache already built). */
  speedup: number;
  /** ms of the first request on a model: ms + the per-model cache (prepMs) for the methods that read
   *  it; the once-per-process warm-up (UnlearnReport.warmUpMs) excluded. */
  firstRequestMs: number;
  /** Retrain's ms / firstRequestMs. */
  speedupFirst: number;
  /** ms / the original training's mean epoch time: the cost in epochs, whatever Retrain's epoch count. */
  epochEquivalents: number;
  /** firstRequestMs / the original training's mean epoch time. */
  epochEquivalentsFirst: number;
  /** Recall@20 / Retrain's Recall@20. */
  recallRatio: number;
  top20Overlap: number;
  scoreCorr: number;
  /** Against the proximal reference (fidelity.ts): parameter and score relative error, cosine, per hop. */
  fidelity: Fidelity;
  /** Weak, kept for comparison only: Pearson of per-node movement norms (every method gets the graph
   *  change for free in it; a random direction with the right row norms scores high) and median cosine. */
  movementPearson: number;
  movementCos: number;
  movementPerHop: number[];
  /** Parameters the method may change: all of E⁽⁰⁾ for retraining-style methods, the touched rows for
   *  the influence methods, the LoRA factors for E2URec. */
  trainableParams: number;
  /** The E2URec paper's pointwise metrics (AUC / LogLoss / accuracy) on test pairs and on the forget set,
   *  each positive against a sampled never-seen negative. LogLoss and accuracy treat σ(score) as a
   *  probability, which BPR does not calibrate: read AUC first. */
  ctr: { test: CtrMetrics; forget: CtrMetrics };
}

export interface UnlearnReport {
  request: string;
  forgotten: number;
  removedUsers: number;
  /** Graph nodes in the movement neighbourhood (hop 1..K). */
  neighbourhood: number;
  settings: UnlearnOptions;
  original: Utility & Completeness & { ctr: { test: CtrMetrics; forget: CtrMetrics } };
  methods: Record<string, MethodReport>;
  reference: {
    kind: ReferenceKind;
    /** Strength of the proximal term (0 for the converged retrain); the influence methods' damping. */
    mu: number;
    converged: boolean;
    /** max over both runs of ‖∇F‖ / ‖g‖. */
    gradRatio: number;
    /** Iterations of both runs (the D run's only when not cached). */
    iterations: number;
    ms: number;
    runs: { D: ReferenceRun; Dr: ReferenceRun };
    /** Mean movement of the reference's propagated rows per hop 1..K. */
    movementPerHop: number[];
    /** How far θ̂ is from a minimum of its own loss, against the deletion (reference/proximal.ts). */
    stationarity: Stationarity;
    baselines: Baselines;
    /** Scratch retrain on the full data with another seed vs the original model. */
    noiseFloor: {
      top20Overlap: number;
      scoreCorr: number;
      movementPerHop: number[];
      movementPearson: number;
      /** Its parameter relative error against the reference: what scratch retraining scores. */
      fidelity: Fidelity;
      /** The second-seed model's Recall@20: the seed-to-seed spread of utility. */
      recall20: number;
    } | null;
  } | null;
  /** Time to build the per-model cache (in firstRequestMs of the methods that read it, not in ms). */
  prepMs: number;
  /** The once-per-process JIT / WASM warm-up (warmUpInfluence), excluded from firstRequestMs; null
   *  when it did not run. */
  warmUpMs: number | null;
  /** The original training's mean epoch time (evaluation excluded) behind epochEquivalents, and where
   *  it came from: 'original' (the trained model's epochs) or 'retrain' (this run's Retrain, per epoch). */
  epochMs: number;
  epochMsSource: 'original' | 'retrain' | 'unknown';
}

export interface UnlearnDetail {
  /** Hop 1..K neighbourhood of the forgotten user (graph node ids: users, then nUsers + item). */
  nodes: Int32Array;
  hop: Int8Array;
  referenceNorms: Float32Array | null;
  noiseNorms: Float32Array | null;
  methods: Record<string, { norms: Float32Array; cos: Float32Array }>;
  /** The forgotten user's top-20 before and after each method (D_r positives masked). */
  topUser: number;
  topBefore: Int32Array;
  topAfter: Record<string, Int32Array>;
  /** When topUser was deleted whole: the most affected remaining hop-2 users' top-20 before and after
   *  each method and the proximal reference (their own list would come from a reset row). */
  neighbours: AffectedNeighbour[] | null;
}

export interface UnlearnRun {
  report: UnlearnReport;
  detail: UnlearnDetail;
  /** Unlearned layer-0 embeddings per method. */
  models: Record<string, Float32Array>;
  /** What the views need, so nothing is recomputed after the run: each method's model propagated
   *  over Â', the split and Â' itself. */
  propagated: Record<string, Float32Array>;
  split: ForgetSplit;
  graphNew: Graph;
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

export async function runUnlearning(
  ds: Dataset,
  trained: { E0: Float32Array; graph?: Graph; epochMs?: number; seededInit?: Float32Array },
  cfg: LightGCNConfig,
  request: ForgetRequest,
  opts: RunOptions = {},
): Promise<UnlearnRun> {
  const options: UnlearnOptions = { ...DEFAULT_UNLEARN_OPTIONS };
  for (const key of Object.keys(DEFAULT_UNLEARN_OPTIONS) as (keyof UnlearnOptions)[]) {
    if (opts[key] !== undefined) (options as unknown as Record<string, unknown>)[key] = opts[key];
  }
  const names = opts.methods ?? [...DEFAULT_METHODS];
  const methods = names.map(methodByName);
  const progress = opts.onProgress;
  const prep = opts.prep ?? (await prepareUnlearning(ds, trained, cfg));
  const req = prepareRequest(prep, request);
  const d = cfg.dim;
  try {
    const ctx: UnlearnContext = { prep, req, options, token: opts.token };
    const results: Record<string, MethodResult> = {};
    // The millisecond methods run first: after Retrain's allocations a garbage collection would land in
    // their few milliseconds and misstate their cost. Results keep the requested order.
    const quickFirst = [...methods].sort((a, b) => Number(!a.quick) - Number(!b.quick));
    for (const m of quickFirst) {
      throwIfCancelled(opts.token);
      progress?.({ stage: 'method', fraction: 0, method: m.name, message: m.label });
      results[m.name] = await m.run({ ...ctx, onProgress: (e) => progress?.({ ...e, method: m.name }) });
    }

    let reference = null;
    if (opts.reference !== false) {
      progress?.({ stage: 'reference', fraction: 0 });
      const kind = opts.reference?.kind ?? 'proximal';
      const mu = opts.reference?.mu ?? resolveDamping(ctx, keptRows(prep, req));
      reference = await proximalReference(prep, req, {
        ...(kind === 'converged' ? CONVERGED_REFERENCE : DEFAULT_REFERENCE),
        ...(opts.reference ?? {}),
        mu,
        token: opts.token,
        onProgress: (fraction) => progress?.({ stage: 'reference', fraction, message: 'the reference: the trained model optimised with and without the data' }),
      });
    }

    let noiseE: Float32Array | null = null;
    let noiseE0: Float32Array | undefined;
    if (opts.noiseE0 || opts.noiseFloor !== false) {
      noiseE0 = typeof opts.noiseE0 === 'function' ? await opts.noiseE0() : opts.noiseE0;
      if (!noiseE0) {
        progress?.({ stage: 'noise floor', fraction: 0 });
        noiseE0 = (await trainEmbeddings(ds, { ...cfg, seed: cfg.seed + 1, evalEvery: 0 }, { token: opts.token })).E0;
      }
      noiseE = propagateCpu(prep.graphOld, noiseE0, d, cfg.layers);
    }

    progress?.({ stage: 'metrics', fraction: 0 });
    const { split, dsR, graphNew } = req;
    const remainPos = userItems(ds.nUsers, split.remaining);
    const fullPos = userItems(ds.nUsers, ds.train);
    const unseen = unseenPairs(ds, split.forgotten, cfg.seed);
    const probe = closenessProbe(ds, cfg.seed);
    const removed = new Set(split.removedUsers);
    const hood = movementNeighbourhood(prep.graphOld, split, cfg.layers);
    const fid = reference ? fidelityProbe(prep, req, reference, hood) : null;
    const refMove = fid?.refMove;
    const Eafter: Record<string, Float32Array> = {};
    for (const name of names) Eafter[name] = propagateCpu(graphNew, results[name].E0, d, cfg.layers);
    const Eretrain = Eafter['retrain'];
    const retrainMs = results['retrain']?.ms ?? NaN;
    const epochMsSource: UnlearnReport['epochMsSource'] =
      (prep.epochMs ?? trained.epochMs) ? 'original' : results['retrain'] ? 'retrain' : 'unknown';
    const epochMs = prep.epochMs ?? trained.epochMs ?? retrainMs / cfg.epochs;
    const baseUtility = utility(Eretrain ?? prep.Eold, d, dsR, cfg.seed);

    const topUser = split.users.reduce(
      (best, u) => (count(split.forgotten.u, u) > count(split.forgotten.u, best) ? u : best),
      split.users[0],
    );
    const detail: UnlearnDetail = {
      nodes: hood.nodes,
      hop: hood.hop,
      referenceNorms: null,
      noiseNorms: null,
      methods: {},
      topUser,
      // Masked like the lists after (remaining positives only), so the forgotten items show where they stood.
      topBefore: topK(prep.Eold, d, ds.nUsers, ds.nItems, topUser, 20, new Set(itemsOf(remainPos, topUser))),
      topAfter: {},
      neighbours: null,
    };
    const report: UnlearnReport = {
      request: describeRequest(request, ds),
      forgotten: split.forgotten.u.length,
      removedUsers: split.removedUsers.length,
      neighbourhood: hood.nodes.length,
      settings: options,
      original: {
        ...utility(prep.Eold, d, dsR, cfg.seed),
        ...completeness(prep.Eold, d, dsR, split.forgotten, unseen, remainPos),
        ctr: lightgcnCtrMetrics(prep.theta, d, cfg.layers, prep.graphOld, ds, split, cfg.seed),
      },
      methods: {},
      reference: null,
      prepMs: prep.ms,
      warmUpMs: prep.warmUpMs ?? null,
      epochMs,
      epochMsSource,
    };
    if (reference && fid) {
      detail.referenceNorms = movement(fid.refE, prep.Eold, d, hood, cfg.layers, refMove).norms;
      let noiseFloor = null;
      if (noiseE && noiseE0) {
        const nm = movement(noiseE, prep.Eold, d, hood, cfg.layers, refMove);
        detail.noiseNorms = nm.norms;
        noiseFloor = {
          ...closeness(prep.Eold, noiseE, d, ds.nUsers, ds.nItems, probe, fullPos),
          movementPerHop: nm.perHop,
          movementPearson: nm.pearson,
          fidelity: fidelity(fid, noiseE0, propagateCpu(graphNew, noiseE0, d, cfg.layers)),
          recall20: utility(noiseE, d, ds, cfg.seed).recall20,
        };
      }
      report.reference = {
        kind: reference.kind,
        mu: reference.mu,
        converged: reference.converged,
        gradRatio: reference.gradRatio,
        iterations: reference.iterations,
        ms: reference.ms,
        runs: reference.runs,
        movementPerHop: fid.refPerHop,
        stationarity: reference.stationarity,
        baselines: baselines(fid, reference.g),
        noiseFloor,
      };
    }
    for (const name of names) {
      const r = results[name];
      const E = Eafter[name];
      const mv = movement(E, prep.Eold, d, hood, cfg.layers, refMove);
      detail.methods[name] = { norms: mv.norms, cos: mv.cos };
      detail.topAfter[name] = topK(E, d, ds.nUsers, ds.nItems, topUser, 20, new Set(itemsOf(remainPos, topUser)));
      const u = utility(E, d, dsR, cfg.seed);
      const firstRequestMs = r.ms + (methodByName(name).usesPrep ? prep.ms : 0) + (r.modelPrepMs ?? 0);
      const close = Eretrain
        ? closeness(E, Eretrain, d, ds.nUsers, ds.nItems, probe, remainPos, removed)
        : { top20Overlap: NaN, scoreCorr: NaN };
      // What the method returned (its time, the diagnostics it declares, notes), without the embeddings.
      const { E0, ...own } = r;
      report.methods[name] = {
        label: methodByName(name).label,
        ...own,
        speedup: retrainMs / r.ms,
        firstRequestMs,
        speedupFirst: retrainMs / firstRequestMs,
        epochEquivalents: r.ms / epochMs,
        epochEquivalentsFirst: firstRequestMs / epochMs,
        ...u,
        recallRatio: u.recall20 / baseUtility.recall20,
        ...completeness(E, d, dsR, split.forgotten, unseen, remainPos),
        ...close,
        fidelity: fid ? fidelity(fid, r.E0, E) : { paramRelErr: NaN, paramCos: NaN, scoreRelErr: NaN, perHop: [] },
        movementPearson: mv.pearson,
        movementCos: mv.medianCos,
        movementPerHop: mv.perHop,
        trainableParams: r.trainableParams ?? r.rowsTouched * d,
        ctr: lightgcnCtrMetrics(E0, d, cfg.layers, graphNew, ds, split, cfg.seed),
      };
    }
    if (removed.has(topUser)) {
      const after: Record<string, { E: Float32Array; before?: Float32Array }> = {};
      for (const name of names) after[name] = { E: Eafter[name] };
      // The proximal reference's propagated model after the deletion, against the original (its own start).
      if (fid) after.reference = { E: fid.refE };
      detail.neighbours = affectedNeighbours({
        ...hood,
        nUsers: ds.nUsers,
        nItems: ds.nItems,
        dim: d,
        removed,
        forgottenItems: split.forgotten.i,
        remainPos,
        weight: detail.referenceNorms,
        before: prep.Eold,
        after,
      });
    }
    const models: Record<string, Float32Array> = {};
    for (const name of names) models[name] = results[name].E0;
    return { report, detail, models, propagated: Eafter, split, graphNew };
  } finally {
    req.dispose();
    if (!opts.prep) prep.dispose();
  }
}

/** Rows a method may move: every node but the removed users. */
function keptRows(prep: UnlearnPrep, req: UnlearnContext['req']): Int32Array {
  const removed = new Set(req.split.removedUsers);
  return Int32Array.from({ length: prep.graphOld.n }, (_, v) => v).filter((v) => !removed.has(v));
}

function count(a: Int32Array, v: number): number {
  let c = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === v) c++;
  return c;
}

function itemsOf(pos: ReturnType<typeof userItems>, u: number): Int32Array {
  return pos.items.subarray(pos.indptr[u], pos.indptr[u + 1]);
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
  };
  for (const [name, m] of Object.entries(report.methods)) out[name] = m;
  out.reference = report.reference;
  return out;
}
