/**
 * What every unlearning method receives: the original model's request-independent cache
 * (UnlearnPrep, built once per trained model) and the request's own pieces (RequestContext).
 */
import * as tf from '@tensorflow/tfjs';
import { buildGraph } from '../graph';
import { graphWithout } from './objective/graphUpdate';
import { initEmbeddings, propagateCpu } from '../lightgcn';
import { graphTensors, registerSpmmKernels, type GraphTensors } from '../spmm';
import type { CancelToken, Dataset, Graph, LightGCNConfig } from '../types';
import { fastHessian, rawCurvature, type Curvature, type FastHessian } from './hessian/fastHessian';
import { exactGradientAndHessian, type HostHessian } from './hessian/hostHessian';
import { interactionIncidence, type Incidence } from './objective/incidence';
import {
  fixedNegatives,
  triplesOf,
  tripleTensors,
  type ObjectiveSpec,
  type Triples,
  type TripleTensors,
} from './objective/objective';
import { datasetWithout, splitForget, type ForgetRequest, type ForgetSplit } from '../common/request';

export interface UnlearnPrep {
  ds: Dataset;
  cfg: LightGCNConfig;
  /** θ̂ = the original model's E⁽⁰⁾, on the host and on the active backend. */
  theta: Float32Array;
  thetaT: tf.Tensor2D;
  graphOld: Graph;
  gtOld: GraphTensors;
  /** Cached propagation E = P θ̂ on the old graph. */
  Eold: Float32Array;
  EoldT: tf.Tensor2D;
  /** One fixed negative per train interaction (indexed like ds.train). */
  negs: Int32Array;
  /** All train interactions with their fixed negatives (the Hessian's data). */
  all: Triples;
  allT: TripleTensors;
  /** ℓ', ℓ'' of every train interaction at θ̂ for the fast Hessian. */
  curvature: Curvature;
  /** The fast Hessian on all rows (request-independent; IFRU restricts it to the kept rows). */
  fastHessianAll: FastHessian;
  /** The exact Hessian ∇²L_D(θ̂; Â) = Pᵀ H_E P + Λ (hostHessian.ts). */
  exactHessian: HostHessian;
  /** Train interactions per node (as user, positive or fixed negative). */
  incidence: Incidence;
  spec: ObjectiveSpec;
  /** ∇ L_D(θ̂; Â): the full-data gradient, so that g = gradOld − ∇ L_{D_r}(θ̂; Â') (see influence.ts). */
  gradOld: Float32Array;
  /** Its BPR term alone (without the L2): g's L2 part is D_f's alone (see unlearningGradientHost). */
  gradOldData: Float32Array;
  /** The seeded initialisation, used to reset a deleted user's row as Retrain leaves it. */
  init: Float32Array;
  /** Time to build this cache: a request's, for the methods that read it (UnlearningMethod.usesPrep),
   *  when it is the first for this model (MethodReport.firstRequestMs). */
  ms: number;
  /** Mean epoch time of the original training (evaluation excluded), when known: the unit of
   *  MethodReport.epochEquivalents. */
  epochMs?: number;
  /** Time of the once-per-process JIT / WASM warm-up (warmUpInfluence), when it ran; excluded from
   *  first-request figures and reported beside them. */
  warmUpMs?: number;
  dispose(): void;
}

/**
 * Builds the cache in one pass over the triples at E = Pθ̂: the BPR scores x_z give ∇L_D(θ̂; Â)
 * and the curvature of H_E for the exact Hessian together. What only some methods read (tensors for
 * the tfjs paths, the raw-row fast Hessian, the incidence index, the seeded initialisation) is
 * built on first use, inside the request that needs it.
 */
export async function prepareUnlearning(
  ds: Dataset,
  trained: { E0: Float32Array; graph?: Graph; epochMs?: number; seededInit?: Float32Array; negs?: Int32Array },
  cfg: LightGCNConfig,
): Promise<UnlearnPrep> {
  registerSpmmKernels();
  const t0 = performance.now();
  const n = ds.nUsers + ds.nItems;
  if (trained.E0.length !== n * cfg.dim) throw new Error('prepareUnlearning: E0 does not match the data set and dim');
  const graphOld = trained.graph ?? buildGraph(ds.nUsers, ds.nItems, ds.train);
  const theta = trained.E0;
  const Eold = propagateCpu(graphOld, theta, cfg.dim, cfg.layers);
  // The fixed negatives depend on the data and the seed only: a cache at another θ of the same model reuses them.
  const negs = trained.negs ?? fixedNegatives(ds.nUsers, ds.nItems, ds.train, cfg.seed);
  const spec: ObjectiveSpec = { nUsers: ds.nUsers, layers: cfg.layers, reg: cfg.reg, n: ds.train.u.length };
  const all = triplesOf(ds.train, negs);
  const { grad: gradOld, gradData: gradOldData, hessian: exactHessian } = exactGradientAndHessian(graphOld, theta, Eold, cfg.dim, all, spec);
  let gtOld: GraphTensors | null = null;
  let thetaT: tf.Tensor2D | null = null;
  let EoldT: tf.Tensor2D | null = null;
  let allT: TripleTensors | null = null;
  let curvature: Curvature | null = null;
  let fastAll: FastHessian | null = null;
  let incidence: Incidence | null = null;
  let init: Float32Array | null = null;
  const rawCurvatureOnce = () => (curvature ??= rawCurvature(theta, cfg.dim, ds.nUsers, all));
  const allRows = () => Int32Array.from({ length: n }, (_, v) => v);
  const allIds = () => Int32Array.from({ length: all.users.length }, (_, k) => k);
  return {
    ds,
    cfg,
    theta,
    get thetaT() {
      return (thetaT ??= tf.keep(tf.tensor2d(theta, [n, cfg.dim])));
    },
    graphOld,
    get gtOld() {
      return (gtOld ??= graphTensors(graphOld));
    },
    Eold,
    get EoldT() {
      return (EoldT ??= tf.keep(tf.tensor2d(Eold, [n, cfg.dim])));
    },
    negs,
    all,
    get allT() {
      return (allT ??= tripleTensors(all));
    },
    get curvature() {
      return rawCurvatureOnce();
    },
    get fastHessianAll() {
      return (fastAll ??= fastHessian(theta, cfg.dim, ds.nUsers, allRows(), all, cfg.reg, spec.n, rawCurvatureOnce(), allIds()));
    },
    exactHessian,
    get incidence() {
      return (incidence ??= interactionIncidence(all, ds.nUsers, n));
    },
    spec,
    gradOld,
    gradOldData,
    get init() {
      // From the training when it kept it (drawing 168k seeded normals again costs ≈ 18 ms).
      return (init ??= trained.seededInit ?? initEmbeddings(n, cfg.dim, cfg.initStd, cfg.seed));
    },
    ms: performance.now() - t0,
    epochMs: trained.epochMs,
    dispose() {
      gtOld?.dispose();
      allT?.dispose();
      tf.dispose([thetaT, EoldT].filter((t): t is tf.Tensor2D => t !== null));
      gtOld = allT = thetaT = EoldT = null;
    },
  };
}

export interface RequestContext {
  split: ForgetSplit;
  /** The data set without D_f. */
  dsR: Dataset;
  graphNew: Graph;
  gtNew: GraphTensors;
  /** Time to build Â' (from Â, graphUpdate.ts); charged to every method that uses it. A method
   *  that needs gtNew pays its upload itself (it is made on first access). */
  graphMs: number;
  forget: Triples;
  remain: Triples;
  forgetT: TripleTensors;
  remainT: TripleTensors;
  dispose(): void;
}

export function prepareRequest(prep: UnlearnPrep, request: ForgetRequest): RequestContext {
  const split = splitForget(prep.ds, request);
  const t0 = performance.now();
  const graphNew = graphWithout(prep.graphOld, split.forgotten, split.remaining);
  const graphMs = performance.now() - t0;
  const forget = triplesOf(prep.ds.train, prep.negs, split.forgetIdx);
  const remain = triplesOf(prep.ds.train, prep.negs, split.keepIdx);
  // Tensors are made on first use: the host (cpu/wasm) paths of the influence methods need none.
  let gtNew: GraphTensors | null = null;
  let forgetT: TripleTensors | null = null;
  let remainT: TripleTensors | null = null;
  return {
    split,
    dsR: datasetWithout(prep.ds, split),
    graphNew,
    get gtNew() {
      return (gtNew ??= graphTensors(graphNew));
    },
    graphMs,
    forget,
    remain,
    get forgetT() {
      return (forgetT ??= tripleTensors(forget));
    },
    get remainT() {
      return (remainT ??= tripleTensors(remain));
    },
    dispose() {
      gtNew?.dispose();
      forgetT?.dispose();
      remainT?.dispose();
      gtNew = forgetT = remainT = null;
    },
  };
}

export type HessianKind = 'exact' | 'fast';

/** Settings of the influence methods and baselines (defaults: DEFAULT_UNLEARN_OPTIONS). */
export interface UnlearnOptions {
  hessian: HessianKind;
  /** μ in (H + μI) p = g, or 'auto': DAMPING_PER_MEAN_DIAGONAL × the mean diagonal of the fast
   *  Hessian on the rows being solved for (see influence.ts, resolveDamping). */
  damping: number | 'auto';
  cgIters: number;
  cgTol: number;
  /** IFRU-pruned: keep nodes at or above this quantile of the importance scores. */
  pruneQuantile: number;
  /** Hops the importance scores spread (the authors: 1). */
  importanceHops: number;
  /** IFRU-pruned's spillover set C: 'all' (exact, the default), or the interactions within this
   *  many hops of the forgotten edges' endpoints (K hops reaches every changed interaction, fewer
   *  truncate). IFRU always uses 'all'. Truncating saves a pass over the far interactions but costs
   *  a third propagation; on the default data, where C holds most interactions, 0 hops was slower
   *  than 'all' and no closer to the reference (docs/method.md, finding 6). */
  spilloverHops: number | 'all';
  /** Fine-tune / NegGrad epochs over D_r. */
  finetuneEpochs: number;
  /** NegGrad: full-batch ascent steps on D_f (with descent on a D_r sample of the same size). */
  neggradSteps: number;
  neggradLr: number;
  /** Reset removed users' rows to their seeded initialisation (what Retrain leaves). */
  resetRemovedUsers: boolean;
  /** SISA and RecEraser: shards k of the training interactions (methods/sharded.ts). */
  shards: number;
  /** RecEraser's partition: 'user' (the paper's user-based balanced partition, the default) or
   *  'interaction' (the interaction-based one of the authors' code). */
  receraserPartition: 'user' | 'interaction';
}

export interface ProgressEvent {
  stage: string;
  /** 0..1 within the stage. */
  fraction: number;
  message?: string;
}

export interface UnlearnContext {
  prep: UnlearnPrep;
  req: RequestContext;
  options: UnlearnOptions;
  token?: CancelToken;
  onProgress?: (e: ProgressEvent) => void;
}

/** What a method returns: the unlearned E⁽⁰⁾ of one LightGCN and what it cost. */
export interface MethodResult {
  E0: Float32Array;
  /** The result is what training from scratch without D_f gives (Retrain; SISA and RecEraser, whose
   *  retrained shards start from their seeds), not an approximation of it. */
  exact?: boolean;
  /** Sharded methods: shards k, how many this request retrained, and the once-per-model training of
   *  all k shards (and RecEraser's partition and aggregator), also charged as modelPrepMs. */
  shards?: number;
  shardsRetrained?: number;
  shardTrainMs?: number;
  /** Wall time of the request (evaluation excluded; Â' construction included; the per-model cache
   *  excluded — see UnlearningMethod.usesPrep). */
  ms: number;
  /** Where the time went (ms), for the influence methods. */
  phases?: Record<string, number>;
  hessian?: HessianKind;
  hvps?: number;
  cgIters?: number;
  cgResidual?: number;
  negativeCurvature?: boolean;
  /** μ the solve used ('auto' resolved; raised when the first CG direction had negative curvature). */
  damping?: number;
  /** Rows of E⁽⁰⁾ the method may change. */
  rowsTouched: number;
  /** Interactions the Hessian-vector products read (fast Hessian: those touching the rows; exact: all of D). */
  interactionsTouched?: number;
  /** Parameters trained, where it is not rowsTouched × d (E2URec: its LoRA factors). */
  trainableParams?: number;
  /** Per-model work of this method beyond the shared cache (IFRU (re-centred): θ_D and its cache at
   *  θ_D), as long as it took to build, whichever request built it: in firstRequestMs, not in ms. */
  modelPrepMs?: number;
  notes: string[];
}

/** What a method says about itself: everything the CLI, the run order and the UI need besides running it. */
export interface MethodInfo {
  name: string;
  label: string;
  /** One line for the method picker. */
  hint: string;
  /** Its colour in every chart. */
  colour: string;
  /** Takes milliseconds, not epochs: runs before the others (after Retrain's allocations a garbage
   *  collection would land in its few milliseconds) and in the per-model warm-up. */
  quick: boolean;
  /** Reads the per-model cache (UnlearnPrep): its first request on a model pays prep.ms too. */
  usesPrep?: boolean;
  /** The optional MethodResult fields this method fills, with what each means. */
  diagnostics: Partial<Record<keyof MethodResult, string>>;
}

/**
 * What a model of another family returns (a sharded ensemble, methods/sharded.ts): it has no layer-0
 * table of one LightGCN, so instead of E⁽⁰⁾ it returns the final embeddings it scores with. Utility,
 * completeness, closeness to Retrain and the top-20 lists are measured on them; fidelity to the
 * proximal reference and per-node movement, which compare layer-0 tables and propagated rows of one
 * LightGCN, are not comparable (report.ts).
 */
export interface EnsembleResult extends Omit<MethodResult, 'E0'> {
  E0?: undefined;
  scoring: ScoringEmbeddings;
}

/** Final embeddings a model scores with: s(u, i) = E_u · E_i over `dim` columns, users first. */
export interface ScoringEmbeddings {
  E: Float32Array;
  dim: number;
  /** The same model's scoring embeddings before the deletion (its own "before", as a paired run has). */
  before?: Float32Array;
}

export type AnyResult = MethodResult | EnsembleResult;

export function isEnsemble(r: AnyResult): r is EnsembleResult {
  return r.E0 === undefined;
}

/** The layer-0 table of a method's result, where the method leaves one LightGCN (throws for an ensemble). */
export function layer0(r: AnyResult): Float32Array {
  if (isEnsemble(r)) throw new Error('a sharded ensemble has no layer-0 table of one LightGCN');
  return r.E0;
}

export interface UnlearningMethod<R extends AnyResult = MethodResult> extends MethodInfo {
  run(ctx: UnlearnContext): Promise<R>;
}

/** Any registered method: one LightGCN out, or a model of another family (EnsembleResult). */
export type AnyMethod = UnlearningMethod | UnlearningMethod<EnsembleResult>;

/** The method without its code: plain data that crosses the worker boundary. */
export function methodInfo({ name, label, hint, colour, quick, usesPrep, diagnostics }: MethodInfo): MethodInfo {
  return { name, label, hint, colour, quick, usesPrep, diagnostics };
}

/** Sets removed users' rows to their initial values (as Retrain on D_r leaves them). */
export function resetRemovedUsers(ctx: UnlearnContext, E0: Float32Array, notes: string[]): void {
  const { removedUsers } = ctx.req.split;
  if (removedUsers.length === 0) return;
  if (!ctx.options.resetRemovedUsers) {
    notes.push(`${removedUsers.length} user(s) lost all interactions; their rows were left as the method set them`);
    return;
  }
  const d = ctx.prep.cfg.dim;
  for (const u of removedUsers) E0.set(ctx.prep.init.subarray(u * d, u * d + d), u * d);
  notes.push(
    `${removedUsers.length} user(s) lost all interactions: row reset to its seeded initialisation (as Retrain leaves it), excluded from movement statistics`,
  );
}
