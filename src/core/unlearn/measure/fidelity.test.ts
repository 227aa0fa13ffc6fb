/**
 * The fidelity measures can fail: the reference's own update scores 0, and no update, a random
 * direction with the right row norms, a rescaled or a reversed update each score as they should.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainLightGCN } from '../../train';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning, type RequestContext, type UnlearnPrep } from '../context';
import { addRandomRows, baselines, fidelity, fidelityProbe, type FidelityProbe } from './fidelity';
import { movementNeighbourhood } from './metrics';
import { DEFAULT_REFERENCE, proximalReference, type ProximalReference } from '../reference/proximal';
import { tinyDataset } from '../tiny.fixture';

const ds = tinyDataset(12, 16, 5, 4);
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, reg: 1e-3, batch: 16, epochs: 30, lr: 0.05, initStd: 0.3, evalEvery: 0 };
let prep: UnlearnPrep;
let req: RequestContext;
let ref: ProximalReference;
let probe: FidelityProbe;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const trained = await trainLightGCN(ds, cfg);
  prep = await prepareUnlearning(ds, trained, cfg);
  req = prepareRequest(prep, { kind: 'user', user: 3 });
  ref = await proximalReference(prep, req, { ...DEFAULT_REFERENCE, mu: 1e-3 });
  probe = fidelityProbe(prep, req, ref, movementNeighbourhood(prep.graphOld, req.split, cfg.layers));
});
afterAll(() => {
  req.dispose();
  prep.dispose();
});

/** θ̂ + s · Δ_ref (+ noise · a seeded direction) on the kept rows. */
function update(s: number, noise = 0): Float32Array {
  return prep.theta.map((x, k) => (probe.kept[Math.floor(k / cfg.dim)] ? x + s * ref.delta[k] + noise * Math.sin(7.3 * k) : x));
}

describe('fidelity against the proximal reference', () => {
  it('scores the reference itself as exact and scaled or reversed copies by their known errors', () => {
    expect(ref.converged).toBe(true);
    expect(req.split.removedUsers).toHaveLength(1);
    const exact = fidelity(probe, update(1));
    expect(exact.paramRelErr).toBeLessThan(1e-6);
    expect(exact.paramCos).toBeCloseTo(1, 6);
    expect(exact.scoreRelErr).toBeLessThan(1e-5);
    expect(exact.perHop.map((x, h) => x / probe.refPerHop[h])).toEqual(probe.refPerHop.map(() => expect.closeTo(1, 5)));
    const half = fidelity(probe, update(0.5));
    expect(half.paramRelErr).toBeCloseTo(0.5, 5);
    expect(half.paramCos).toBeCloseTo(1, 5);
    expect(fidelity(probe, update(2)).paramRelErr).toBeCloseTo(1, 5);
    const reversed = fidelity(probe, update(-1));
    expect(reversed.paramRelErr).toBeCloseTo(2, 5);
    expect(reversed.paramCos).toBeCloseTo(-1, 5);
    // Scores also carry the graph change, which every update shares: no update, half and reversed
    // updates are ordered by how much of the parameter part they miss.
    const none = fidelity(probe, prep.theta);
    expect(half.scoreRelErr).toBeLessThan(none.scoreRelErr);
    expect(reversed.scoreRelErr).toBeGreaterThan(1.5 * none.scoreRelErr);
    // A small perturbation scores a small error: the measure is continuous, not a threshold.
    const near = fidelity(probe, update(1, 1e-3 * probe.deltaNorm / Math.sqrt(prep.theta.length)));
    expect(near.paramRelErr).toBeGreaterThan(1e-4);
    expect(near.paramRelErr).toBeLessThan(2e-3);
  });

  it('the removed user is left out: what a method writes into that row does not count', () => {
    const u = req.split.removedUsers[0];
    const reset = update(1);
    reset.set(prep.init.subarray(u * cfg.dim, (u + 1) * cfg.dim), u * cfg.dim);
    expect(fidelity(probe, reset).paramRelErr).toBeLessThan(1e-6);
    expect(Array.from(probe.users)).not.toContain(u);
  });

  it("baselines: no update scores 1, random directions with the reference's row norms about √2, the oracle-scaled gradient its sine", () => {
    const b = baselines(probe, ref.g);
    expect(b.graphOnly.fidelity.paramRelErr).toBe(1);
    expect(b.graphOnly.fidelity.paramCos).toBe(0);
    expect(b.graphOnly.fidelity.scoreRelErr).toBeGreaterThan(0.05);
    expect(b.random.fidelity.paramRelErr).toBeGreaterThan(1.2);
    expect(b.random.fidelity.paramRelErr).toBeLessThan(1.6);
    expect(Math.abs(b.random.fidelity.paramCos)).toBeLessThan(0.3);
    expect(b.random.fidelity.scoreRelErr).toBeGreaterThan(b.graphOnly.fidelity.scoreRelErr);
    const { paramRelErr, paramCos } = b.scaledGradient.fidelity;
    expect(paramRelErr).toBeCloseTo(Math.sqrt(1 - paramCos * paramCos), 4); // c is the least-squares fit
    expect(b.scaledGradient.c).toBeGreaterThan(0);
    expect(paramRelErr).toBeLessThan(1);
    // Every baseline is worse than a good answer, and a good answer is what an update ≈ Δ_ref is.
    const good = fidelity(probe, update(1, 0.05 * probe.deltaNorm / Math.sqrt(prep.theta.length)));
    for (const x of [b.graphOnly, b.random]) expect(good.paramRelErr).toBeLessThan(x.fidelity.paramRelErr);
  });

  it("the random baseline keeps each kept row's norm of the reference and nothing else", () => {
    const d = cfg.dim;
    const random = Float32Array.from(prep.theta);
    addRandomRows(random, probe.delta, probe.kept, d, cfg.seed);
    let rows = 0;
    for (let v = 0; v < probe.kept.length; v++) {
      const norm = (a: Float32Array, b: Float32Array) => Math.hypot(...Array.from({ length: d }, (_, c) => a[v * d + c] - b[v * d + c]));
      const moved = norm(random, prep.theta);
      if (!probe.kept[v]) {
        expect(moved).toBe(0);
        continue;
      }
      expect(moved).toBeCloseTo(norm(probe.delta, new Float32Array(probe.delta.length)), 5);
      rows++;
    }
    expect(rows).toBe(probe.kept.length - 1);
    // The baseline is the reference's alone: the same whatever a method did (no method enters it).
    expect(baselines(probe, ref.g).random.fidelity.paramRelErr).toBe(fidelity(probe, random).paramRelErr);
  });
});

describe('random directions with given row norms', () => {
  it('score about √2 against rows of very unequal norms, and a scaled copy of the norms does not', () => {
    const d = 64, n = 400;
    const delta = new Float32Array(n * d);
    for (let v = 0; v < n; v++) for (let c = 0; c < d; c++) delta[v * d + c] = Math.sin(v * 1.7 + c * 0.3) * (v % 10 === 0 ? 50 : 0.5);
    const kept = new Uint8Array(n).fill(1);
    const err = (scale: number) => {
      const r = new Float32Array(n * d);
      addRandomRows(r, delta.map((x) => scale * x), kept, d, 7);
      let e = 0, dd = 0;
      for (let k = 0; k < r.length; k++) {
        e += (r[k] - delta[k]) ** 2;
        dd += delta[k] ** 2;
      }
      return Math.sqrt(e / dd);
    };
    // √(1 + ρ²) for norms ρ × the reference's: 1.414 at ρ = 1, 1.118 at ρ = 0.5, 2.236 at ρ = 2.
    expect(err(1)).toBeCloseTo(Math.SQRT2, 1);
    expect(err(0.5)).toBeCloseTo(Math.sqrt(1.25), 1);
    expect(err(2)).toBeCloseTo(Math.sqrt(5), 1);
  });
});
