/**
 * The convergence lesson: how the fidelity of a one-shot update depends on how far the trained
 * model is from a minimum of its own loss. The model is trained again with its own recipe and seed
 * for twice its epochs, keeping copies of θ at fractions of them (the copy at 100 % is the model
 * itself: training is deterministic by seed); at each copy the request is answered against that
 * copy's own proximal reference, beside its Recall@20 and stationarity figures. Influence estimates
 * linearise at θ̂: the further θ̂ still drifts, the worse that linearisation (docs/method.md, "When do
 * influence functions work?").
 */
import { evaluate } from '../../evaluate';
import { trainEmbeddings } from '../../train';
import { throwIfCancelled, type CancelToken, type Dataset, type Graph, type LightGCNConfig } from '../../types';
import type { ForgetRequest } from '../../common/request';
import { prepareRequest, prepareUnlearning, type UnlearnOptions } from '../context';
import { LESSON_METHODS, lessonPoint, type LessonPoint } from './point';

/** Checkpoints as fractions of the model's epochs: under-trained, the model itself, and on to 2×. */
export const CONVERGENCE_FRACTIONS = [0.1, 0.25, 0.5, 1, 1.5, 2];

export interface ConvergencePoint extends LessonPoint {
  epochs: number;
  recall20: number;
}

export interface ConvergenceOptions {
  options: UnlearnOptions;
  fractions?: number[];
  methods?: readonly string[];
  graph?: Graph;
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

/** The distinct epoch counts of the checkpoints (at least 1 each), ascending. */
export function checkpointEpochs(epochs: number, fractions = CONVERGENCE_FRACTIONS): number[] {
  return [...new Set(fractions.map((f) => Math.max(1, Math.round(f * epochs))))].sort((a, b) => a - b);
}

/** Share of the progress bar the training takes (the rest: one equal share per checkpoint). */
const TRAIN_SHARE = 0.3;

export async function convergence(ds: Dataset, cfg: LightGCNConfig, request: ForgetRequest, opts: ConvergenceOptions): Promise<ConvergencePoint[]> {
  const at = checkpointEpochs(cfg.epochs, opts.fractions);
  const last = at[at.length - 1];
  const trained = await trainEmbeddings(ds, { ...cfg, epochs: last, evalEvery: 0 }, {
    graph: opts.graph,
    keepAt: at,
    token: opts.token,
    onEpoch: (r) => opts.onProgress?.((TRAIN_SHARE * r.epoch) / last, `training again with checkpoints: epoch ${r.epoch} of ${last}`),
  });
  const points: ConvergencePoint[] = [];
  for (const [k, epochs] of at.entries()) {
    throwIfCancelled(opts.token);
    const share = (1 - TRAIN_SHARE) / at.length;
    const say = (f: number, what: string) => opts.onProgress?.(TRAIN_SHARE + share * (k + f), `after ${epochs} epochs: ${what}`);
    say(0, 'the unlearning cache');
    const prep = await prepareUnlearning(ds, { E0: trained.kept!.get(epochs)!, graph: trained.graph, seededInit: trained.seededInit }, { ...cfg, epochs });
    const req = prepareRequest(prep, request);
    try {
      const recall20 = evaluate(prep.Eold, cfg.dim, ds, { seed: cfg.seed }).recall;
      const point = await lessonPoint(prep, req, {
        methods: opts.methods ?? LESSON_METHODS,
        options: opts.options,
        token: opts.token,
        onProgress: say,
      });
      points.push({ epochs, recall20, ...point });
    } finally {
      req.dispose();
      prep.dispose();
    }
  }
  opts.onProgress?.(1, 'done');
  return points;
}
