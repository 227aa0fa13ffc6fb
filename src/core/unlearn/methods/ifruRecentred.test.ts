/**
 * IFRU (re-centred) on the tiny problem against float64 answers: at a minimum it is IFRU; on a
 * part-trained model it follows the exact paired proximal response far better than IFRU; and what it
 * deploys is θ̂ + Δ with Δ the exact Newton step at θ_D, not θ_D + Δ.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layer0, prepareRequest, prepareUnlearning, type UnlearnOptions, type UnlearnPrep } from '../context';
import { DEFAULT_UNLEARN_OPTIONS, runUnlearning } from '../run';
import { methodByName } from '../registry';
import { centredCache } from './ifruRecentred';
import { influenceUnlearn } from './influence';
import { errTo, solveDense, tinyProblem } from '../tiny.fixture';
import type { ForgetRequest } from '../../common/request';

const { ds, d, cfg, denseOf, optimal, partTrained, exactPair } = tinyProblem();
const partial: ForgetRequest = { kind: 'items', user: ds.train.u[25], items: [ds.train.i[25]] };
const wholeUser: ForgetRequest = { kind: 'user', user: 2 };
// μ where the tiny problem's one-step answers are meaningful (at 1e-4 its curvature is too weak for any).
const mu = 1e-2;
const options: UnlearnOptions = { ...DEFAULT_UNLEARN_OPTIONS, damping: mu };

let tensorsAtStart = 0;
const preps: UnlearnPrep[] = [];
beforeAll(async () => {
  await tf.setBackend('cpu');
  tensorsAtStart = tf.memory().numTensors;
});
afterAll(() => {
  for (const p of preps) p.dispose();
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

async function prepOf(theta: Float64Array): Promise<UnlearnPrep> {
  const prep = await prepareUnlearning(ds, { E0: Float32Array.from(theta) }, cfg);
  preps.push(prep);
  return prep;
}

async function both(prep: UnlearnPrep, request: ForgetRequest, opts = options) {
  const req = prepareRequest(prep, request);
  try {
    const want = exactPair(prep.theta, req.split, mu);
    const removed = new Set(req.split.removedUsers);
    // The change Δ = θ' − θ̂ on the rows a method may move (a removed user's row is reset by every method).
    const change = (E0: Float32Array) => Array.from(E0, (x, k) => (removed.has(Math.floor(k / d)) ? 0 : x - prep.theta[k]));
    const ifru = await methodByName('ifru').run({ prep, req, options: opts });
    const recentred = await methodByName('ifru-recentred').run({ prep, req, options: opts });
    return { want, req: req.split, ifru: change(layer0(ifru)), recentred: change(layer0(recentred)), result: recentred };
  } finally {
    req.dispose();
  }
}

describe('IFRU (re-centred)', () => {
  it('at a minimum (θ_D = θ̂) it is IFRU', async () => {
    const prep = await prepOf(optimal);
    for (const request of [partial, wholeUser]) {
      const r = await both(prep, request);
      expect(r.result.notes[0]).toMatch(/0 L-BFGS iterations/);
      expect(r.recentred).toEqual(r.ifru);
    }
  });

  it('on a part-trained model it is far closer to the exact paired proximal response than IFRU', async () => {
    const prep = await prepOf(partTrained);
    for (const request of [partial, wholeUser]) {
      const r = await both(prep, request);
      // θ̂ drifts on its own: the D run moves it by more than the deletion does.
      expect(errTo(r.want.thetaD, prep.theta) * Math.hypot(...prep.theta)).toBeGreaterThan(Math.hypot(...r.want.delta));
      const eIfru = errTo(r.ifru, r.want.delta);
      const eRec = errTo(r.recentred, r.want.delta);
      expect(eRec).toBeLessThan(0.2);
      expect(eRec).toBeLessThan(eIfru / 3);
    }
  });

  it('deploys θ̂ + Δ, Δ the exact Newton step (H_D(θ_D) + μI)⁻¹ g_D at θ_D', async () => {
    const prep = await prepOf(partTrained);
    const exact = { ...options, cgIters: 200, cgTol: 1e-7 };
    const r = await both(prep, partial, exact);
    const thetaD = r.want.thetaD;
    const gD = denseOf().gradient(thetaD);
    const gDr = denseOf(r.req.remaining, r.req.keepIdx).gradient(thetaD);
    const H = denseOf().hessian(thetaD);
    const p = thetaD.length;
    for (let k = 0; k < p; k++) H[k * p + k] += mu;
    const step = solveDense(H, gD.map((x, k) => x - gDr[k]));
    expect(errTo(r.recentred, step)).toBeLessThan(0.02);
    // θ_D + Δ would carry the drift: far from the step.
    const driftPlusStep = step.map((x, k) => x + thetaD[k] - prep.theta[k]);
    expect(errTo(driftPlusStep, step)).toBeGreaterThan(1);
    expect(errTo(r.recentred, driftPlusStep)).toBeGreaterThan(0.5);
  });

  it('on tensors (the webgpu path) it gives the host answer, and its cache at θ_D goes with the model', async () => {
    const before = tf.memory().numTensors;
    const prep = await prepareUnlearning(ds, { E0: Float32Array.from(partTrained) }, cfg);
    const req = prepareRequest(prep, partial);
    const ctx = { prep, req, options };
    const centre = await centredCache(ctx, mu);
    expect(await centredCache(ctx, mu)).toBe(centre); // once per model and μ
    const atD = { ...ctx, prep: centre.prep };
    const settings = { spillover: true, pruned: false, base: prep.theta };
    const host = await influenceUnlearn(atD, settings, 'host');
    const onTensors = await influenceUnlearn(atD, settings, 'tensors');
    expect(tf.memory().numTensors).toBeGreaterThan(before); // the cache at θ_D holds tensors now
    const change = (E0: Float32Array) => Array.from(E0, (x, k) => x - prep.theta[k]);
    expect(errTo(change(onTensors.E0), change(host.E0))).toBeLessThan(1e-3);
    req.dispose();
    prep.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('charges θ_D and its cache to the first request: in firstRequestMs, not in ms', async () => {
    const run = await runUnlearning(ds, { E0: Float32Array.from(partTrained) }, cfg, partial, {
      methods: ['ifru', 'ifru-recentred'],
      damping: mu,
      noiseFloor: false,
    });
    const m = run.report.methods['ifru-recentred'];
    expect(m.modelPrepMs).toBeGreaterThan(0);
    expect(m.firstRequestMs).toBeCloseTo(m.ms + run.report.prepMs + m.modelPrepMs!, 6);
    expect(run.report.methods.ifru.firstRequestMs).toBeCloseTo(run.report.methods.ifru.ms + run.report.prepMs, 6);
    // The report says how far θ̂ is from a minimum, against the deletion.
    const s = run.report.reference!.stationarity;
    expect(s.gradOverSignal).toBeGreaterThan(1);
    expect(s.driftOverResponse).toBeGreaterThan(1);
    expect(m.fidelity.paramRelErr).toBeLessThan(run.report.methods.ifru.fidelity.paramRelErr);
  });
});
