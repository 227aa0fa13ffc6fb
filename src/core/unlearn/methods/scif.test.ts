/**
 * SCIF against a float64 ground truth: on the rows it selects (D_f's own users and items, by importance)
 * its update is the Newton step of the raw-row objective (no propagation), Δ_R = (H_RR + μI)⁻¹ g_R with
 * g the raw-row gradient of D_f's loss and H the raw-row Hessian of D's; every other row is left as it was.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLightGCN } from '../../train';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning, type UnlearnPrep } from '../context';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { triplesOf } from '../objective/objective';
import { DenseObjective, TINY, solveDense, tinyDataset } from '../tiny.fixture';
import { importanceScores } from './importance';
import { selectiveRows } from './influence';
import { scif } from './scif';
import type { ForgetRequest } from '../../common/request';

const ds = tinyDataset(TINY.nUsers, TINY.nItems, 6, 3);
const n = TINY.nUsers + TINY.nItems;
const d = TINY.dim;
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: d, layers: TINY.layers, reg: TINY.reg, batch: 16, epochs: 4, lr: 0.05, initStd: 0.5, evalEvery: 0 };
let prep: UnlearnPrep;

beforeAll(async () => {
  await tf.setBackend('cpu');
  prep = await prepareUnlearning(ds, await trainLightGCN(ds, cfg), cfg);
});

const itemsOf = (u: number) => Array.from(ds.train.i.filter((_, k) => ds.train.u[k] === u));

async function check(request: ForgetRequest) {
  const req = prepareRequest(prep, request);
  const theta = Float64Array.from(prep.theta);
  const rows = selectiveRows({ prep, req, options: DEFAULT_UNLEARN_OPTIONS });
  // The raw-row objectives: D's (its Hessian) and D_f's (its gradient), both over n.
  const H = new DenseObjective(null, n, d, ds.nUsers, prep.all, cfg.reg, ds.train.u.length).hessian(theta);
  const g = new DenseObjective(null, n, d, ds.nUsers, triplesOf(ds.train, prep.negs, req.split.forgetIdx), cfg.reg, ds.train.u.length).gradient(theta);
  const p = rows.length * d;
  const at = (r: number) => rows[Math.floor(r / d)] * d + (r % d);
  const block = new Float64Array(p * p);
  let radius = 0;
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += Math.abs((block[a * p + b] = H[at(a) * n * d + at(b)]));
    radius = Math.max(radius, s);
  }
  // μ at the block's Gershgorin radius: H_RR + μI is positive definite, so CG must find the exact step.
  const mu = radius;
  for (let a = 0; a < p; a++) block[a * p + a] += mu;
  const want = solveDense(block, Float64Array.from({ length: p }, (_, a) => g[at(a)]));
  const r = await scif.run({ prep, req, options: { ...DEFAULT_UNLEARN_OPTIONS, damping: mu, cgIters: 200, cgTol: 1e-9 } });
  req.dispose();
  return { r, rows, want, split: req.split };
}

describe('SCIF', () => {
  it('selects the forgotten data’s own endpoints by importance and solves the raw-row Newton step on them', async () => {
    const user = 2;
    const items = itemsOf(user).slice(0, 4);
    const { r, rows, want } = await check({ kind: 'items', user, items });
    const endpoints = [user, ...items.map((i) => ds.nUsers + i)];
    expect(Array.from(rows).every((v) => endpoints.includes(v))).toBe(true);
    // The most important endpoint (highest forgotten / degree) is always kept, the least is not.
    const forgotten = { u: Int32Array.from(items, () => user), i: Int32Array.from(items) };
    const scores = importanceScores(prep.graphOld, forgotten, 0);
    const ranked = endpoints.slice().sort((a, b) => scores[b] - scores[a]);
    expect(rows).toContain(ranked[0]);
    if (scores[ranked.at(-1)!] < scores[ranked[0]]) expect(rows).not.toContain(ranked.at(-1));
    expect(r.rowsTouched).toBe(rows.length);
    expect(r.hessian).toBe('fast');
    // Δ on the selected rows is the exact step; nothing else moved.
    const moved = new Set(rows);
    let err = 0, norm = 0;
    for (let v = 0; v < n; v++) {
      for (let c = 0; c < d; c++) {
        const delta = r.E0[v * d + c] - prep.theta[v * d + c];
        if (!moved.has(v)) {
          expect(delta).toBe(0);
          continue;
        }
        const w = want[rows.indexOf(v) * d + c];
        err += (delta - w) ** 2;
        norm += w * w;
      }
    }
    expect(norm).toBeGreaterThan(0);
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-3);
  });

  it('a whole user: their row is reset and never solved for; their items move', async () => {
    const user = 5;
    const { r, rows, split } = await check({ kind: 'user', user });
    expect(Array.from(split.removedUsers)).toEqual([user]);
    expect(rows).not.toContain(user);
    expect(rows.length).toBeGreaterThan(0);
    expect(Array.from(r.E0.subarray(user * d, user * d + d))).toEqual(Array.from(prep.init.subarray(user * d, user * d + d)));
  });
});
