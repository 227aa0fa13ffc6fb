/**
 * The explorer's view of a forget request, end to end through the Session on a small seeded problem:
 * the picture's per-hop totals agree with the metrics' neighbourhood, "IFRU − IF (direct)" is the
 * difference of the two models, the proximal reference gets a row scored as the methods are, and the
 * original model is scored both as the training scored it and as the methods are.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Session } from './session';
import { explorerView } from './explorerView';
import { fitPca2 } from './pca';
import { tinyDataset } from './data/tiny';
import { DEFAULT_LIGHTGCN, type Dataset, type LightGCNConfig } from './types';
import { methodByName, methodInfo } from './unlearn';

/** 40 users × 60 items; each user's last interaction is a test item. */
function splitTiny(): Dataset {
  const ds = tinyDataset(40, 60, 8, 5);
  const last = new Map<number, number>();
  ds.train.u.forEach((u, k) => last.set(u, k));
  const test = new Set(last.values());
  const pick = (keep: boolean) => Array.from(ds.train.u.keys()).filter((k) => test.has(k) !== keep);
  const edges = (idx: number[]) => ({ u: Int32Array.from(idx, (k) => ds.train.u[k]), i: Int32Array.from(idx, (k) => ds.train.i[k]) });
  return { ...ds, train: edges(pick(true)), test: edges(pick(false)) };
}

const ds = splitTiny();
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 3, epochs: 15, lr: 0.05, batch: 64, evalEvery: 0 };
const session = new Session();
let trainedRecall = NaN;
beforeAll(async () => {
  session.setDataset(ds);
  trainedRecall = (await session.train(cfg)).metrics.recall;
});

describe('explorerView', () => {
  it('draws IFRU − IF as the difference of the two models, and totals that agree with the neighbourhood', async () => {
    const methods = ['if', 'ifru'];
    const run = await session.forget('user:u3', methods, { noiseFloor: false });
    const m = session.trained;
    const view = explorerView(ds, { graph: m.graph, layers: 3, seed: cfg.seed, propagated: session.propagated(), pca: fitPca2(session.propagated(), cfg.dim) }, methods.map((x) => methodInfo(methodByName(x))), run);
    // The removed user is the centre and is not in the metrics' neighbourhood: the rings hold the rest.
    expect(view.view.totals.reduce((a, b) => a + b, 0)).toBe(run.report.neighbourhood);
    const d = cfg.dim;
    const { ifru, if: direct } = run.propagated;
    let moved = 0;
    view.nodes.forEach((v, k) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += (ifru[v * d + c] - direct[v * d + c]) ** 2;
      expect(view.spillover!.norms[k]).toBeCloseTo(Math.sqrt(s), 6);
      // |‖a‖ − ‖b‖| ≤ ‖a − b‖: the spillover series is not the difference of the two norms.
      expect(view.spillover!.norms[k]).toBeGreaterThanOrEqual(Math.abs(view.movement.ifru.norms[k] - view.movement.if.norms[k]) - 1e-6);
      moved += view.spillover!.norms[k];
    });
    expect(moved).toBeGreaterThan(0);
    // Without IF (direct) there is no such series.
    const alone = await session.forget('user:u3', ['ifru'], { noiseFloor: false });
    expect(explorerView(ds, { graph: m.graph, layers: 3, seed: cfg.seed, propagated: session.propagated(), pca: fitPca2(session.propagated(), d) }, [methodInfo(methodByName('ifru'))], alone).spillover).toBeNull();
  });

  it('scores the proximal reference as a model, its deleted user reset as every method resets it', async () => {
    // At a huge μ the reference and IF (direct) both barely move θ̂, and both reset the deleted user's
    // row: their utility and forgetting must then agree (left unreset, the user's own row would still
    // rank the forgotten items at the top).
    const { report } = await session.forget('user:u3', ['if'], { damping: 1e3, noiseFloor: false });
    const ref = report.reference!.model;
    const direct = report.methods.if;
    expect(ref.recall20).toBeCloseTo(direct.recall20, 6);
    expect(ref.forgetMeanRank).toBeCloseTo(direct.forgetMeanRank, 3);
    expect(ref.miaAuc).toBeCloseTo(direct.miaAuc, 6);
    expect(report.original.forgetMeanRank).toBeLessThan(direct.forgetMeanRank);
    expect(Number.isNaN(ref.top20Overlap)).toBe(true); // no Retrain in this run
  });

  it("scores the original as the training did (the Train panel's twin) and as the methods are", async () => {
    const { report } = await session.forget('random:0.3', ['if'], { noiseFloor: false });
    expect(report.original.asTrained.recall20).toBe(trainedRecall);
    // The forgotten interactions are no longer masked, so they compete with the test items: a lower figure.
    expect(report.original.recall20).toBeLessThan(trainedRecall);
  });
});
