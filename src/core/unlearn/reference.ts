/**
 * The paired reference for embedding movement (docs/method.md#reference): from θ̂, one deterministic full-batch
 * optimiser runs on L_D(θ; Â) and, with the same fixed negatives, step size and step count, on
 * L_{D_r}(θ; Â'). movement_ref = P'θ_{D_r} − Pθ_D isolates what the deletion does, free of the
 * initialisation and batch-order noise that a scratch retrain adds. Runs on typed arrays: it is a
 * measuring instrument, not part of any method's time.
 */
import { propagateCpu } from '../lightgcn';
import { AdamCpu } from '../train';
import { throwIfCancelled, type CancelToken, type Graph } from '../types';
import type { RequestContext, UnlearnPrep } from './context';
import { objectiveGradientHost } from './hostObjective';
import { triplesOf, type Triples } from './objective';
import { makeYielder } from '../common/yielder';

export interface ReferenceOptions {
  optimizer: 'adam' | 'gd';
  /** Step size, or 'auto': referenceStepSize (scaled to the data set). */
  lr: number | 'auto';
  /** Step cap. */
  steps: number;
  /** Stop when both runs' gradient norms fall below this. */
  tol: number;
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

/** Full-batch gradient descent: the paired difference then stays (nearly) linear in the deletion;
 *  Adam's per-coordinate normalisation amplifies the tiny gradient changes of far nodes. */
export const DEFAULT_REFERENCE: Omit<ReferenceOptions, 'token' | 'onProgress'> = {
  optimizer: 'gd',
  lr: 'auto',
  steps: 100,
  tol: 1e-7,
};

/** GD step per unit of n / (max node degree); see referenceStepSize. */
export const REFERENCE_GD_STEP = 0.8;

/**
 * The 'auto' step size. The loss is a mean over the n train interactions, so a row's gradient and
 * curvature scale with (its degree) / n, and the largest curvature — which bounds a stable GD
 * step — with (max degree) / n. lr = 0.8 · n / max degree keeps the step the same fraction of
 * that bound on every data set: ≈ 100 on the default data (n 79,987, max degree 630), ≈ 44 on
 * synthetic-small (5,203 / 95), ≈ 6 on the tests' tiny problem. (Measured: GD diverges on
 * synthetic-small between lr 7,000 and 10,000 and on the default data from ≈ 25,000 — a ratio
 * near that of n / max degree, 2.3, not of n, 15.) Adam's step is scale-free: 1e-3.
 */
export function referenceStepSize(prep: UnlearnPrep, optimizer: 'adam' | 'gd'): number {
  if (optimizer === 'adam') return 1e-3;
  let maxDegree = 1;
  for (let v = 0; v < prep.graphOld.n; v++) maxDegree = Math.max(maxDegree, prep.graphOld.degree[v]);
  return (REFERENCE_GD_STEP * prep.spec.n) / maxDegree;
}

export interface PairedReference {
  /** Propagated embeddings after the run on D (old graph) and on D_r (new graph). */
  ED: Float32Array;
  EDr: Float32Array;
  /** EDr − ED. */
  movement: Float32Array;
  steps: number;
  /** Final gradient norms ‖∇L‖ of both runs, and their initial values at θ̂. */
  residual: { D: number; Dr: number; D0: number; Dr0: number };
  optimizer: 'adam' | 'gd';
  /** The step size used ('auto' resolved). */
  lr: number;
  ms: number;
}

/** One deterministic full-batch optimiser run (Adam or plain gradient descent) on the host. */
class Run {
  readonly theta: Float32Array;
  private readonly adam: AdamCpu | null;
  constructor(
    theta0: Float32Array,
    private readonly graph: Graph,
    private readonly data: Triples,
    private readonly prep: UnlearnPrep,
    private readonly opts: ReferenceOptions & { lr: number },
  ) {
    this.theta = Float32Array.from(theta0);
    this.adam = opts.optimizer === 'adam' ? new AdamCpu(theta0.length, opts.lr) : null;
  }

  gradient(): Float32Array {
    return objectiveGradientHost(this.graph, this.theta, this.prep.cfg.dim, this.data, this.prep.spec, undefined, false).grad;
  }

  /** One step; returns ‖∇L‖ at the point before the step. */
  step(): number {
    const g = this.gradient();
    if (this.adam) this.adam.step(this.theta, g);
    else for (let k = 0; k < g.length; k++) this.theta[k] -= this.opts.lr * g[k];
    return norm(g);
  }
}

const norm = (g: Float32Array) => Math.sqrt(g.reduce((s, x) => s + x * x, 0));

export async function pairedReference(
  prep: UnlearnPrep,
  req: RequestContext,
  opts: ReferenceOptions,
): Promise<PairedReference> {
  const t0 = performance.now();
  const d = prep.cfg.dim;
  const lr = opts.lr === 'auto' ? referenceStepSize(prep, opts.optimizer) : opts.lr;
  const resolved = { ...opts, lr };
  const runs = [
    new Run(prep.theta, prep.graphOld, triplesOf(prep.ds.train, prep.negs), prep, resolved),
    new Run(prep.theta, req.graphNew, req.remain, prep, resolved),
  ];
  const pause = makeYielder();
  let initial: number[] = [];
  let steps = 0;
  for (; steps < opts.steps; steps++) {
    throwIfCancelled(opts.token);
    const before = runs.map((r) => r.step());
    if (steps === 0) initial = before;
    if (before[0] < opts.tol && before[1] < opts.tol) break;
    if ((steps + 1) % 10 === 0) {
      opts.onProgress?.((steps + 1) / opts.steps, `reference step ${steps + 1}: ‖∇L‖ ${before[0].toExponential(2)} / ${before[1].toExponential(2)}`);
    }
    await pause();
  }
  const final = runs.map((r) => norm(r.gradient()));
  if (initial.length === 0) initial = final;
  const ED = propagateCpu(prep.graphOld, runs[0].theta, d, prep.cfg.layers);
  const EDr = propagateCpu(req.graphNew, runs[1].theta, d, prep.cfg.layers);
  const movement = new Float32Array(ED.length);
  for (let k = 0; k < ED.length; k++) movement[k] = EDr[k] - ED[k];
  return {
    ED,
    EDr,
    movement,
    steps,
    residual: { D: final[0], Dr: final[1], D0: initial[0], Dr0: initial[1] },
    optimizer: opts.optimizer,
    lr,
    ms: performance.now() - t0,
  };
}
