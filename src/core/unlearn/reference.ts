/**
 * The paired reference for embedding movement (DESIGN §5): from θ̂, one deterministic full-batch
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
import { makeYielder } from './yielder';

export interface ReferenceOptions {
  optimizer: 'adam' | 'gd';
  lr: number;
  /** Step cap. */
  steps: number;
  /** Stop when both runs' gradient norms fall below this. */
  tol: number;
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

/** Full-batch gradient descent: the paired difference then stays (nearly) linear in the deletion;
 *  Adam's per-coordinate normalisation amplifies the tiny gradient changes of far nodes. lr 100
 *  suits the mean-scaled loss on ~80k interactions (stable, see bench/unlearn.ts). */
export const DEFAULT_REFERENCE: Omit<ReferenceOptions, 'token' | 'onProgress'> = {
  optimizer: 'gd',
  lr: 100,
  steps: 100,
  tol: 1e-7,
};

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
    private readonly opts: ReferenceOptions,
  ) {
    this.theta = Float32Array.from(theta0);
    this.adam = opts.optimizer === 'adam' ? new AdamCpu(theta0.length, opts.lr) : null;
  }

  gradient(): Float32Array {
    return objectiveGradientHost(this.graph, this.theta, this.prep.cfg.dim, this.data, this.prep.spec).grad;
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
  const runs = [
    new Run(prep.theta, prep.graphOld, triplesOf(prep.ds.train, prep.negs), prep, opts),
    new Run(prep.theta, req.graphNew, req.remain, prep, opts),
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
    lr: opts.lr,
    ms: performance.now() - t0,
  };
}
