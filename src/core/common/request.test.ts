import { describe, expect, it } from 'vitest';
import type { Dataset } from '../types';
import { datasetWithout, parseForgetSpec, splitForget } from './request';

const ds: Dataset = {
  name: 'tiny',
  nUsers: 3,
  nItems: 4,
  userIds: ['u10', 'u20', 'u30'],
  itemIds: ['a', 'b', 'c', 'd'],
  train: { u: Int32Array.from([0, 0, 1, 1, 1, 2]), i: Int32Array.from([0, 1, 1, 2, 3, 0]) },
  test: { u: Int32Array.from([0, 2]), i: Int32Array.from([2, 3]) },
};

describe('splitForget', () => {
  it('whole user: forgets every interaction of the user and marks it removed', () => {
    const s = splitForget(ds, { kind: 'user', user: 1 });
    expect(Array.from(s.forgetIdx)).toEqual([2, 3, 4]);
    expect(Array.from(s.keepIdx)).toEqual([0, 1, 5]);
    expect(Array.from(s.remaining.u)).toEqual([0, 0, 2]);
    expect(Array.from(s.remaining.i)).toEqual([0, 1, 0]);
    expect(Array.from(s.removedUsers)).toEqual([1]);
    expect(datasetWithout(ds, s).test).toBe(ds.test);
  });

  it('items: forgets exactly the named pairs; the user stays', () => {
    const s = splitForget(ds, { kind: 'items', user: 1, items: [3, 1] });
    expect(Array.from(s.forgetIdx)).toEqual([2, 4]);
    expect(Array.from(s.users)).toEqual([1]);
    expect(s.removedUsers.length).toBe(0);
    expect(() => splitForget(ds, { kind: 'items', user: 1, items: [0] })).toThrow(/not train interactions/);
  });

  it('random: the seeded fraction, reproducible, different for another seed', () => {
    const big: Dataset = {
      ...ds,
      train: { u: new Int32Array(200).map((_, k) => k % 3), i: new Int32Array(200).map((_, k) => k % 4) },
    };
    const a = splitForget(big, { kind: 'random', fraction: 0.1, seed: 1 });
    const b = splitForget(big, { kind: 'random', fraction: 0.1, seed: 1 });
    const c = splitForget(big, { kind: 'random', fraction: 0.1, seed: 2 });
    expect(a.forgetIdx.length).toBe(20);
    expect(a.forgetIdx.length + a.keepIdx.length).toBe(200);
    expect(Array.from(a.forgetIdx)).toEqual(Array.from(b.forgetIdx));
    expect(Array.from(a.forgetIdx)).not.toEqual(Array.from(c.forgetIdx));
  });
});

describe('parseForgetSpec', () => {
  it('reads ids as written in the file', () => {
    expect(parseForgetSpec('user:u20', ds, 5)).toEqual({ kind: 'user', user: 1 });
    expect(parseForgetSpec('items:u20:d,b', ds, 5)).toEqual({ kind: 'items', user: 1, items: [3, 1] });
    expect(parseForgetSpec('random:0.05', ds, 5)).toEqual({ kind: 'random', fraction: 0.05, seed: 5 });
    expect(() => parseForgetSpec('user:nobody', ds, 5)).toThrow(/unknown user/);
    expect(() => parseForgetSpec('items:u20:zz', ds, 5)).toThrow(/unknown item/);
    expect(() => parseForgetSpec('everything', ds, 5)).toThrow(/bad forget spec/);
  });
});
