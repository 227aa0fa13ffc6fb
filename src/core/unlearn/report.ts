/**
 * The report of one forget request, built as its results land: each method is measured once when it
 * lands (utility, completeness, fidelity, movement, its user's top-20), the figures that compare with
 * Retrain (recall ratio, speed-ups, closeness) are filled in for every landed method once Retrain
 * lands, and `snapshot()` assembles what has landed so far into plain data that crosses a worker
 * boundary. run.ts decides the order; this module only measures and assembles.
 */
import { propagateCpu, userItems } from '../lightgcn';
import { topK } from '../evaluate';
import { scoredCtrMetrics } from '../e2urec/lightgcn';
import type { CtrMetrics } from '../common/ctr';
import type { Dataset, LightGCNConfig } from '../types';
import { isEnsemble, resetRemovedUsers, type AnyResult, type MethodResult, type RequestContext, type UnlearnOptions, type UnlearnPrep } from './context';
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
import { baselines, fidelity, fidelityProbe, type Baselines, type Fidelity, type FidelityProbe } from './measure/fidelity';
import type { ProximalReference, ReferenceKind, ReferenceRun, Stationarity } from './reference/proximal';
import { methodByName } from './registry';
import { describeRequest, type ForgetRequest, type ForgetSplit } from '../common/request';
import { affectedNeighbours, type AffectedNeighbour } from './measure/affectedNeighbours';
import type { Graph } from '../types';
import type { Neighbourhood } from './measure/neighbourhood';

/** A method's figures: what it returned (MethodResult, without the embeddings) and how it scored. */
export interface MethodReport extends Utility, Completeness, Omit<MethodResult, 'E0' | 'trainableParams'> {
  label: string;
  /** 'lightgcn': one LightGCN (its layer-0 table propagated over Â'); 'ensemble': a model of another
   *  family (a sharded ensemble, context.ts EnsembleResult), measured on what it scores with. */
  family: 'lightgcn' | 'ensemble';
  /** Why fidelity and movement are not comparable for this method (an ensemble): its fidelity and
   *  movement figures are then NaN (null in JSON) and shown as "not comparable", never as numbers. */
  notComparable?: string;
  /** Retrain's ms / this method's ms (a warm request: the per-model cache already built); NaN until
   *  Retrain has landed, and without Retrain. */
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
  /** Recall@20 / Retrain's Recall@20 (without Retrain: / the original model's on the remaining data). */
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
  /** The trained model scored as the methods are (D_r's positives masked: the forgotten interactions
   *  compete with the test items, as after the deletion), and `asTrained` as the training scored it
   *  (every training interaction masked: the Train panel's figures). */
  original: Utility & Completeness & { ctr: { test: CtrMetrics; forget: CtrMetrics }; asTrained: Utility };
  /** The methods that have landed, in the requested order. */
  methods: Record<string, MethodReport>;
  /** What has not landed yet, in the order it will run: method names, then 'noise floor'. */
  pending: string[];
  /** Every requested result has landed (the last snapshot of a run). */
  complete: boolean;
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
    /** The reference as a model, scored as the methods are (its own row in the metrics table): θ̂ + Δ_ref
     *  on Â', removed users' rows reset as every method resets them; top-20 overlap with Retrain's
     *  (NaN until Retrain lands, and without Retrain). */
    model: Utility & Completeness & { top20Overlap: number };
    baselines: Baselines;
    /** Scratch retrain on the full data with another seed vs the original model (null until it lands). */
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
  /** Unlearned layer-0 embeddings per landed method that is one LightGCN. */
  models: Record<string, Float32Array>;
  /** What the views need, so nothing is recomputed after the run: each landed LightGCN's model
   *  propagated over Â', the split and Â' itself. */
  propagated: Record<string, Float32Array>;
  /** What each landed method's model scores with (E_u · E_i over `dim` columns): `propagated` for one
   *  LightGCN, an ensemble's own embeddings otherwise (with its own scoring before the deletion). */
  scoring: Record<string, { E: Float32Array; dim: number; before?: Float32Array }>;
  split: ForgetSplit;
  graphNew: Graph;
}

type OwnFigures = Omit<MethodReport, 'speedup' | 'speedupFirst' | 'recallRatio' | 'top20Overlap' | 'scoreCorr' | 'epochEquivalents' | 'epochEquivalentsFirst'>;

interface Landed {
  result: AnyResult;
  /** What the model scores with (E_u · E_i over `dim` columns): one LightGCN's propagation over Â', or
   *  an ensemble's own scoring embeddings. */
  E: Float32Array;
  dim: number;
  /** Measured at the first snapshot after it landed (and again if the reference lands later). */
  own?: OwnFigures;
  /** Per-node movement over the neighbourhood (norms, and cosines with the reference's). */
  move?: { norms: Float32Array; cos: Float32Array };
  /** Closeness to Retrain's model, once it has landed. */
  close?: { top20Overlap: number; scoreCorr: number };
}

/** The pieces of a request that every landing reads: positives, probes, the movement neighbourhood. */
export class RunLedger {
  private readonly landed = new Map<string, Landed>();
  private probe: FidelityProbe | null = null;
  private ref: ProximalReference | null = null;
  private refBaselines: Baselines | null = null;
  private readonly d: number;
  private readonly remainPos: ReturnType<typeof userItems>;
  private readonly fullPos: ReturnType<typeof userItems>;
  private readonly unseen: ReturnType<typeof unseenPairs>;
  private readonly probeUsers: ReturnType<typeof closenessProbe>;
  private readonly removed: Set<number>;
  private readonly hood: Neighbourhood;
  private readonly topUser: number;
  private readonly topBefore: Int32Array;
  private readonly original: UnlearnReport['original'];
  private noiseFloorReport: NonNullable<UnlearnReport['reference']>['noiseFloor'] = null;
  private noiseNorms: Float32Array | null = null;
  private referenceNorms: Float32Array | null = null;
  /** The reference as a model (propagated) and its figures; its closeness to Retrain once Retrain lands. */
  private refModel: { E: Float32Array; figures: Utility & Completeness; top20Overlap?: number } | null = null;

  constructor(
    private readonly ds: Dataset,
    private readonly cfg: LightGCNConfig,
    private readonly request: ForgetRequest,
    private readonly prep: UnlearnPrep,
    private readonly req: RequestContext,
    private readonly options: UnlearnOptions,
    /** The requested methods, in order. */
    private readonly names: string[],
    /** The trained model's mean epoch time, when the session knows it. */
    private readonly trainedEpochMs: number | undefined,
    /** A noise floor will land (a second-seed model). */
    private noisePending: boolean,
  ) {
    const { split, dsR } = req;
    this.d = cfg.dim;
    this.remainPos = userItems(ds.nUsers, split.remaining);
    this.fullPos = userItems(ds.nUsers, ds.train);
    this.unseen = unseenPairs(ds, split.forgotten, cfg.seed);
    this.probeUsers = closenessProbe(ds, cfg.seed);
    this.removed = new Set(split.removedUsers);
    this.hood = movementNeighbourhood(prep.graphOld, split, cfg.layers);
    this.topUser = split.users.reduce((best, u) => (count(split.forgotten.u, u) > count(split.forgotten.u, best) ? u : best), split.users[0]);
    // Masked like the lists after (remaining positives only), so the forgotten items show where they stood.
    this.topBefore = topK(prep.Eold, this.d, ds.nUsers, ds.nItems, this.topUser, 20, this.maskOf(this.topUser));
    this.original = {
      ...utility(prep.Eold, this.d, dsR, cfg.seed),
      ...completeness(prep.Eold, this.d, dsR, split.forgotten, this.unseen, this.remainPos),
      ctr: scoredCtrMetrics(prep.Eold, this.d, ds, split, cfg.seed),
      asTrained: utility(prep.Eold, this.d, ds, cfg.seed),
    };
  }

  private maskOf(u: number): Set<number> {
    return new Set(this.remainPos.items.subarray(this.remainPos.indptr[u], this.remainPos.indptr[u + 1]));
  }

  /** The proximal reference has landed: fidelity becomes measurable (for methods landed before too). */
  setReference(ref: ProximalReference): void {
    this.ref = ref;
    this.probe = fidelityProbe(this.prep, this.req, ref, this.hood);
    this.refBaselines = baselines(this.probe, ref.g);
    this.referenceNorms = movement(this.probe.refE, this.prep.Eold, this.cfg.dim, this.hood, this.cfg.layers, this.probe.refMove).norms;
    // The reference as a deployable model: θ̂ + Δ_ref, the removed users' rows reset as every method resets them.
    const theta = this.prep.theta.map((x, k) => x + ref.delta[k]);
    resetRemovedUsers({ prep: this.prep, req: this.req, options: this.options }, theta, []);
    const E = propagateCpu(this.req.graphNew, theta, this.d, this.cfg.layers);
    const { dsR, split } = this.req;
    this.refModel = { E, figures: { ...utility(E, this.d, dsR, this.cfg.seed), ...completeness(E, this.d, dsR, split.forgotten, this.unseen, this.remainPos) } };
    for (const x of this.landed.values()) x.own = x.move = undefined;
  }

  /** A method has landed; it is measured once, at the next snapshot (with the reference, if it comes first). */
  land(name: string, result: AnyResult): void {
    const { E, dim } = isEnsemble(result)
      ? result.scoring
      : { E: propagateCpu(this.req.graphNew, result.E0, this.d, this.cfg.layers), dim: this.d };
    this.landed.set(name, { result, E, dim });
    if (name === 'retrain') {
      for (const x of this.landed.values()) x.close = undefined;
      if (this.refModel) this.refModel.top20Overlap = undefined;
    }
  }

  /** The noise floor's model (a scratch retrain on the full data with seed + 1) has landed. */
  setNoise(E0: Float32Array): void {
    const E = propagateCpu(this.prep.graphOld, E0, this.d, this.cfg.layers);
    this.noisePending = false;
    if (!this.probe) return;
    const refMove = this.probe.refMove;
    const nm = movement(E, this.prep.Eold, this.d, this.hood, this.cfg.layers, refMove);
    this.noiseNorms = nm.norms;
    this.noiseFloorReport = {
      ...closeness(this.prep.Eold, E, this.d, this.ds.nUsers, this.ds.nItems, this.probeUsers, this.fullPos),
      movementPerHop: nm.perHop,
      movementPearson: nm.pearson,
      fidelity: fidelity(this.probe, E0, propagateCpu(this.req.graphNew, E0, this.d, this.cfg.layers)),
      recall20: utility(E, this.d, this.ds, this.cfg.seed).recall20,
    };
  }

  /**
   * Figures of one method that do not depend on Retrain, and its per-node movement. Utility and
   * completeness read what the model scores with (x.E over x.dim columns); fidelity and movement compare
   * one LightGCN's layer-0 table and propagated rows with the reference's, so an ensemble gets neither.
   */
  private measure(name: string, x: Landed): Pick<Landed, 'own' | 'move'> {
    const { ds, req, cfg, d } = this;
    const { dsR, split } = req;
    const { result: r, E, dim } = x;
    const { E0, scoring: _scoring, ...own } = r as MethodResult & { scoring?: unknown };
    const scored = {
      label: methodByName(name).label,
      ...own,
      firstRequestMs: r.ms + (methodByName(name).usesPrep ? this.prep.ms : 0) + (r.modelPrepMs ?? 0),
      ...utility(E, dim, dsR, cfg.seed),
      ...completeness(E, dim, dsR, split.forgotten, this.unseen, this.remainPos),
      trainableParams: r.trainableParams ?? r.rowsTouched * d,
      ctr: scoredCtrMetrics(E, dim, ds, split, cfg.seed),
    };
    if (!E0) {
      return { own: { ...scored, family: 'ensemble', notComparable: NOT_COMPARABLE, fidelity: noFidelity(), movementPearson: NaN, movementCos: NaN, movementPerHop: [] } };
    }
    const mv = movement(E, this.prep.Eold, d, this.hood, cfg.layers, this.probe?.refMove);
    return { move: { norms: mv.norms, cos: mv.cos }, own: {
      ...scored,
      family: 'lightgcn',
      fidelity: this.probe ? fidelity(this.probe, E0, E) : noFidelity(),
      movementPearson: mv.pearson,
      movementCos: mv.medianCos,
      movementPerHop: mv.perHop,
    } };
  }

  /** What has landed so far, as the report, the detail for the charts and the models. */
  snapshot(): UnlearnRun {
    const { ds, cfg, d, prep, req } = this;
    const retrain = this.landed.get('retrain');
    if (retrain && !retrain.own) Object.assign(retrain, this.measure('retrain', retrain));
    const retrainMs = retrain?.result.ms ?? NaN;
    const epochMsSource: UnlearnReport['epochMsSource'] = (prep.epochMs ?? this.trainedEpochMs) ? 'original' : retrain ? 'retrain' : 'unknown';
    const epochMs = prep.epochMs ?? this.trainedEpochMs ?? retrainMs / cfg.epochs;
    // Without Retrain among the requested methods, utility reads against the original model; while
    // Retrain is still running, against nothing yet (NaN).
    const baseRecall = retrain?.own
      ? retrain.own.recall20
      : this.names.includes('retrain')
        ? NaN
        : this.original.recall20;
    const methods: Record<string, MethodReport> = {};
    const detailMethods: UnlearnDetail['methods'] = {};
    const topAfter: Record<string, Int32Array> = {};
    const models: Record<string, Float32Array> = {};
    const propagated: Record<string, Float32Array> = {};
    const scoring: Record<string, { E: Float32Array; dim: number; before?: Float32Array }> = {};
    for (const name of this.names) {
      const x = this.landed.get(name);
      if (!x) continue;
      if (!x.own) Object.assign(x, this.measure(name, x));
      const own = x.own!;
      if (retrain && !x.close) x.close = closeness(x.E, retrain.E, [x.dim, retrain.dim], ds.nUsers, ds.nItems, this.probeUsers, this.remainPos, this.removed);
      const close = x.close ?? { top20Overlap: NaN, scoreCorr: NaN };
      methods[name] = {
        ...own,
        speedup: retrainMs / x.result.ms,
        speedupFirst: retrainMs / own.firstRequestMs,
        epochEquivalents: x.result.ms / epochMs,
        epochEquivalentsFirst: own.firstRequestMs / epochMs,
        recallRatio: own.recall20 / baseRecall,
        ...close,
      };
      topAfter[name] = topK(x.E, x.dim, ds.nUsers, ds.nItems, this.topUser, 20, this.maskOf(this.topUser));
      scoring[name] = { E: x.E, dim: x.dim, before: isEnsemble(x.result) ? x.result.scoring.before : undefined };
      if (isEnsemble(x.result)) continue;
      detailMethods[name] = x.move!;
      models[name] = x.result.E0;
      propagated[name] = x.E;
    }
    const pending = [...this.names.filter((n) => !this.landed.has(n)), ...(this.noisePending ? ['noise floor'] : [])];
    const ref = this.ref;
    const refModel = this.refModel;
    if (refModel && retrain && refModel.top20Overlap === undefined) {
      refModel.top20Overlap = closeness(refModel.E, retrain.E, d, ds.nUsers, ds.nItems, this.probeUsers, this.remainPos, this.removed).top20Overlap;
    }
    const report: UnlearnReport = {
      request: describeRequest(this.request, ds),
      forgotten: req.split.forgotten.u.length,
      removedUsers: req.split.removedUsers.length,
      neighbourhood: this.hood.nodes.length,
      settings: this.options,
      original: this.original,
      methods,
      pending,
      complete: pending.length === 0,
      reference:
        ref && this.probe && this.refBaselines && refModel
          ? {
              kind: ref.kind,
              mu: ref.mu,
              converged: ref.converged,
              gradRatio: ref.gradRatio,
              iterations: ref.iterations,
              ms: ref.ms,
              runs: ref.runs,
              movementPerHop: this.probe.refPerHop,
              stationarity: ref.stationarity,
              model: { ...refModel.figures, top20Overlap: refModel.top20Overlap ?? NaN },
              baselines: this.refBaselines,
              noiseFloor: this.noiseFloorReport,
            }
          : null,
      prepMs: prep.ms,
      warmUpMs: prep.warmUpMs ?? null,
      epochMs,
      epochMsSource,
    };
    const detail: UnlearnDetail = {
      nodes: this.hood.nodes,
      hop: this.hood.hop,
      referenceNorms: this.referenceNorms,
      noiseNorms: this.noiseNorms,
      methods: detailMethods,
      topUser: this.topUser,
      topBefore: this.topBefore,
      topAfter,
      neighbours: null,
    };
    if (this.removed.has(this.topUser)) {
      // Every landed model's lists; an ensemble's entries are marked against its own lists before the deletion.
      const after: Record<string, { E: Float32Array; dim?: number; before?: Float32Array }> = { ...scoring };
      // The proximal reference's propagated model after the deletion, against the original (its own start).
      if (this.probe) after.reference = { E: this.probe.refE };
      detail.neighbours = affectedNeighbours({
        ...this.hood,
        nUsers: ds.nUsers,
        nItems: ds.nItems,
        dim: d,
        removed: this.removed,
        forgottenItems: req.split.forgotten.i,
        remainPos: this.remainPos,
        weight: detail.referenceNorms,
        before: prep.Eold,
        after,
      });
    }
    return { report, detail, models, propagated, scoring, split: req.split, graphNew: req.graphNew };
  }
}

/** Fidelity that was not measured (no reference yet) or cannot be (another model family). */
const noFidelity = (): Fidelity => ({ paramRelErr: NaN, paramCos: NaN, scoreRelErr: NaN, perHop: [] });

const NOT_COMPARABLE =
  'a sharded ensemble is not one LightGCN: it has no layer-0 table to compare with the proximal reference, nor per-node movement; its utility and forgetting are measured on what it scores with';

function count(a: Int32Array, v: number): number {
  let c = 0;
  for (let k = 0; k < a.length; k++) if (a[k] === v) c++;
  return c;
}
