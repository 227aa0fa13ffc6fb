/**
 * What the explorer draws after a forget request, assembled from an unlearning run without
 * recomputing any of it: the forgotten user's neighbourhood picture, per-node movement, PCA arrows
 * before and after each method, and the user's top-20 lists with original ids.
 */
import { neighbourhoodView, type NeighbourhoodView } from './neighbourhoodView';
import { projectPca2, type Pca2 } from './pca';
import type { Dataset, Graph } from './types';
import type { MethodInfo, UnlearnReport, UnlearnRun } from './unlearn';
import { movement } from './unlearn/measure/metrics';

/** Ring caps of the neighbourhood picture: hop-1 items, hop-2 users, hop-3 items (a class-sized user's
 *  items all fit on ring 1: u14 of the small preset has 30). Outer rings, if K > 3, take the last cap. */
const VIEW_CAPS = [32, 40, 60];

/** One series whose per-node movement the explorer draws: a method, the paired reference or the
 *  scratch retrain with another seed. Values are aligned with `ExplorerView.nodes`. */
export interface MovementSeries {
  norms: Float32Array;
  cos?: Float32Array;
}

export interface ExplorerView {
  report: UnlearnReport;
  /** The methods that ran, in order, as they describe themselves. */
  methods: MethodInfo[];
  /** Hop 1..K neighbourhood of the forgotten user (graph node ids) and hop per node. */
  nodes: Int32Array;
  hop: Int8Array;
  reference: MovementSeries | null;
  scratch: MovementSeries | null;
  movement: Record<string, MovementSeries>;
  /** ‖(IFRU's movement) − (IF-direct's movement)‖ per node, when both ran: what the spillover term alone
   *  moves (both propagate over Â' and reset the same rows, so their difference is P'(θ_IFRU − θ_IF)). */
  spillover: MovementSeries | null;
  /** The sampled neighbourhood picture (nodes[0] = the centre user). */
  view: NeighbourhoodView & {
    /** Position of each view node in `nodes` (−1 for the centre). */
    index: Int32Array;
    /** Original ids (user or item) of the view's nodes. */
    labels: string[];
  };
  /** PCA positions of the view's nodes before (original) and after each method (same axes). */
  arrows: { before: Float32Array; after: Record<string, Float32Array> };
  centreUser: string;
  forgottenItems: string[];
  topBefore: string[];
  topAfter: Record<string, string[]>;
  /** Whole-user deletions: the most affected remaining neighbours' top-20 before and after each method
   *  (and 'reference', marked against its own run on all data). Null for partial deletions. */
  neighbours: NeighbourTop[] | null;
}

export interface NeighbourTop {
  user: string;
  /** Forgotten items this neighbour also has. */
  shared: number;
  before: string[];
  after: Record<string, { top: string[]; entered: boolean[] }>;
}

/** The trained model as the view needs it: its graph, its propagated embeddings and their PCA axes. */
export interface ViewModel {
  graph: Graph;
  layers: number;
  seed: number;
  propagated: Float32Array;
  pca: Pca2;
}

export function explorerView(ds: Dataset, model: ViewModel, methods: MethodInfo[], run: UnlearnRun): ExplorerView {
  const { report, detail, split } = run;
  const centre = detail.topUser;
  const forgottenItems: number[] = [];
  for (let k = 0; k < split.forgotten.u.length; k++) if (split.forgotten.u[k] === centre) forgottenItems.push(split.forgotten.i[k]);

  const caps = Array.from({ length: model.layers }, (_, h) => VIEW_CAPS[Math.min(h, VIEW_CAPS.length - 1)]);
  const view = neighbourhoodView(model.graph, centre, model.layers, caps, model.seed, forgottenItems.map((i) => ds.nUsers + i));
  const position = new Map<number, number>();
  detail.nodes.forEach((v, k) => position.set(v, k));
  const index = Int32Array.from(view.nodes, (v) => position.get(v) ?? -1);
  const after: Record<string, Float32Array> = {};
  // One LightGCN's propagated rows share the original's PCA axes; an ensemble's embeddings do not.
  for (const m of methods) if (run.propagated[m.name]) after[m.name] = projectPca2(model.pca, run.propagated[m.name], view.nodes);

  const names = (ids: Int32Array) => Array.from(ids, (i) => ds.itemIds[i]);
  return {
    report,
    methods,
    nodes: detail.nodes,
    hop: detail.hop,
    reference: detail.referenceNorms ? { norms: detail.referenceNorms } : null,
    scratch: detail.noiseNorms ? { norms: detail.noiseNorms } : null,
    movement: detail.methods,
    spillover:
      run.propagated.ifru && run.propagated.if
        ? { norms: movement(run.propagated.ifru, run.propagated.if, model.propagated.length / model.graph.n, { nodes: detail.nodes, hop: detail.hop }, model.layers).norms }
        : null,
    view: { ...view, index, labels: Array.from(view.nodes, (v) => (v < ds.nUsers ? ds.userIds[v] : ds.itemIds[v - ds.nUsers])) },
    arrows: { before: projectPca2(model.pca, model.propagated, view.nodes), after },
    centreUser: ds.userIds[centre],
    forgottenItems: forgottenItems.map((i) => ds.itemIds[i]),
    topBefore: names(detail.topBefore),
    topAfter: Object.fromEntries(Object.entries(detail.topAfter).map(([m, ids]) => [m, names(ids)])),
    neighbours:
      detail.neighbours?.map((n) => ({
        user: ds.userIds[n.user],
        shared: n.shared,
        before: names(n.before),
        after: Object.fromEntries(Object.entries(n.after).map(([m, l]) => [m, { top: names(l.top), entered: Array.from(l.entered, Boolean) }])),
      })) ?? null,
  };
}

