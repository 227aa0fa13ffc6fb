import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../graph';
import { initEmbeddings } from '../../lightgcn';
import { makeRng } from '../../rng';
import { fastHessian } from '../hessian/fastHessian';
import { bprDataGradient, objectiveGradientHost } from './hostObjective';
import { fixedNegatives, triplesOf, type ObjectiveSpec } from './objective';
import { DenseObjective, TINY, denseP, relErr, tinyDataset } from '../tiny.fixture';

describe('objectiveGradientHost (SIMD triple kernels) against the float64 dense reference', () => {
  it('value and gradient match on the tiny problem', () => {
    const ds = tinyDataset();
    const n = TINY.nUsers + TINY.nItems;
    const triples = triplesOf(ds.train, fixedNegatives(ds.nUsers, ds.nItems, ds.train, 7));
    const spec: ObjectiveSpec = { nUsers: TINY.nUsers, layers: TINY.layers, reg: TINY.reg, n: ds.train.u.length };
    const theta = initEmbeddings(n, TINY.dim, 0.5, 3);
    const dense = new DenseObjective(denseP(TINY.nUsers, TINY.nItems, ds.train, TINY.layers), n, TINY.dim, TINY.nUsers, triples, TINY.reg, spec.n);
    const { grad, loss } = objectiveGradientHost(buildGraph(ds.nUsers, ds.nItems, ds.train), theta, TINY.dim, triples, spec);
    expect(relErr(grad, dense.gradient(Float64Array.from(theta)))).toBeLessThan(1e-5);
    expect(loss).toBeCloseTo(dense.value(Float64Array.from(theta)), 5);
  });
});

/** A random medium problem at d = 64, where the SIMD and the float64 JS paths are compared. */
function medium(d: number) {
  const nUsers = 60, nItems = 90, m = 1500;
  const rng = makeRng(`medium:${d}`);
  const edges = { u: Int32Array.from({ length: m }, () => rng.int(nUsers)), i: Int32Array.from({ length: m }, () => rng.int(nItems)) };
  const t = triplesOf(edges, fixedNegatives(nUsers, nItems, edges, 1));
  const theta = initEmbeddings(nUsers + nItems, d, 0.3, 2);
  return { nUsers, nItems, t, theta };
}

describe('SIMD paths agree with the plain-JS kernels', () => {
  it('bprDataGradient', () => {
    const d = 64;
    const { nUsers, t, theta } = medium(d);
    const a = new Float32Array(theta.length).fill(0.5), b = new Float32Array(theta.length).fill(0.5);
    const la = bprDataGradient(theta, d, nUsers, t, 0.01, a, true);
    const lb = bprDataGradient(theta, d, nUsers, t, 0.01, b, false);
    expect(relErr(a.map((x) => x - 0.5), b.map((x) => x - 0.5))).toBeLessThan(1e-5); // adds into the given array
    expect(la).toBeCloseTo(lb, 5);
  });

  it('fastHessian: the SIMD product equals the float64 loop, on pruned rows and on all rows', () => {
    const d = 64;
    const { nUsers, nItems, t, theta } = medium(d);
    const rng = makeRng('fast-hvp');
    const some = Int32Array.from(new Set(Array.from({ length: 25 }, () => rng.int(nUsers + nItems)))).sort();
    const all = Int32Array.from({ length: nUsers + nItems }, (_, k) => k);
    for (const rows of [some, all]) {
      const simd = fastHessian(theta, d, nUsers, rows, t, 1e-3, t.users.length, undefined, undefined, true);
      const js = fastHessian(theta, d, nUsers, rows, t, 1e-3, t.users.length, undefined, undefined, false);
      expect(simd.interactions).toBe(js.interactions);
      for (let trial = 0; trial < 2; trial++) {
        const v = Float32Array.from({ length: rows.length * d }, () => rng.normal());
        expect(relErr(simd.hvp(v), js.hvp(v))).toBeLessThan(1e-5);
      }
    }
  });
});
