import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEmbeddings } from '../../lightgcn';
import { makeRng } from '../../rng';
import { DEFAULT_LIGHTGCN, type Dataset, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning, type UnlearnPrep } from '../context';
import { influenceUnlearn } from '../methods/influence';
import type { ForgetRequest } from '../../common/request';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { tensorHessian } from './tensorHessian';
import { relErr } from '../tiny.fixture';

const nUsers = 24, nItems = 30, d = 8;
function dataset(): Dataset {
  const rng = makeRng(5);
  const seen = new Set<number>();
  const u: number[] = [];
  const i: number[] = [];
  while (u.length < 220) {
    const a = rng.int(nUsers), b = rng.int(nItems);
    if (seen.has(a * nItems + b)) continue;
    seen.add(a * nItems + b);
    u.push(a);
    i.push(b);
  }
  const ids = (n: number) => Array.from({ length: n }, (_, k) => String(k));
  return { name: 't', nUsers, nItems, userIds: ids(nUsers), itemIds: ids(nItems), train: { u: Int32Array.from(u), i: Int32Array.from(i) }, test: { u: Int32Array.of(0), i: Int32Array.of(0) } };
}
const ds = dataset();
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: d, layers: 2, reg: 1e-3, seed: 3 };
const theta = initEmbeddings(nUsers + nItems, d, 0.5, 9);

let prep: UnlearnPrep;
let tensors: number;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tensors = tf.memory().numTensors;
  prep = await prepareUnlearning(ds, { E0: theta }, cfg);
});
afterAll(() => {
  prep.dispose();
  expect(tf.memory().numTensors).toBe(tensors);
});

describe('exact Hessian as tensor ops (the webgpu path)', () => {
  it('equals the typed-array Pᵀ H_E P + Λ', async () => {
    const H = tensorHessian(prep);
    for (const seed of [1, 2]) {
      const v = initEmbeddings(nUsers + nItems, d, 1, seed);
      const vt = tf.tensor2d(v, [nUsers + nItems, d]);
      const hv = H.hvp(vt);
      expect(relErr(await hv.data(), prep.exactHessian.hvpFull(v))).toBeLessThan(1e-5);
      tf.dispose([vt, hv]);
    }
    H.dispose();
  });

  it('IF, IFRU and IFRU-pruned on tensors give the host update to float tolerance, with no tensor left behind', async () => {
    const options = { ...DEFAULT_UNLEARN_OPTIONS, damping: 1e-3, cgIters: 3, pruneQuantile: 0.5 };
    // The first call builds the per-model tensors (θ̂, E, Â, the Hessian's); they go with the prep (afterAll).
    const first = prepareRequest(prep, { kind: 'user', user: 1 });
    await influenceUnlearn({ prep, req: first, options }, { spillover: true, pruned: false }, 'tensors');
    first.dispose();
    const requests: ForgetRequest[] = [{ kind: 'user', user: 4 }, { kind: 'items', user: ds.train.u[7], items: [ds.train.i[7]] }];
    for (const request of requests) {
      for (const s of [{ spillover: false, pruned: false }, { spillover: true, pruned: false }, { spillover: true, pruned: true }]) {
        const before = tf.memory().numTensors;
        const req = prepareRequest(prep, request);
        const host = await influenceUnlearn({ prep, req, options }, s, 'host');
        const dev = await influenceUnlearn({ prep, req, options }, s, 'tensors');
        req.dispose();
        expect(tf.memory().numTensors).toBe(before);
        const dh = host.E0.map((x, k) => x - theta[k]);
        const dd = dev.E0.map((x, k) => x - theta[k]);
        expect(Math.max(...dh.map(Math.abs))).toBeGreaterThan(0);
        expect(relErr(dd, dh)).toBeLessThan(2e-3);
        expect(dev.cgIters).toBe(host.cgIters);
        expect(dev.rowsTouched).toBe(host.rowsTouched);
        expect(dev.damping).toBeCloseTo(host.damping!, 8);
      }
    }
  });
});
