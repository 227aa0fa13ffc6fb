/**
 * The proximal reference on the tiny problem against float64 Newton solutions of the same objective,
 * and IF / IFRU at the shipped defaults against the exact leave-one-out proximal response.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propagateCpu } from '../../lightgcn';
import { prepareRequest, prepareUnlearning, type UnlearnPrep } from '../context';
import { baselines, fidelity, fidelityProbe } from '../measure/fidelity';
import { influenceUnlearn } from '../methods/influence';
import { movementNeighbourhood } from '../measure/metrics';
import { CONVERGED_REFERENCE, DEFAULT_REFERENCE, proximalReference, type ProximalReference } from './proximal';
import type { ForgetRequest } from '../../common/request';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { TINY, errTo, l2, scoreMatrix, tinyProblem } from '../tiny.fixture';

const { ds, d, cfg, denseOf, optimal, partTrained, exactPair } = tinyProblem();
const partial: ForgetRequest = { kind: 'items', user: ds.train.u[25], items: [ds.train.i[25]] };
const wholeUser: ForgetRequest = { kind: 'user', user: 2 };

const preps: UnlearnPrep[] = [];
let tensorsAtStart = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tensorsAtStart = tf.memory().numTensors;
  for (const theta of [optimal, partTrained]) preps.push(await prepareUnlearning(ds, { E0: Float32Array.from(theta) }, cfg));
});
afterAll(() => {
  for (const p of preps) p.dispose();
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

/** Exact float64 Δ_ref = θ_{D_r} − θ_D of the paired proximal problem, on the kept rows. */
function exactDelta(prep: UnlearnPrep, request: ForgetRequest, mu: number) {
  const req = prepareRequest(prep, request);
  const pair = exactPair(prep.theta, req.split, mu);
  req.dispose();
  return pair;
}

function keptDelta(ref: ProximalReference, removed: Int32Array): Float64Array {
  const r = new Set(removed);
  return Float64Array.from(ref.delta, (x, k) => (r.has(Math.floor(k / d)) ? 0 : x));
}

describe('paired proximal reference', () => {
  it('converges to the float64 solution of both proximal problems, from a part-trained θ̂, partial and whole-user', async () => {
    const prep = preps[1];
    expect(l2(prep.gradOld)).toBeGreaterThan(1e-3); // θ̂ is not a minimum: the D run moves
    const mu = 1e-2;
    for (const request of [partial, wholeUser]) {
      const want = exactDelta(prep, request, mu);
      const req = prepareRequest(prep, request);
      const tight = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu, tolRatio: 1e-4 });
      const loose = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu: mu * (1 + 1e-12) });
      expect(tight.converged).toBe(true);
      expect(tight.gradRatio).toBeLessThanOrEqual(1e-4);
      expect(errTo(keptDelta(tight, req.split.removedUsers), want.delta)).toBeLessThan(2e-3);
      expect(errTo(tight.thetaD, want.thetaD)).toBeLessThan(1e-4);
      expect(errTo(tight.thetaD, prep.theta)).toBeGreaterThan(1e-3);
      // The default stop (1 % of ‖g‖) is already within a few per cent.
      expect(loose.gradRatio).toBeLessThanOrEqual(DEFAULT_REFERENCE.tolRatio);
      expect(errTo(keptDelta(loose, req.split.removedUsers), want.delta)).toBeLessThan(0.05);
      // Without the D run the drift of θ̂ is blamed on the deletion.
      const unpaired = Float64Array.from(tight.thetaDr, (x, k) => x - prep.theta[k]);
      expect(errTo(unpaired.map((x, k) => (want.delta[k] === 0 && Math.floor(k / d) === 2 && request === wholeUser ? 0 : x)), want.delta)).toBeGreaterThan(0.2);
      req.dispose();
    }
  });

  it('caches the D run per model and μ', async () => {
    const prep = preps[1];
    const req = prepareRequest(prep, partial);
    const first = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu: 3e-2 });
    const again = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu: 3e-2 });
    req.dispose();
    expect(first.runs.D.cached).toBe(false);
    expect(again.runs.D.cached).toBe(true);
    expect(again.iterations).toBe(again.runs.Dr.iterations);
    expect(Array.from(again.delta)).toEqual(Array.from(first.delta));
    expect(first.runs.D.curve[0]).toBeCloseTo(l2(prep.gradOld), 4);
  });

  it('reports stationarity as defined: ‖∇L_D(θ̂)‖ / ‖g‖ and ‖θ_D − θ̂‖ / ‖Δ_ref‖ on the kept rows', async () => {
    const mu = 1e-2;
    const drifts: number[] = [];
    for (const [prep, theta] of [[preps[0], optimal], [preps[1], partTrained]] as const) {
      const req = prepareRequest(prep, wholeUser);
      const want = exactDelta(prep, wholeUser, mu);
      const ref = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu, tolRatio: 1e-4 });
      const kept = (x: ArrayLike<number>) => Array.from(x, (v, k) => (Math.floor(k / d) === wholeUser.user ? 0 : v));
      const gHat = denseOf().gradient(Float64Array.from(prep.theta));
      const gDr = denseOf(req.split.remaining, req.split.keepIdx).gradient(Float64Array.from(prep.theta));
      const signal = l2(kept(gHat.map((x, k) => x - gDr[k])));
      expect(ref.stationarity.gradOverSignal).toBeCloseTo(l2(kept(gHat)) / signal, 2);
      const drift = l2(kept(want.thetaD.map((x, k) => x - theta[k]))) / l2(want.delta);
      expect(Math.abs(ref.stationarity.driftOverResponse - drift)).toBeLessThan(0.01 * drift + 1e-3);
      drifts.push(ref.stationarity.driftOverResponse);
      req.dispose();
    }
    // At a minimum θ̂ does not drift; part-trained, it drifts further on its own than the deletion moves it.
    expect(drifts[0]).toBeLessThan(1e-3);
    expect(drifts[1]).toBeGreaterThan(1);
  });

  it("'converged' (μ = 0) reaches the difference of the exact optima from an optimal θ̂", async () => {
    const prep = preps[0];
    const req = prepareRequest(prep, partial);
    const ref = await proximalReference(prep, req, { ...CONVERGED_REFERENCE, mu: 0 });
    const optimum = denseOf(req.split.remaining, req.split.keepIdx).minimise(optimal);
    // Compared on the score matrix: the loss is invariant under a common rotation of all embeddings.
    const scores = (theta: ArrayLike<number>) => scoreMatrix(propagateCpu(req.graphNew, Float32Array.from(theta), d, TINY.layers), TINY.nUsers, TINY.nItems, d);
    expect(ref.converged).toBe(true);
    expect(ref.mu).toBe(0);
    expect(errTo(scores(ref.thetaDr), scores(optimum))).toBeLessThan(1e-3);
    req.dispose();
  });
});

describe('IF and IFRU at the shipped defaults against the exact leave-one-out proximal response', () => {
  it('IFRU follows it closely, better than IF-direct and every baseline but the oracle', async () => {
    const prep = preps[0];
    const mu = DEFAULT_UNLEARN_OPTIONS.damping as number;
    const want = exactDelta(prep, partial, mu);
    const req = prepareRequest(prep, partial);
    const ref = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu });
    expect(errTo(keptDelta(ref, req.split.removedUsers), want.delta)).toBeLessThan(0.05);
    const probe = fidelityProbe(prep, req, ref, movementNeighbourhood(prep.graphOld, req.split, TINY.layers));
    const ctx = { prep, req, options: DEFAULT_UNLEARN_OPTIONS };
    const ifru = await influenceUnlearn(ctx, { spillover: true, pruned: false });
    const direct = await influenceUnlearn(ctx, { spillover: false, pruned: false });
    const fIfru = fidelity(probe, ifru.E0);
    const fDirect = fidelity(probe, direct.E0);
    const b = baselines(probe, ref.g);
    // Against the float64 answer directly, not only against our own reference.
    expect(errTo(ifru.E0.map((x, k) => x - prep.theta[k]), want.delta)).toBeLessThan(IFRU_TINY_BOUND);
    expect(fIfru.paramRelErr).toBeLessThan(IFRU_TINY_BOUND);
    expect(fIfru.paramRelErr).toBeLessThan(fDirect.paramRelErr);
    expect(fIfru.scoreRelErr).toBeLessThan(fDirect.scoreRelErr);
    expect(fIfru.paramRelErr).toBeLessThan(b.graphOnly.fidelity.paramRelErr);
    expect(fIfru.paramRelErr).toBeLessThan(b.random.fidelity.paramRelErr);
    expect(fIfru.scoreRelErr).toBeLessThan(b.graphOnly.fidelity.scoreRelErr);
    req.dispose();
  });
});

/** IFRU's parameter error bound on the tiny leave-one-out problem at the shipped defaults. */
const IFRU_TINY_BOUND = 0.35;
