/**
 * The ledger measures a model of another family (an ensemble's EnsembleResult) on what it scores with:
 * an "ensemble" that scores exactly as Retrain does gets Retrain's utility, forgetting and top-20
 * lists and full closeness to it, in any number of columns; its fidelity and movement are not
 * comparable (NaN figures, a reason, no per-node movement), while one LightGCN's are measured as before.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { propagateCpu } from '../lightgcn';
import { trainLightGCN } from '../train';
import { prepareRequest, prepareUnlearning, type EnsembleResult, type UnlearnPrep } from './context';
import { DEFAULT_UNLEARN_OPTIONS, runUnlearning } from './run';
import { RunLedger, type UnlearnRun } from './report';
import { DEFAULT_REFERENCE, proximalReference } from './reference/proximal';
import { heldOutTiny } from './tiny.fixture';

const { ds, cfg } = heldOutTiny();
const request = { kind: 'user', user: 3 } as const;
let prep: UnlearnPrep;
let base: UnlearnRun;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const trained = await trainLightGCN(ds, cfg);
  prep = await prepareUnlearning(ds, trained, cfg);
  base = await runUnlearning(ds, trained, cfg, request, { prep, methods: ['retrain', 'ifru'], noiseFloor: false });
});

/** A ledger with Retrain and IFRU as they landed, and two "ensembles" that score as Retrain does. */
async function ledgerWithEnsembles(): Promise<UnlearnRun> {
  const req = prepareRequest(prep, request);
  const ledger = new RunLedger(ds, cfg, request, prep, req, DEFAULT_UNLEARN_OPTIONS, ['retrain', 'ifru', 'sisa', 'receraser'], undefined, false);
  ledger.setReference(await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu: base.report.reference!.mu }));
  const retrainE0 = base.models.retrain;
  const E = propagateCpu(req.graphNew, retrainE0, cfg.dim, cfg.layers);
  const d = cfg.dim;
  // Retrain's scores in 2d columns: [e, e] for users scaled by 1/2, [e, e] for items (the score average of two identical shards).
  const twice = new Float32Array(E.length * 2);
  for (let v = 0; v < E.length / d; v++) {
    for (let c = 0; c < d; c++) {
      const x = E[v * d + c] * (v < ds.nUsers ? 0.5 : 1);
      twice[v * 2 * d + c] = x;
      twice[v * 2 * d + d + c] = x;
    }
  }
  const fake = (scoring: EnsembleResult['scoring']): EnsembleResult => ({ scoring, ms: 5, exact: true, shards: 2, shardsRetrained: 1, rowsTouched: 0, notes: [] });
  ledger.land('retrain', { E0: retrainE0, ms: base.report.methods.retrain.ms, exact: true, rowsTouched: prep.graphOld.n, notes: [] });
  ledger.land('ifru', { E0: base.models.ifru, ms: 1, rowsTouched: prep.graphOld.n, notes: [] });
  ledger.land('sisa', fake({ E: twice, dim: 2 * d }));
  ledger.land('receraser', fake({ E, dim: d, before: prep.Eold }));
  return ledger.snapshot();
}

describe('the ledger measures an ensemble on what it scores with', () => {
  it('scoring as Retrain does gives Retrain’s figures, whatever the columns', async () => {
    const run = await ledgerWithEnsembles();
    const { retrain, sisa, receraser } = run.report.methods;
    for (const m of [sisa, receraser]) {
      expect(m.family).toBe('ensemble');
      expect(m.recall20).toBe(retrain.recall20);
      expect(m.ndcg20).toBe(retrain.ndcg20);
      expect(m.recallRatio).toBe(1);
      expect(m.forgetMeanRank).toBe(retrain.forgetMeanRank);
      expect(m.miaAuc).toBe(retrain.miaAuc);
      expect(m.top20Overlap).toBe(1);
      expect(m.scoreCorr).toBeCloseTo(1, 6);
      expect(m.ctr.test.auc).toBe(retrain.ctr.test.auc);
      expect(m.exact).toBe(true);
      expect(m.shardsRetrained).toBe(1);
    }
    expect(Array.from(run.detail.topAfter.sisa)).toEqual(Array.from(run.detail.topAfter.retrain));
    expect(run.scoring.sisa.dim).toBe(2 * cfg.dim);
    expect(run.report.methods.retrain.family).toBe('lightgcn');
  });

  it('fidelity and movement are not comparable for an ensemble, and measured for one LightGCN', async () => {
    const run = await ledgerWithEnsembles();
    const { ifru, sisa } = run.report.methods;
    expect(sisa.notComparable).toMatch(/not one LightGCN/);
    expect(sisa.fidelity.paramRelErr).toBeNaN();
    expect(sisa.movementPerHop).toEqual([]);
    expect(JSON.parse(JSON.stringify(sisa.fidelity)).paramRelErr).toBeNull();
    expect(run.detail.methods.sisa).toBeUndefined();
    expect(run.propagated.sisa).toBeUndefined();
    expect(run.models.sisa).toBeUndefined();
    expect(ifru.family).toBe('lightgcn');
    expect(ifru.notComparable).toBeUndefined();
    expect(ifru.fidelity.paramRelErr).toBe(base.report.methods.ifru.fidelity.paramRelErr);
    expect(run.detail.methods.ifru.norms).toEqual(base.detail.methods.ifru.norms);
  });

  it("a deleted user's neighbours' lists include the ensembles, marked against their own lists before", async () => {
    const run = await ledgerWithEnsembles();
    expect(run.detail.neighbours?.length).toBeGreaterThan(0);
    for (const nb of run.detail.neighbours!) {
      expect(Array.from(nb.after.sisa.top)).toEqual(Array.from(nb.after.retrain.top));
      // receraser's own "before" is the original model: its entries are counted as the original's are.
      expect(Array.from(nb.after.receraser.entered)).toEqual(Array.from(nb.after.retrain.entered));
    }
  });
});
