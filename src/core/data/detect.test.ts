import { describe, expect, it } from 'vitest';
import { detectLayout, normaliseName, splitLine, type SampleLine } from './detect';

const sample = (...texts: string[]): SampleLine[] => texts.map((text, k) => ({ no: k + 1, text }));

describe('detectLayout', () => {
  it('recognises common user/item/rating/time column names in any order', () => {
    const cases: [string, string, string, string | null, string | null][] = [
      ['reviewerID,asin,overall,unixReviewTime', 'reviewerID', 'asin', 'overall', 'unixReviewTime'],
      ['user_id,book_id,rating', 'user_id', 'book_id', 'rating', null],
      ['timestamp;product_id;customer_id', 'customer_id', 'product_id', null, 'timestamp'],
      ['ItemId,UserId,Score', 'UserId', 'ItemId', 'Score', null],
      ['user_name,item_title', 'user_name', 'item_title', null, null],
    ];
    for (const [header, user, item, rating, time] of cases) {
      const d = header.includes(';') ? ';' : ',';
      const L = detectLayout('x.csv', sample(header, ['1', '2', '3', '4'].slice(0, header.split(d).length).join(d)));
      expect(L.hasHeader).toBe(true);
      expect(L.names[L.userCol]).toBe(user);
      expect(L.names[L.itemCol]).toBe(item);
      expect(L.ratingCol >= 0 ? L.names[L.ratingCol] : null).toBe(rating);
      expect(L.timeCol >= 0 ? L.names[L.timeCol] : null).toBe(time);
    }
  });

  it('string ids without a header are data, not a header', () => {
    const L = detectLayout('d.tsv', sample('u1\ti5\t4\t100', 'u2\ti7\t3\t101'));
    expect(L.hasHeader).toBe(false);
    expect([L.userCol, L.itemCol, L.ratingCol, L.timeCol]).toEqual([0, 1, 2, 3]);
    expect(L.format).toBe('movielens-100k');
  });

  it('an unnamed all-text first line above numeric lines is a header', () => {
    const L = detectLayout('d.csv', sample('who,what', '1,2'), { userColumn: 'who', itemColumn: 'what' });
    expect(L.hasHeader).toBe(true);
    expect([L.userCol, L.itemCol]).toEqual([0, 1]);
  });

  it('the file name decides between equally good separators', () => {
    expect(detectLayout('a.csv', sample('1,2\t3', '4,5\t6')).delimiter).toBe(',');
    expect(detectLayout('a.tsv', sample('1,2\t3', '4,5\t6')).delimiter).toBe('\t');
  });

  it('splitLine handles quotes with papaparse only where needed', () => {
    expect(splitLine('"a, b",c,"d ""q"""', ',')).toEqual(['a, b', 'c', 'd "q"']);
    expect(splitLine('  a  b\tc ', 'whitespace')).toEqual(['a', 'b', 'c']);
    expect(splitLine('1::2::3', '::')).toEqual(['1', '2', '3']);
  });

  it('normaliseName strips RecBole types, case and punctuation', () => {
    expect(normaliseName('user_id:token')).toBe('userid');
    expect(normaliseName(' "Movie-ID" ')).toBe('movieid');
  });
});
