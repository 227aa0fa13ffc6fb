/**
 * The explorer's view of a forget request, end to end through the Session on a small seeded problem:
 * the picture's per-hop totals agree with the metrics' neighbourhood and "IFRU − IF (direct)" is the
 * difference of the two models.
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
beforeAll(async () => {
  session.setDataset(ds);
  await session.train(cfg);
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

});
