import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../graph';
import { makeRng } from '../../rng';
import type { Edges } from '../../types';
import { graphWithout } from './graphUpdate';
import { splitForget } from '../../common/request';
import { tinyDataset } from '../tiny.fixture';

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));

describe('graphWithout', () => {
  const ds = tinyDataset(30, 40, 4, 8);
  const g = buildGraph(ds.nUsers, ds.nItems, ds.train);
  const requests = [
    { kind: 'user' as const, user: 3 },
    { kind: 'items' as const, user: ds.train.u[7], items: [ds.train.i[7], ds.train.i[8]] },
    { kind: 'random' as const, fraction: 0.3, seed: 5 },
  ];
  for (const request of requests) {
    it(`equals buildGraph of the remaining edges (${request.kind})`, () => {
      const split = splitForget(ds, request);
      const want = buildGraph(ds.nUsers, ds.nItems, split.remaining);
      const got = graphWithout(g, split.forgotten, split.remaining);
      same(got.indptr, want.indptr);
      same(got.indices, want.indices);
      same(got.values, want.values);
      same(got.degree, want.degree);
      expect(got.n).toBe(want.n);
    });
  }

  it('keeps an edge whose interaction is duplicated and only one copy is forgotten', () => {
    const train: Edges = { u: Int32Array.from([0, 0, 0, 1, 1]), i: Int32Array.from([0, 1, 0, 1, 2]) };
    const full = buildGraph(2, 3, train);
    const forgotten: Edges = { u: Int32Array.from([0, 1]), i: Int32Array.from([0, 2]) };
    const remaining: Edges = { u: Int32Array.from([0, 0, 1]), i: Int32Array.from([1, 0, 1]) };
    const got = graphWithout(full, forgotten, remaining);
    const want = buildGraph(2, 3, remaining);
    same(got.indices, want.indices);
    same(got.values, want.values);
    expect(got.indptr[1] - got.indptr[0]).toBe(2); // user 0 keeps items 0 and 1
  });

  it('is exact on a larger random graph', () => {
    const rng = makeRng('graph-without');
    const m = 3000;
    const edges = { u: Int32Array.from({ length: m }, () => rng.int(200)), i: Int32Array.from({ length: m }, () => rng.int(300)) };
    const drop = new Uint8Array(m).map(() => (rng.next() < 0.05 ? 1 : 0));
    const pick = (keep: number) => {
      const idx = Array.from({ length: m }, (_, k) => k).filter((k) => drop[k] === keep);
      return { u: Int32Array.from(idx, (k) => edges.u[k]), i: Int32Array.from(idx, (k) => edges.i[k]) };
    };
    const got = graphWithout(buildGraph(200, 300, edges), pick(1), pick(0));
    const want = buildGraph(200, 300, pick(0));
    same(got.indptr, want.indptr);
    same(got.indices, want.indices);
    same(got.values, want.values);
  });
});
