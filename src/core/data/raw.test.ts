import { describe, expect, it } from 'vitest';
import { InteractionTableBuilder, type ParseStats } from './raw';

const stats: ParseStats = {
  format: 'delimited', delimiter: ',', hasHeader: false,
  columns: { user: 'column 1', item: 'column 2', rating: null, timestamp: null },
  linesRead: 0, rows: 0, skipped: 0, firstSkipped: null, badRatings: 0, firstBadRating: null, threshold: null, belowThreshold: 0,
};

describe('InteractionTableBuilder', () => {
  it('interns ids in order of first appearance and grows past its initial capacity', () => {
    const b = new InteractionTableBuilder(true, false);
    for (let k = 0; k < 5000; k++) b.add(`u${k % 7}`, `i${k % 1500}`, k % 5);
    const r = b.build('f', stats);
    expect(r.users.length).toBe(5000);
    expect(r.users.buffer.byteLength).toBe(5000 * 4);
    expect(r.userIds).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    expect(r.itemIds.length).toBe(1500);
    expect(r.userIds[r.users[4321]]).toBe(`u${4321 % 7}`);
    expect(r.itemIds[r.items[4321]]).toBe(`i${4321 % 1500}`);
    expect(r.ratings![4321]).toBe(4321 % 5);
    expect(r.timestamps).toBeNull();
    expect(r.stats.rows).toBe(5000);
  });
});
