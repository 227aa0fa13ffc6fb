import { describe, expect, it } from 'vitest';
import { DataError } from './errors';
import { createInteractionParser, parseInteractions, type ParseOptions } from './parse';
import type { RawInteractions } from './raw';
import { makeRng } from '../rng';

/** (user, item, rating, timestamp) rows as strings, for comparing parses. */
const rowsOf = (r: RawInteractions): string[] =>
  Array.from(r.users, (u, k) => `${r.userIds[u]}|${r.itemIds[r.items[k]]}|${r.ratings ? r.ratings[k] : '-'}|${r.timestamps ? r.timestamps[k] : '-'}`);

function expectDataError(fn: () => unknown, line: number, reason: RegExp, file = 'f'): DataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    const d = e as DataError;
    expect(d.line).toBe(line);
    expect(d.file).toBe(file);
    expect(d.reason).toMatch(reason);
    expect(d.message).toBe(line > 0 ? `${file}: line ${line}: ${d.reason}` : `${file}: ${d.reason}`);
    return d;
  }
  throw new Error('expected a DataError');
}

describe('formats', () => {
  it('MovieLens u.data (tab, no header)', () => {
    const r = parseInteractions('196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n', 'u.data');
    expect(r.stats.format).toBe('movielens-100k');
    expect(r.stats.hasHeader).toBe(false);
    expect(rowsOf(r)).toEqual(['196|242|3|881250949', '186|302|3|891717742', '196|377|1|878887116']);
    expect(r.userIds).toEqual(['196', '186']);
    expect(Array.from(r.users)).toEqual([0, 1, 0]);
    expect(r.stats.linesRead).toBe(3);
  });

  it('MovieLens ratings.dat (::)', () => {
    const r = parseInteractions('1::1193::5::978300760\r\n1::661::3::978302109\r\n2::1193::4::978298413\r\n', 'ratings.dat');
    expect(r.stats.format).toBe('movielens-dat');
    expect(rowsOf(r)).toEqual(['1|1193|5|978300760', '1|661|3|978302109', '2|1193|4|978298413']);
  });

  it('MovieLens ratings.csv (header userId,movieId,rating,timestamp)', () => {
    const r = parseInteractions('userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n', 'ratings.csv');
    expect(r.stats.format).toBe('movielens-csv');
    expect(r.stats.columns).toEqual({ user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' });
    expect(rowsOf(r)).toEqual(['1|1|4|964982703', '1|3|4.5|964981247']);
  });

  it('RecBole atomic .inter', () => {
    const text = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n22\t377\t1\t878887116\n';
    const r = parseInteractions(text, 'ml-100k.inter');
    expect(r.stats.format).toBe('recbole-inter');
    expect(r.stats.columns.user).toBe('user_id:token');
    expect(rowsOf(r)).toEqual(['196|242|3|881250949', '22|377|1|878887116']);
  });

  it('generic CSV with other column names, order and quoted fields', () => {
    const text = 'Score,"Product Id",Customer ID,comment\n5,"B00,1",c1,"nice, really"\n2,B002,c2,meh\n';
    const r = parseInteractions(text, 'reviews.csv');
    expect(r.stats.format).toBe('delimited-header');
    expect(r.stats.columns).toEqual({ user: 'Customer ID', item: 'Product Id', rating: 'Score', timestamp: null });
    expect(rowsOf(r)).toEqual(['c1|B00,1|5|-', 'c2|B002|2|-']);
  });

  it('generic TSV, header with uid/iid and no rating', () => {
    const r = parseInteractions('uid\tiid\na\tx\nb\ty\n', 'clicks.txt');
    expect(r.ratings).toBeNull();
    expect(rowsOf(r)).toEqual(['a|x|-|-', 'b|y|-|-']);
  });

  it('headerless 2-column files with other separators', () => {
    for (const [text, delim] of [['a;x\nb;y\n', ';'], ['a x\nb  y\n', 'whitespace'], ['a|x\nb|y\n', '|'], ['a,x\nb,y', ',']]) {
      const r = parseInteractions(text, 'pairs');
      expect(r.stats.delimiter).toBe(delim);
      expect(rowsOf(r)).toEqual(['a|x|-|-', 'b|y|-|-']);
    }
  });

  it('headerless third column is a rating only when numeric', () => {
    expect(parseInteractions('a,x,5\nb,y,3\n', 'p.csv').ratings).not.toBeNull();
    expect(parseInteractions('a,x,good\nb,y,bad\n', 'p.csv').ratings).toBeNull();
  });

  it('skips BOM, blank and comment lines; date strings become seconds', () => {
    const r = parseInteractions('\uFEFFuser,item,rating,date\n# note\n\nu,i,4,2020-01-01T00:00:00Z\n', 'x.csv');
    expect(rowsOf(r)).toEqual([`u|i|4|${Date.UTC(2020, 0, 1) / 1000}`]);
    expect(r.stats.linesRead).toBe(4);
  });

  it('column overrides by name and index', () => {
    const text = 'a,b,c\n1,2,3\n4,5,6\n7,8,9\n';
    const r = parseInteractions(text, 'x.csv', { userColumn: 'c', itemColumn: 0, ratingColumn: null });
    expect(rowsOf(r)).toEqual(['3|1|-|-', '6|4|-|-', '9|7|-|-']);
    expectDataError(() => parseInteractions(text, 'f', { userColumn: 'zzz' }), 1, /user column "zzz" not found/);
  });

  it('threshold in the parser drops rows below it and counts them', () => {
    const r = parseInteractions('1\t1\t5\t0\n1\t2\t2\t0\n2\t1\t4\t0\n2\t3\t3\t0\n', 'u.data', { threshold: 4 });
    expect(rowsOf(r)).toEqual(['1|1|5|0', '2|1|4|0']);
    expect(r.stats.belowThreshold).toBe(2);
    expect(r.stats.threshold).toBe(4);
  });
});

describe('streaming', () => {
  const text = [
    'user_id\titem_id\trating\ttimestamp',
    'ü1\tα\t5\t1', '', 'u2\tβ\t4\t2', '# c', 'u1\tγ\t3\t3', 'bad', 'u3\tα\t2\t4', 'u2\tα\t1\t5',
  ].join('\r\n') + '\r\n';

  it('any two or three split points give the same result as one chunk', () => {
    const whole = parseInteractions(text, 'x.tsv');
    expect(whole.stats.skipped).toBe(1);
    const rng = makeRng(11);
    for (let t = 0; t < 300; t++) {
      const cuts = [rng.int(text.length + 1), rng.int(text.length + 1), rng.int(text.length + 1)].sort((a, b) => a - b);
      const p = createInteractionParser('x.tsv');
      p.push(text.slice(0, cuts[0]));
      p.push(text.slice(cuts[0], cuts[1]));
      p.push('');
      p.push(text.slice(cuts[1], cuts[2]));
      p.push(text.slice(cuts[2]));
      const r = p.finish();
      expect(rowsOf(r)).toEqual(rowsOf(whole));
      expect(r.stats).toEqual(whole.stats);
      expect(r.userIds).toEqual(whole.userIds);
    }
  });

  it('one character at a time', () => {
    const p = createInteractionParser('x.tsv');
    for (const ch of text) p.push(ch);
    expect(rowsOf(p.finish())).toEqual(rowsOf(parseInteractions(text, 'x.tsv')));
  });

  it('200k lines in 64 KB chunks: counts and interning are exact', () => {
    const nUsers = 5000, nItems = 3000, n = 200_000;
    const lines: string[] = [];
    for (let k = 0; k < n; k++) lines.push(`${(k * 7919) % nUsers}\t${(k * 104729) % nItems}\t${1 + (k % 5)}\t${880000000 + k}`);
    const text = lines.join('\n');
    const p = createInteractionParser('big.data');
    for (let s = 0; s < text.length; s += 65536) p.push(text.slice(s, s + 65536));
    const r = p.finish();
    expect(r.users.length).toBe(n);
    expect(r.userIds.length).toBe(nUsers);
    expect(r.itemIds.length).toBe(nItems);
    expect(r.users.buffer.byteLength).toBe(4 * n); // trimmed, not the grown capacity
    const k = 123_457;
    expect(r.userIds[r.users[k]]).toBe(String((k * 7919) % nUsers));
    expect(r.itemIds[r.items[k]]).toBe(String((k * 104729) % nItems));
    expect(r.ratings![k]).toBe(1 + (k % 5));
    expect(r.timestamps![k]).toBe(880000000 + k);
  });
});

describe('bad input gives a DataError on the right line', () => {
  const parse = (text: string, opts?: ParseOptions) => () => parseInteractions(text, 'f', opts);

  it('empty and whitespace-only files', () => {
    expectDataError(parse(''), 0, /empty/);
    expectDataError(parse('\n  \n\r\n'), 0, /empty/);
    expectDataError(parse('# only a comment\n'), 0, /empty/);
  });

  it('binary content', () => {
    expectDataError(parse('1\t2\n3\t4\nPK\u0003\u0004\u0000\u0000\n'), 3, /binary/);
    const junk = Array.from({ length: 400 }, (_, k) => String.fromCharCode(k % 20 === 0 ? 65 : 1 + (k % 8))).join('');
    expectDataError(parse('a,b\n' + junk + '\n'), 2, /binary/);
    expectDataError(parse('\ufffd\ufffd\ufffd\ufffdPNG\n\ufffd\ufffd\ufffd'), 1, /binary/);
  });

  it('HTML and JSON', () => {
    expectDataError(parse('\n<!DOCTYPE html>\n<html><body>404</body></html>\n'), 2, /HTML/);
    expectDataError(parse('<html>\n<head>'), 1, /HTML/);
    expectDataError(parse('[{"user": 1, "item": 2}]'), 1, /JSON/);
  });

  it('a single column everywhere (wrong delimiter)', () => {
    expectDataError(parse('\n123\n456\n789\n'), 2, /only one column/);
  });

  it('header without user or item column', () => {
    expectDataError(parse('foo,item_id,rating\nx,1,2\n'), 1, /no user column/);
    expectDataError(parse('user_id,foo,rating\n1,x,2\n'), 1, /no item column/);
    expectDataError(parse('alpha,beta\n1,2\n3,4\n'), 1, /no user column/);
  });

  it('header only', () => {
    expectDataError(parse('userId,movieId,rating,timestamp\n'), 1, /only a header/);
    expectDataError(parse('\n\nuser\titem\n\n'), 3, /only a header/);
  });

  it('few malformed lines are skipped and counted; most malformed fails at the first', () => {
    const ok = parseInteractions('1,2\n3,4\n5\n6,7\n8,,\n9,10\n', 'f');
    expect(ok.users.length).toBe(4);
    expect(ok.stats.skipped).toBe(2);
    expect(ok.stats.firstSkipped).toEqual({ line: 3, reason: expect.stringMatching(/at least 2 columns/) });
    expectDataError(parse('1,2\n3,4\n5\n6\n7\n8,9\n10\n'), 3, /4 of 7 data lines are malformed/);
    expectDataError(parse('1,2\n3,4\n5\n6\n7\n8,9\n10\n', { maxBadFraction: 0.1 }), 3, /malformed/);
  });

  it('a wrong file fails within the first thousand lines', () => {
    const lines = ['1,2', ...Array.from({ length: 999 }, (_, k) => (k % 3 ? String(k) : `${k},1`))];
    const p = createInteractionParser('f');
    expect(() => p.push(lines.join('\n') + '\n' + '1,2\n'.repeat(10))).toThrow(DataError);
  });

  it('non-numeric ratings under a threshold: skip and count a few, fail when most are bad', () => {
    const few = parseInteractions('user,item,rating\n1,1,5\n1,2,x\n2,1,4\n2,2,\n3,1,5\n', 'f', { threshold: 4 });
    expect(few.users.length).toBe(3);
    expect(few.stats.badRatings).toBe(2);
    expect(few.stats.firstBadRating).toEqual({ line: 3, reason: 'rating "x" is not a number' });
    expectDataError(parse('user,item,rating\n1,1,five\n1,2,x\n2,1,4\n', { threshold: 4 }), 2, /2 of 3 ratings are not numbers.*"five"/);
    // Without a threshold, bad ratings are kept as NaN and counted.
    const kept = parseInteractions('user,item,rating\n1,1,five\n1,2,x\n2,1,4\n', 'f');
    expect(kept.users.length).toBe(3);
    expect(Number.isNaN(kept.ratings![0])).toBe(true);
    expect(kept.stats.badRatings).toBe(2);
  });

  it('threshold without a rating column', () => {
    expectDataError(parse('user,item\n1,2\n', { threshold: 3 }), 1, /no rating column/);
    expectDataError(parse('1,2\n3,4\n', { threshold: 3 }), 0, /no rating column/);
  });

  it('no rating reaches the threshold', () => {
    expectDataError(parse('1,2,1\n3,4,2\n', { threshold: 3 }), 0, /no rating reaches/);
  });

  it('a line longer than 1 MiB', () => {
    const p = createInteractionParser('f');
    p.push('1,2\n');
    expect(() => p.push('x'.repeat((1 << 20) + 10))).toThrow(/line 2: line longer/);
  });
});
