import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitForget } from '../../common/request';
import { trainLightGCN } from '../../train';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning, type UnlearnPrep } from '../context';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { tinyDataset } from '../tiny.fixture';
import { LESSON_METHODS, lessonPoint } from './point';
import { deletionSize, sizeRequests, sizeUser } from './size';

const ds = tinyDataset(20, 30, 10, 6);
const cfg: LightGCNConfig = { ...DEFAULT_LIGHTGCN, dim: 8, layers: 2, reg: 1e-3, batch: 32, epochs: 20, lr: 0.05, initStd: 0.3, evalEvery: 0 };
const options = { ...DEFAULT_UNLEARN_OPTIONS, damping: 1e-3 };
let prep: UnlearnPrep;
let tensors = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tensors = tf.memory().numTensors;
  prep = await prepareUnlearning(ds, await trainLightGCN(ds, cfg), cfg);
});
afterAll(() => {
  prep.dispose();
  expect(tf.memory().numTensors).toBe(tensors);
});

const forgetSet = (r: Parameters<typeof splitForget>[1]) => new Set(splitForget(ds, r).forgetIdx);

describe('the deletion-size lesson', () => {
  it("deletes nested sets of one user's interactions (one item … all of them), then nested random fractions", () => {
    const user = 4;
    const n = ds.train.u.filter((u) => u === user).length;
    const reqs = sizeRequests(prep, user, [0, 0.25, 0.5, 1], [0.02, 0.1]);
    expect(reqs.map((r) => r.family)).toEqual(['user', 'user', 'user', 'user', 'random', 'random']);
    const sets = reqs.map((r) => forgetSet(r.request));
    expect(sets.map((s) => s.size)).toEqual([1, Math.round(0.25 * n), Math.round(0.5 * n), n, Math.round(0.02 * ds.train.u.length), Math.round(0.1 * ds.train.u.length)]);
    expect(reqs[3].request).toEqual({ kind: 'user', user });
    for (const k of [1, 2, 3, 5]) for (const x of sets[k - 1]) expect(sets[k].has(x)).toBe(true);
  });

  it('takes the request\'s user, or the user a random request takes most from', () => {
    expect(sizeUser(prep, { kind: 'items', user: 7, items: [] })).toBe(7);
    const random = { kind: 'random' as const, fraction: 0.2, seed: 3 };
    const f = splitForget(ds, random).forgotten.u;
    const counts = Array.from({ length: ds.nUsers }, (_, u) => f.filter((x) => x === u).length);
    expect(counts[sizeUser(prep, random)]).toBe(Math.max(...counts));
  });

  it('gives each deletion its size, its share of the training edges and what a direct computation gives', async () => {
    const fractions: number[] = [];
    const points = await deletionSize(prep, 4, { options, userShares: [0, 1], randomFractions: [0.05], onProgress: (f) => fractions.push(f) });
    expect(points.map((p) => p.forgotten)).toEqual([1, ds.train.u.filter((u) => u === 4).length, Math.round(0.05 * ds.train.u.length)]);
    for (const p of points) expect(p.share).toBeCloseTo(p.forgotten / ds.train.u.length, 12);
    const req = prepareRequest(prep, { kind: 'user', user: 4 });
    const direct = await lessonPoint(prep, req, { methods: LESSON_METHODS, options });
    req.dispose();
    for (const k of Object.keys(direct.fidelity)) expect(points[1].fidelity[k].paramRelErr).toBeCloseTo(direct.fidelity[k].paramRelErr, 5);
    expect(fractions[fractions.length - 1]).toBe(1);
    await expect(deletionSize(prep, 4, { options, token: { cancelled: true } })).rejects.toThrow(/cancel/);
  }, 60_000);
});
