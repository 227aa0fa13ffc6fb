import { describe, expect, it } from 'vitest';
import { evaluate, scoreItems, topK } from './evaluate';
import { makeRng } from './rng';
import { simdKernels } from './spmm/simd';
import type { Dataset } from './types';

// 2 users, 4 items, dim 1: e_u0 = 1, e_u1 = -1, items e = [4, 3, 2, 1].
// User 0 ranks items 0 > 1 > 2 > 3; user 1 ranks 3 > 2 > 1 > 0.
const E = Float32Array.from([1, -1, 4, 3, 2, 1]);
const ids = (n: number) => Array.from({ length: n }, (_, k) => String(k));

function ds(trainU: number[], trainI: number[], testU: number[], testI: number[]): Dataset {
  return {
    name: 'hand',
    nUsers: 2,
    nItems: 4,
    userIds: ids(2),
    itemIds: ids(4),
    train: { u: Int32Array.from(trainU), i: Int32Array.from(trainI) },
    test: { u: Int32Array.from(testU), i: Int32Array.from(testI) },
  };
}

describe('topK', () => {
  it('ranks by inner product and honours exclusions', () => {
    expect(Array.from(topK(E, 1, 2, 4, 0, 2))).toEqual([0, 1]);
    expect(Array.from(topK(E, 1, 2, 4, 1, 3))).toEqual([3, 2, 1]);
    expect(Array.from(topK(E, 1, 2, 4, 0, 2, new Set([0])))).toEqual([1, 2]);
    expect(Array.from(topK(E, 1, 2, 4, 0, 10))).toEqual([0, 1, 2, 3]);
  });
  it('breaks ties toward the lower item id', () => {
    const tie = Float32Array.from([1, 2, 2, 2]);
    expect(Array.from(topK(tie, 1, 1, 3, 0, 2))).toEqual([0, 1]);
  });
});

describe('evaluate', () => {
  it('matches a hand-computed Recall@2 / NDCG@2 with training positives masked', () => {
    // User 0: train {0, 3}; masked ranking 1, 2; test {2} → hit at rank 2:
    //   recall 1, ndcg = (1/log2 3) / 1.
    // User 1: train {3}; masked ranking 2, 1, 0; test {0, 1} → hit at rank 2 only:
    //   recall 1/2, ndcg = (1/log2 3) / (1 + 1/log2 3).
    const m = evaluate(E, 1, ds([0, 0, 1], [0, 3, 3], [0, 1, 1], [2, 0, 1]), { k: 2 });
    const l3 = 1 / Math.log2(3);
    expect(m.k).toBe(2);
    expect(m.recall).toBeCloseTo((1 + 0.5) / 2, 10);
    expect(m.ndcg).toBeCloseTo((l3 + l3 / (1 + l3)) / 2, 10);
    // AUC: user 0's only unseen item is 1 (score 3 > 2): pair lost; user 1's only unseen item
    // is 2 (score -2), above both test items (-4, -3): both lost. AUC = 0.
    expect(m.auc).toBe(0);
  });

  it('gives AUC 1 and perfect recall when test items rank first', () => {
    const m = evaluate(E, 1, ds([0, 1], [3, 0], [0, 1], [0, 3]), { k: 1 });
    expect(m.recall).toBe(1);
    expect(m.ndcg).toBe(1);
    expect(m.auc).toBe(1);
  });

  it('skips users without test items', () => {
    const m = evaluate(E, 1, ds([0, 1], [0, 3], [0], [1]), { k: 1 });
    expect(m.recall).toBe(1);
  });
});

describe('evaluate on the SIMD scorer (dim % 16 == 0)', () => {
  const nUsers = 30;
  const nItems = 50;
  const rng = makeRng(4);
  const pairs = (m: number) => {
    const u = new Int32Array(m);
    const i = new Int32Array(m);
    for (let k = 0; k < m; k++) {
      u[k] = rng.int(nUsers);
      i[k] = rng.int(nItems);
    }
    return { u, i };
  };
  const data: Dataset = { name: 'r', nUsers, nItems, userIds: ids(nUsers), itemIds: ids(nItems), train: pairs(300), test: pairs(120) };
  const E16 = Float32Array.from({ length: (nUsers + nItems) * 16 }, () => rng.normal());

  it('scores like the JS dot products', () => {
    const score = simdKernels()!.scorer(E16, 16, nUsers, nItems);
    const got = new Float64Array(nItems);
    const want = new Float64Array(nItems);
    for (const u of [0, 7, 29]) {
      score(u, got);
      scoreItems(E16, 16, nUsers, nItems, u, want);
      for (let i = 0; i < nItems; i++) expect(got[i]).toBeCloseTo(want[i], 4);
    }
  });

  it('gives the same metrics as the JS path (same embeddings padded to dim 17)', () => {
    const E17 = new Float32Array((nUsers + nItems) * 17);
    for (let r = 0; r < nUsers + nItems; r++) E17.set(E16.subarray(r * 16, r * 16 + 16), r * 17);
    const a = evaluate(E16, 16, data, { k: 10, seed: 3 });
    const b = evaluate(E17, 17, data, { k: 10, seed: 3 });
    expect(a.recall).toBeCloseTo(b.recall, 10);
    expect(a.ndcg).toBeCloseTo(b.ndcg, 10);
    expect(a.auc).toBeCloseTo(b.auc, 10);
    expect(a.recall).toBeGreaterThan(0);
  });
});
