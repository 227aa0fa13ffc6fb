import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainLightGCN } from '../../train';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { layer0, prepareRequest, prepareUnlearning, type RequestContext, type UnlearnPrep } from '../context';
import { DEFAULT_REFERENCE, proximalReference } from '../reference/proximal';
import { fidelity, fidelityProbe } from '../measure/fidelity';
import { horizon, HORIZON_BASELINES, HORIZON_METHODS } from './horizon';
import { movementNeighbourhood } from '../measure/metrics';
import { methodByName } from '../registry';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { tinyDataset } from '../tiny.fixture';

const ds = tinyDataset(12, 16, 5, 4);
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, reg: 1e-3, batch: 16, epochs: 30, lr: 0.05, initStd: 0.3, evalEvery: 0 };
let prep: UnlearnPrep;
let req: RequestContext;
beforeAll(async () => {
  await tf.setBackend('cpu');
  prep = await prepareUnlearning(ds, await trainLightGCN(ds, cfg), cfg);
  req = prepareRequest(prep, { kind: 'items', user: ds.train.u[9], items: [ds.train.i[9], ds.train.i[10]] });
});
afterAll(() => {
  req.dispose();
  prep.dispose();
});

describe('horizon: fidelity against μ', () => {
  it('one point per μ, each method run at damping μ against the reference at μ, with progress', async () => {
    const fractions: number[] = [];
    const mus = [1e-2, 1e-3, 1e-4];
    const points = await horizon(prep, req, { mus, options: DEFAULT_UNLEARN_OPTIONS, onProgress: (f) => fractions.push(f) });
    expect(points.map((p) => p.mu)).toEqual(mus);
    for (const p of points) {
      expect(p.reference.converged).toBe(true);
      expect(Object.keys(p.fidelity).sort()).toEqual([...HORIZON_METHODS, ...HORIZON_BASELINES].sort());
      expect(p.stationarity.gradOverSignal).toBeGreaterThan(0);
      expect(p.fidelity.graphOnly.paramRelErr).toBe(1);
      // Random directions with this point's reference's row norms: ≈ √2 at every μ (measured 1.39–1.48).
      expect(Math.abs(p.fidelity.random.paramRelErr - Math.SQRT2), `μ ${p.mu}`).toBeLessThan(0.15);
    }
    // The point at μ = 1e-3 is what a direct computation at that μ gives.
    const ref = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu: 1e-3 });
    const probe = fidelityProbe(prep, req, ref, movementNeighbourhood(prep.graphOld, req.split, cfg.layers));
    const r = await methodByName('ifru').run({ prep, req, options: { ...DEFAULT_UNLEARN_OPTIONS, damping: 1e-3 } });
    expect(points[1].fidelity.ifru.paramRelErr).toBeCloseTo(fidelity(probe, layer0(r)).paramRelErr, 6);
    // At strong damping the update is nearly the scaled gradient and far better than random.
    expect(points[0].fidelity.ifru.paramRelErr).toBeLessThan(points[0].fidelity.random.paramRelErr);
    expect(fractions.length).toBeGreaterThan(mus.length);
    expect(fractions.every((f, k) => k === 0 || f >= fractions[k - 1] - 1e-12)).toBe(true);
    expect(fractions[fractions.length - 1]).toBe(1);
  });

  it('is cancellable', async () => {
    await expect(horizon(prep, req, { mus: [1e-3], options: DEFAULT_UNLEARN_OPTIONS, token: { cancelled: true } })).rejects.toThrow(/cancel/);
  });
});
