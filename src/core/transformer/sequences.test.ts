import { describe, expect, it } from 'vitest';
import type { Dataset } from '../types';
import { forgottenPositions, lastWindows, trainingWindows, userSequences, withoutPositions } from './sequences';

const ds: Dataset = {
  name: 't',
  nUsers: 3,
  nItems: 10,
  userIds: ['a', 'b', 'c'],
  itemIds: Array.from({ length: 10 }, (_, k) => `i${k}`),
  train: { u: Int32Array.from([0, 0, 0, 0, 0, 1, 1, 2]), i: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
  test: { u: new Int32Array(0), i: new Int32Array(0) },
};

describe('sequences', () => {
  it('holds each user’s train items, in a seeded order', () => {
    const s = userSequences(ds, 1);
    expect(Array.from(s.indptr)).toEqual([0, 5, 7, 8]);
    expect(Array.from(s.items.subarray(0, 5)).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(userSequences(ds, 1).items)).toEqual(Array.from(s.items));
  });

  it('cuts windows from the end so that every item but the first is a target exactly once', () => {
    const s = { nUsers: 3, indptr: Int32Array.from([0, 5, 7, 8]), items: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const w = trainingWindows(s, 3);
    // user 0: targets at positions 2..4 (inputs [2 3 4] → [3 4 5]) and 1 (inputs [1] → [2]); user 1: [6] → [7]
    expect(w.count).toBe(3);
    expect(Array.from(w.user)).toEqual([0, 0, 1]);
    expect(Array.from(w.inputs)).toEqual([1, 0, 0, 2, 3, 4, 6, 0, 0]);
    expect(Array.from(w.targets)).toEqual([2, 0, 0, 3, 4, 5, 7, 0, 0]);
    expect(Array.from(w.mask)).toEqual([1, 0, 0, 1, 1, 1, 1, 0, 0]);
    // the history cap keeps each user's most recent window only
    const capped = trainingWindows(s, 3, { maxWindows: 1 });
    expect(Array.from(capped.user)).toEqual([0, 1]);
    expect(Array.from(capped.targets)).toEqual([3, 4, 5, 7, 0, 0]);
  });

  it('filters targets to forgotten positions and removes them from the remaining sequences', () => {
    const s = { nUsers: 3, indptr: Int32Array.from([0, 5, 7, 8]), items: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const mark = forgottenPositions(s, 10, { u: Int32Array.from([0, 1]), i: Int32Array.from([3, 6]) });
    expect(Array.from(mark)).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
    const f = trainingWindows(s, 3, { targetFilter: mark });
    // item 3 is a target in user 0's last window; item 6 is user 1's first item, never a target
    expect(f.count).toBe(1);
    expect(Array.from(f.targets)).toEqual([3, 4, 5]);
    expect(Array.from(f.mask)).toEqual([1, 0, 0]);
    const r = withoutPositions(s, mark);
    expect(Array.from(r.indptr)).toEqual([0, 4, 5, 6]);
    expect(Array.from(r.items)).toEqual([1, 2, 4, 5, 7, 8]);
    const last = lastWindows(r, 3);
    expect(Array.from(last.inputs)).toEqual([2, 4, 5, 7, 0, 0, 8, 0, 0]);
    expect(Array.from(last.last)).toEqual([2, 0, 0]);
    expect(Array.from(lastWindows({ nUsers: 1, indptr: Int32Array.from([0, 0]), items: new Int32Array(0) }, 2).last)).toEqual([-1]);
  });
});
