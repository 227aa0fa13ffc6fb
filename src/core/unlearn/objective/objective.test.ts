import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../graph';
import { initEmbeddings } from '../../lightgcn';
import { graphTensors, registerSpmmKernels, type GraphTensors } from '../../spmm';
import { fastHessian } from '../hessian/fastHessian';
import {
  exactHvp,
  fixedNegatives,
  objective,
  objectiveGradient,
  objectiveGradientAt,
  triplesOf,
  tripleTensors,
  type ObjectiveSpec,
  type TripleTensors,
} from './objective';
import { propagate } from '../../lightgcn';
import { DenseObjective, TINY, denseP, matVec, relErr, tinyDataset } from '../tiny.fixture';

const ds = tinyDataset();
const n = TINY.nUsers + TINY.nItems;
const negs = fixedNegatives(ds.nUsers, ds.nItems, ds.train, 7);
const triples = triplesOf(ds.train, negs);
const spec: ObjectiveSpec = { nUsers: TINY.nUsers, layers: TINY.layers, reg: TINY.reg, n: ds.train.u.length };
const theta0 = initEmbeddings(n, TINY.dim, 0.5, 3);
const dense = new DenseObjective(
  denseP(TINY.nUsers, TINY.nItems, ds.train, TINY.layers),
  n,
  TINY.dim,
  TINY.nUsers,
  triples,
  TINY.reg,
  spec.n,
);

let gt: GraphTensors;
let tt: TripleTensors;
let start: number;
beforeAll(async () => {
  await tf.setBackend('cpu');
  registerSpmmKernels();
  start = tf.memory().numTensors;
  gt = graphTensors(buildGraph(TINY.nUsers, TINY.nItems, ds.train));
  tt = tripleTensors(triples);
});
afterAll(() => {
  gt.dispose();
  tt.dispose();
  expect(tf.memory().numTensors).toBe(start);
});

describe('fixedNegatives', () => {
  it('never picks a train positive of the user and is seeded', () => {
    const pos = new Set(Array.from(ds.train.u, (u, k) => `${u}:${ds.train.i[k]}`));
    for (let k = 0; k < negs.length; k++) expect(pos.has(`${ds.train.u[k]}:${negs[k]}`)).toBe(false);
    expect(Array.from(fixedNegatives(ds.nUsers, ds.nItems, ds.train, 7))).toEqual(Array.from(negs));
  });
});

describe('objective (tfjs) against the float64 dense reference', () => {
  it('value and gradient match, with and without a cached propagation', () => {
    const th = tf.tensor2d(theta0, [n, TINY.dim]);
    const value = objective(gt, th, tt, spec);
    expect(value.dataSync()[0]).toBeCloseTo(dense.value(Float64Array.from(theta0)), 5);
    const want = dense.gradient(Float64Array.from(theta0));
    const g1 = objectiveGradient(gt, th, tt, spec);
    const E = propagate(gt, th, TINY.layers);
    const g2 = objectiveGradientAt(gt, E, th, tt, spec);
    expect(relErr(g1.dataSync(), want)).toBeLessThan(1e-5);
    expect(relErr(g2.dataSync(), want)).toBeLessThan(1e-5);
    tf.dispose([th, value, g1, E, g2]);
  });

  it('exactHvp equals the dense Hessian times v', () => {
    const th = tf.tensor2d(theta0, [n, TINY.dim]);
    const H = dense.hessian(Float64Array.from(theta0));
    const v = initEmbeddings(n, TINY.dim, 1, 11);
    const vt = tf.tensor2d(v, [n, TINY.dim]);
    const hv = exactHvp(gt, th, tt, spec, vt);
    expect(relErr(hv.dataSync(), matVec(H, v))).toBeLessThan(1e-4);
    tf.dispose([th, vt, hv]);
  });
});

describe('fastHessian', () => {
  it('is the raw-row Hessian block of the chosen rows', () => {
    const raw = new DenseObjective(null, n, TINY.dim, TINY.nUsers, triples, TINY.reg, spec.n);
    const H = raw.hessian(Float64Array.from(theta0));
    const rows = Int32Array.from([0, 3, 8, 9, 12, 17]);
    const fh = fastHessian(theta0, TINY.dim, TINY.nUsers, rows, triples, TINY.reg, spec.n);
    expect(fh.interactions).toBeLessThan(triples.users.length);
    const v = initEmbeddings(rows.length, TINY.dim, 1, 5);
    const full = new Float64Array(n * TINY.dim);
    rows.forEach((r, k) => full.set(v.subarray(k * TINY.dim, (k + 1) * TINY.dim), r * TINY.dim));
    const Hv = matVec(H, full);
    const want = new Float64Array(v.length);
    rows.forEach((r, k) => want.set(Hv.subarray(r * TINY.dim, (r + 1) * TINY.dim), k * TINY.dim));
    expect(relErr(fh.hvp(v), want)).toBeLessThan(1e-5);
  });
});
