/**
 * The influence methods on a tiny problem (8 users × 10 items, 58 interactions, d = 4, strong L2)
 * against float64 ground truth: θ̂ is a local minimum of the fixed-negative objective, so Newton
 * steps and the difference of exact optima are the right answers. Movements are compared on the
 * user × item score matrix: BPR is invariant under a common rotation of all embeddings, so two
 * optima may differ by a rotation that no method should be blamed for.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propagateCpu } from '../../lightgcn';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning, type UnlearnContext, type UnlearnOptions, type UnlearnPrep } from '../context';
import { DAMPING_PER_MEAN_DIAGONAL, type InfluenceDevice, directInfluence, hessianOperator, influenceRows, influenceUnlearn, resolveDamping, spilloverInfluence, unlearningGradient } from './influence';
import { solveHvp } from '../hessian/cg';
import { movementNeighbourhood } from '../measure/metrics';
import { trainLightGCN } from '../../train';
import { fastHessian, rowCurvatureTraces } from '../hessian/fastHessian';
import { initEmbeddings } from '../../lightgcn';
import { objectiveGradientHost } from '../objective/hostObjective';
import { fixedNegatives, triplesOf } from '../objective/objective';
import { DEFAULT_REFERENCE, proximalReference } from '../reference/proximal';
import { fidelity, fidelityProbe } from '../measure/fidelity';
import { DEFAULT_UNLEARN_OPTIONS, runUnlearning, type UnlearnReport } from '../run';
import { methodByName } from '../registry';
import { DenseObjective, TINY, denseP, relErr, scoreMatrix, solveDense, tinyDataset } from '../tiny.fixture';
import type { ForgetRequest } from '../../common/request';

const ds = tinyDataset(TINY.nUsers, TINY.nItems, 6, 3);
const n = TINY.nUsers + TINY.nItems;
const d = TINY.dim;
const cfg: LightGCNConfig = {
  ...DEFAULT_LIGHTGCN,
  dim: d,
  layers: TINY.layers,
  reg: TINY.reg,
  batch: 16,
  epochs: 3,
  lr: 0.05,
  initStd: 0.5,
  evalEvery: 0,
};
const negs = fixedNegatives(ds.nUsers, ds.nItems, ds.train, cfg.seed);
const nNorm = ds.train.u.length;
const denseOf = (edges = ds.train, idx?: Int32Array, propagate = true) =>
  new DenseObjective(
    propagate ? denseP(TINY.nUsers, TINY.nItems, edges, TINY.layers) : null,
    n,
    d,
    TINY.nUsers,
    triplesOf(ds.train, negs, idx),
    TINY.reg,
    nNorm,
  );
// θ̂: a local minimum of L_D (gradient descent from a seeded start, then Newton).
const start = new Float64Array(n * d).map((_, k) => 0.6 * Math.sin(1.7 * k + 0.3));
const thetaHat = denseOf().minimise(start, { gdSteps: 500, lr: 2 });
const E0 = Float32Array.from(thetaHat);

// Forget one interaction (an edge is removed, its user stays); whole-user deletion of user 2.
const partial: ForgetRequest = { kind: 'items', user: ds.train.u[25], items: [ds.train.i[25]] };
const user = 2;

const exactOpts: UnlearnOptions = {
  ...DEFAULT_UNLEARN_OPTIONS,
  hessian: 'exact',
  damping: 1e-5,
  cgIters: 400,
  cgTol: 1e-6,
  pruneQuantile: 0,
  spilloverHops: 'all',
};

let prep: UnlearnPrep;
let tensorsAtStart: number;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tensorsAtStart = tf.memory().numTensors;
  prep = await prepareUnlearning(ds, { E0 }, cfg);
});
afterAll(() => {
  prep.dispose();
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

function context(request: ForgetRequest, options: UnlearnOptions): UnlearnContext & { done(): void } {
  const req = prepareRequest(prep, request);
  return { prep, req, options, done: () => req.dispose() };
}

/** Exact remaining-data optimum (float64 Newton from θ̂) and its movement P'θ* − Pθ̂. */
function exactMovement(request: ForgetRequest) {
  const ctx = context(request, exactOpts);
  const { remaining, keepIdx } = ctx.req.split;
  const optimum = denseOf(remaining, keepIdx).minimise(thetaHat);
  const move = scoreMove(propagateCpu(ctx.req.graphNew, Float32Array.from(optimum), d, TINY.layers), prep.Eold);
  ctx.done();
  return { optimum, move };
}

/** Change of the user × item score matrix between two propagated embeddings. */
function scoreMove(after: Float32Array, before: Float32Array): Float64Array {
  const a = scoreMatrix(after, TINY.nUsers, TINY.nItems, d);
  const b = scoreMatrix(before, TINY.nUsers, TINY.nItems, d);
  return a.map((x, k) => x - b[k]);
}

function movementOf(E0new: Float32Array, request: ForgetRequest): Float64Array {
  const ctx = context(request, exactOpts);
  const after = propagateCpu(ctx.req.graphNew, E0new, d, TINY.layers);
  ctx.done();
  return scoreMove(after, prep.Eold);
}

const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
const errTo = (a: ArrayLike<number>, b: ArrayLike<number>) => l2(Array.from(a, (x, k) => x - b[k])) / l2(b);

describe('unlearning gradient', () => {
  it('θ̂ is an exact optimum of the fixed-negative objective', () => {
    expect(l2(prep.gradOld)).toBeLessThan(1e-6);
    expect(l2(thetaHat)).toBeGreaterThan(0.5); // not the trivial optimum θ = 0
  });

  it('direct + spillover equals its definition over the changed set C, on host and in tfjs', async () => {
    const ctx = context(partial, exactOpts);
    const total = await unlearningGradient(ctx, true);
    expect(relErr(await unlearningGradient(ctx, false), total)).toBeLessThan(1e-4);
    expect(relErr(await directInfluence(ctx, false), await directInfluence(ctx, true))).toBeLessThan(1e-4);
    // Definition: g_s = ∇ L_C(θ̂; Â) − ∇ L_C(θ̂; Â'), C = remaining interactions, here all of D_r.
    const { keepIdx, remaining } = ctx.req.split;
    const C = triplesOf(ds.train, negs, keepIdx);
    const oldC = objectiveGradientHost(prep.graphOld, E0, d, C, prep.spec).grad;
    const newC = objectiveGradientHost(ctx.req.graphNew, E0, d, C, prep.spec).grad;
    const spill = await spilloverInfluence(ctx);
    expect(relErr(spill, oldC.map((x, k) => x - newC[k]))).toBeLessThan(1e-3);
    expect(l2(spill)).toBeGreaterThan(0.05 * l2(total)); // the spillover term is not negligible here
    // An explicit C of K hops reaches every changed interaction; 0 hops truncates it.
    for (const host of [true, false]) {
      expect(relErr(await unlearningGradient(ctx, host, TINY.layers), total)).toBeLessThan(1e-4);
      expect(relErr(await unlearningGradient(ctx, host, 0), total)).toBeGreaterThan(1e-3);
    }
    expect(relErr(await unlearningGradient(ctx, false, 0), await unlearningGradient(ctx, true, 0))).toBeLessThan(1e-4);
    expect(remaining.u.length).toBe(ds.train.u.length - 1);
    ctx.done();
  });
});

describe('IF and IFRU against exact answers', () => {
  it("IF's Δθ is the exact Newton step (H + μI)⁻¹ g_d (H: exact Hessian of L_D at θ̂)", async () => {
    const ctx = context(partial, { ...exactOpts, damping: 1e-3 });
    const r = await influenceUnlearn(ctx, { spillover: false, pruned: false });
    const H = denseOf().hessian(thetaHat);
    for (let k = 0; k < n * d; k++) H[k * n * d + k] += 1e-3;
    const newton = solveDense(H, Float64Array.from(await directInfluence(ctx)));
    const delta = r.E0.map((x, k) => x - E0[k]);
    expect(errTo(delta, newton)).toBeLessThan(2e-3);
    expect(r.hessian).toBe('exact');
    expect(r.cgResidual).toBeLessThan(1e-5);
    ctx.done();
  });

  it("IF with the fast Hessian solves the raw-row Hessian's system", async () => {
    const raw = denseOf(ds.train, undefined, false);
    const mu = Math.max(1e-3, -2 * raw.minEigenvalue(thetaHat)); // the raw-row Hessian at θ̂ may be indefinite
    const ctx = context(partial, { ...exactOpts, hessian: 'fast', damping: mu });
    const r = await influenceUnlearn(ctx, { spillover: false, pruned: false });
    expect(r.negativeCurvature).toBe(false);
    const H = raw.hessian(thetaHat);
    for (let k = 0; k < n * d; k++) H[k * n * d + k] += mu;
    const want = solveDense(H, Float64Array.from(await directInfluence(ctx)));
    expect(errTo(r.E0.map((x, k) => x - E0[k]), want)).toBeLessThan(2e-3);
    ctx.done();
  });

  it('when edges are removed, IFRU matches the exact movement far better than IF-direct, and pruning keeps most of it', async () => {
    const { move: ref } = exactMovement(partial);
    const run = async (spillover: boolean, pruned: boolean, q = 0) => {
      const ctx = context(partial, { ...exactOpts, pruneQuantile: q });
      const r = await influenceUnlearn(ctx, { spillover, pruned });
      ctx.done();
      return { err: errTo(movementOf(r.E0, partial), ref), rows: r.rowsTouched };
    };
    const direct = await run(false, false);
    const full = await run(true, false);
    const pruned = await run(true, true, 0);
    expect(full.err).toBeLessThan(0.15); // a single edge is a large change on 58 interactions
    expect(direct.err).toBeGreaterThan(0.35);
    expect(full.err).toBeLessThan(0.5 * direct.err);
    expect(pruned.rows).toBeLessThan(full.rows);
    expect(pruned.err).toBeLessThan(direct.err);
    expect(pruned.err).toBeLessThan(full.err + 0.5 * (direct.err - full.err));
  });

});

describe('the shipped CG stop: a relative residual of 5 % of ‖g‖, at most 5 products', () => {
  it('stops at the first iterate under 5 % (whole user: 4 products) and otherwise at the cap (one edge: 5)', async () => {
    expect(DEFAULT_UNLEARN_OPTIONS).toMatchObject({ cgTol: 0.05, cgIters: 5 });
    const ifru = methodByName('ifru');
    const solve = async (request: ForgetRequest, options = DEFAULT_UNLEARN_OPTIONS, device?: InfluenceDevice) => {
      const ctx = context(request, options);
      const r = device ? await influenceUnlearn(ctx, { spillover: true, pruned: false }, device) : await ifru.run(ctx);
      ctx.done();
      return r;
    };
    const early = await solve({ kind: 'user', user });
    expect(early.cgIters).toBe(4);
    expect(early.cgResidual).toBeLessThanOrEqual(0.05);
    // One product fewer is still above 5 %: the stop is the tolerance's, not the cap's.
    expect((await solve({ kind: 'user', user }, { ...DEFAULT_UNLEARN_OPTIONS, cgIters: 3 })).cgResidual).toBeGreaterThan(0.05);
    // The tensor path (WebGPU's) stops at the same iterate.
    expect((await solve({ kind: 'user', user }, DEFAULT_UNLEARN_OPTIONS, 'tensors')).cgIters).toBe(4);
    const capped = await solve(partial);
    expect(capped.cgIters).toBe(5);
    expect(capped.hvps).toBe(5);
    expect(capped.cgResidual).toBeGreaterThan(0.05);
  });
});

describe('whole-user deletion', () => {
  it('resets the user row, touches no removed row, and yields finite, bounded values', async () => {
    for (const hessian of ['exact', 'fast'] as const) {
      const ctx = context({ kind: 'user', user }, { ...exactOpts, hessian, damping: 1e-3, cgIters: 50 });
      expect(Array.from(ctx.req.split.removedUsers)).toEqual([user]);
      const r = await influenceUnlearn(ctx, { spillover: true, pruned: false });
      ctx.done();
      expect(r.E0.every(Number.isFinite)).toBe(true);
      expect(Array.from(r.E0.subarray(user * d, user * d + d))).toEqual(Array.from(prep.init.subarray(user * d, user * d + d)));
      expect(r.rowsTouched).toBe(n - 1);
      const maxMove = Math.max(...r.E0.map((x, k) => (Math.floor(k / d) === user ? 0 : Math.abs(x - E0[k]))));
      expect(maxMove).toBeLessThan(Math.max(...E0.map(Math.abs)));
      expect(r.notes.join(' ')).toMatch(/reset/);
    }
  });
});

describe('fast Hessian operator', () => {
  it('the cached all-row Hessian, with removed rows held at zero, equals the one built on the kept rows', async () => {
    const ctx = context({ kind: 'user', user }, { ...exactOpts, hessian: 'fast' });
    const rows = influenceRows(ctx, false);
    expect(rows.length).toBe(n - 1);
    const op = hessianOperator(ctx, 'fast', rows);
    const direct = fastHessian(prep.theta, d, ds.nUsers, rows, prep.all, prep.spec.reg, prep.spec.n);
    const v = initEmbeddings(rows.length, d, 1, 11);
    expect(relErr(await op.hvp(v), direct.hvp(v))).toBeLessThan(1e-6);
    expect(op.interactions).toBe(direct.interactions);
    op.dispose();
    ctx.done();
  });
});

describe("'auto' damping", () => {
  it('is DAMPING_PER_MEAN_DIAGONAL × the mean diagonal of the dense raw-row Hessian on the solved rows', () => {
    const H = denseOf(ds.train, undefined, false).hessian(thetaHat);
    const traces = rowCurvatureTraces(prep.theta, d, ds.nUsers, prep.all, prep.curvature, prep.spec.reg, prep.spec.n);
    const want = new Float64Array(n);
    for (let v = 0; v < n; v++) for (let c = 0; c < d; c++) want[v] += H[(v * d + c) * n * d + v * d + c];
    expect(relErr(traces, want)).toBeLessThan(1e-4);
    const ctx = context({ kind: 'user', user }, { ...exactOpts, hessian: 'fast', damping: 'auto' });
    const rows = influenceRows(ctx, false);
    let sum = 0;
    for (const v of rows) sum += want[v];
    expect(resolveDamping(ctx, rows) / ((DAMPING_PER_MEAN_DIAGONAL * sum) / (rows.length * d))).toBeCloseTo(1, 4);
    expect(resolveDamping({ ...ctx, options: { ...ctx.options, damping: 3e-3 } }, rows)).toBe(3e-3);
    ctx.done();
  });
});

describe('negative curvature along the unlearning gradient', () => {
  // A trained (not optimal) model, as in the app: the fast raw-row Hessian is indefinite, and for this
  // forgotten edge the IFRU gradient itself has curvature below −μ at the default damping.
  it('the default settings still move θ, finitely, and closer to the paired reference than the graph alone', async () => {
    const small = tinyDataset(12, 16, 5, 4);
    const scfg: LightGCNConfig = { ...cfg, epochs: 30 };
    const trained = await trainLightGCN(small, scfg);
    const sprep = await prepareUnlearning(small, trained, scfg);
    const request: ForgetRequest = { kind: 'items', user: small.train.u[9], items: [small.train.i[9]] };
    const req = prepareRequest(sprep, request);
    try {
      // The raw-row fast Hessian ("IFRU (fast Hessian)") is the one that is indefinite here.
      const ctx = { prep: sprep, req, options: { ...DEFAULT_UNLEARN_OPTIONS, hessian: 'fast' as const } };
      // The old behaviour: CG from x = 0 with the fixed damping stops at iteration 0 and returns θ̂.
      const rows = influenceRows(ctx, false);
      const g = await unlearningGradient(ctx, true, 'all');
      const H = hessianOperator(ctx, 'fast', rows);
      const plain = await solveHvp(H.hvp, g, { damping: resolveDamping(ctx, rows), maxIter: DEFAULT_UNLEARN_OPTIONS.cgIters, tol: 0 });
      H.dispose();
      expect(rows.length * d).toBe(g.length);
      expect(plain.negativeCurvature && plain.iters === 0).toBe(true);
      expect(l2(plain.x)).toBe(0);

      const r = await influenceUnlearn(ctx, { spillover: true, pruned: false });
      const delta = r.E0.map((x, k) => x - sprep.theta[k]);
      expect(r.E0.every(Number.isFinite)).toBe(true);
      expect(l2(delta)).toBeGreaterThan(0.01 * l2(sprep.theta));
      expect(l2(delta)).toBeLessThan(l2(sprep.theta));
      expect(r.damping).toBeGreaterThan(DEFAULT_UNLEARN_OPTIONS.damping as number);
      expect(r.notes.join(' ')).toMatch(/damping raised/);

      const ref = await proximalReference(sprep, req, { ...DEFAULT_REFERENCE, mu: DEFAULT_UNLEARN_OPTIONS.damping as number });
      expect(ref.converged).toBe(true);
      const probe = fidelityProbe(sprep, req, ref, movementNeighbourhood(sprep.graphOld, req.split, scfg.layers));
      const ifru = fidelity(probe, r.E0);
      expect(ifru.paramRelErr).toBeLessThan(fidelity(probe, sprep.theta).paramRelErr); // graph only: 1
      expect(ifru.paramCos).toBeGreaterThan(0.3);
    } finally {
      req.dispose();
      sprep.dispose();
    }
  });
});

/** No update scores 1, random directions more (above `randomAbove`, and never the D run's drift or a
 *  method's norms: within √2 ± 0.2 unless told), and IFRU less than both and than IF-direct. */
function expectFidelityOrder(report: UnlearnReport, ifru: number, ifDirect: number, randomAbove = 1.2) {
  const b = report.reference!.baselines;
  expect(b.graphOnly.fidelity.paramRelErr).toBe(1);
  expect(b.random.fidelity.paramRelErr).toBeGreaterThan(randomAbove);
  expect(b.random.fidelity.paramRelErr).toBeLessThan(1.6);
  expect(ifru).toBeLessThan(1);
  expect(ifru).toBeLessThan(ifDirect);
  expect(ifDirect).toBeLessThan(b.random.fidelity.paramRelErr);
}

describe('runUnlearning', () => {
  it('runs every method, the reference and the noise floor, reports finite numbers, leaks no tensor', async () => {
    const tensors = tf.memory().numTensors;
    const run = await runUnlearning(ds, { E0 }, cfg, { kind: 'user', user }, {
      prep,
      damping: 1e-3,
    });
    const { report, detail } = run;
    expect(Object.keys(report.methods)).toEqual(['retrain', 'finetune', 'neggrad', 'if', 'ifru', 'ifru-pruned']);
    for (const m of Object.values(report.methods)) {
      for (const key of ['ms', 'recall20', 'ndcg20', 'forgetInTop20', 'miaAuc', 'speedup'] as const) {
        expect(Number.isFinite(m[key])).toBe(true);
      }
      expect(m.movementPerHop).toHaveLength(TINY.layers);
    }
    expect(report.methods.retrain.speedup).toBe(1);
    // Fidelity reads against the baselines: no update 1, random directions ≈ √2, and IFRU closer to the
    // reference than both and than IF-direct (measured here: IFRU 0.20, IF 0.61, random 1.39).
    const fid = (name: string) => report.methods[name].fidelity.paramRelErr;
    expectFidelityOrder(report, fid('ifru'), fid('if'));
    expect(fid('ifru')).toBeLessThan(report.reference!.baselines.scaledGradient.fidelity.paramRelErr);
    // First requests pay the per-model cache where the method reads it; epochs in units of the
    // original training's epoch (unknown here: Retrain's own epochs stand in, and the report says so).
    expect(report.epochMsSource).toBe('retrain');
    expect(report.methods.retrain.epochEquivalents).toBeCloseTo(cfg.epochs, 9); // Retrain costs its own epochs
    for (const [name, m] of Object.entries(report.methods)) {
      const charged = ['if', 'ifru', 'ifru-pruned'].includes(name) ? report.prepMs : 0;
      expect(m.firstRequestMs - m.ms).toBeCloseTo(charged, 6);
      // Every time figure is one measured time over another: Retrain's ms, the original's epoch.
      expect(m.speedupFirst * m.firstRequestMs).toBeCloseTo(report.methods.retrain.ms, 6);
      expect(m.speedup * m.ms).toBeCloseTo(report.methods.retrain.ms, 6);
      expect(m.epochEquivalents / m.epochEquivalentsFirst).toBeCloseTo(m.ms / m.firstRequestMs, 9);
      expect(m.epochEquivalents / report.methods.retrain.epochEquivalents).toBeCloseTo(m.ms / report.methods.retrain.ms, 9);
    }
    expect(report.prepMs).toBeGreaterThan(0);
    expect(report.methods.ifru.speedupFirst).toBeLessThan(report.methods.ifru.speedup);
    expect(report.removedUsers).toBe(1);
    expect(report.reference?.movementPerHop).toHaveLength(TINY.layers);
    expect(report.reference?.noiseFloor).not.toBeNull();
    expect(detail.nodes.length).toBe(report.neighbourhood);
    expect(Array.from(detail.nodes)).not.toContain(user);
    expect(detail.methods.ifru.norms.length).toBe(detail.nodes.length);
    expect(detail.topAfter.ifru.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(report)).methods.ifru.label).toBe('IFRU');
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('handles a random-fraction request (several users, some possibly removed)', async () => {
    const { report, detail } = await runUnlearning(ds, { E0 }, cfg, { kind: 'random', fraction: 0.2, seed: 3 }, {
      prep,
      methods: ['if', 'ifru', 'ifru-pruned'],
      noiseFloor: false,
      damping: 1e-2,
    });
    expect(report.forgotten).toBe(Math.round(0.2 * ds.train.u.length));
    for (const m of Object.values(report.methods)) {
      expect(Number.isFinite(m.recall20)).toBe(true);
      expect(Number.isNaN(m.speedup)).toBe(true); // no Retrain in this run
    }
    // Measured here: IFRU 0.27, IF 0.51, random 1.09 (d = 4 and a few rows carry the change: a random
    // direction's cosine with it spreads widely, √2 is its expectation).
    expectFidelityOrder(report, report.methods.ifru.fidelity.paramRelErr, report.methods.if.fidelity.paramRelErr, 1);
    expect(detail.nodes.length).toBeGreaterThan(0);
  });

  it('is cancellable', async () => {
    await expect(
      runUnlearning(ds, { E0 }, cfg, partial, { prep, methods: ['ifru'], token: { cancelled: true } }),
    ).rejects.toThrow('cancelled');
  });
});
