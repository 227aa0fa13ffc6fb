import { describe, expect, it } from 'vitest';
import { formatUData, generateSynthetic } from './generate';
import { parseInteractions } from './parse';
import { buildDataset } from './pipeline';

describe('generateSynthetic', () => {
  const small = generateSynthetic('synthetic-small', 2024);

  it('is deterministic by seed', () => {
    const again = generateSynthetic('synthetic-small', 2024);
    expect(again.raw.users).toEqual(small.raw.users);
    expect(again.raw.items).toEqual(small.raw.items);
    expect(again.raw.ratings).toEqual(small.raw.ratings);
    expect(generateSynthetic('synthetic-small', 1).raw.items).not.toEqual(small.raw.items);
  });

  it('small preset: size, ratings 1–5, no duplicate pairs, ≥ 20 per user', () => {
    const r = small.raw;
    expect(r.userIds.length).toBe(150);
    expect(r.itemIds.length).toBeGreaterThan(280);
    expect(r.users.length).toBeGreaterThanOrEqual(5000);
    expect(r.users.length).toBeLessThanOrEqual(8000);
    expect(Array.from(r.ratings!).every((x) => Number.isInteger(x) && x >= 1 && x <= 5)).toBe(true);
    expect(new Set(Array.from(r.users, (u, k) => u * 100000 + r.items[k])).size).toBe(r.users.length);
    const per = new Int32Array(150);
    for (const u of r.users) per[u]++;
    expect(Math.min(...per)).toBeGreaterThanOrEqual(20);
  });

  it('ml100k preset: MovieLens-100K scale, heavy and light users, popularity skew', () => {
    const { raw } = generateSynthetic('synthetic-ml100k', 2024);
    expect(raw.userIds.length).toBe(943);
    expect(Math.abs(raw.users.length - 100_000)).toBeLessThan(1000);
    expect(raw.itemIds.length).toBeGreaterThan(1600);
    const per = new Int32Array(943);
    for (const u of raw.users) per[u]++;
    const sorted = Array.from(per).sort((a, b) => a - b);
    expect(sorted.filter((d) => d >= 200).length).toBeGreaterThan(30);
    expect(sorted[Math.floor(0.25 * 943)]).toBeLessThan(50);
    const deg = new Int32Array(raw.itemIds.length);
    for (const i of raw.items) deg[i]++;
    const items = Array.from(deg).sort((a, b) => b - a);
    const top10 = items.slice(0, Math.floor(items.length / 10)).reduce((a, b) => a + b, 0);
    expect(top10 / raw.users.length).toBeGreaterThan(0.25); // top 10% of items: > 25% of interactions
  });

  it('community structure: users of the same group share more items than users of different groups', () => {
    const r = small.raw;
    const sets = Array.from({ length: r.userIds.length }, () => new Set<number>());
    for (let k = 0; k < r.users.length; k++) sets[r.users[k]].add(r.items[k]);
    let same = 0, nSame = 0, diff = 0, nDiff = 0;
    for (let a = 0; a < sets.length; a++) {
      for (let b = a + 1; b < sets.length; b++) {
        let inter = 0;
        for (const i of sets[a]) if (sets[b].has(i)) inter++;
        const jaccard = inter / (sets[a].size + sets[b].size - inter);
        if (small.userGroup[a] === small.userGroup[b]) { same += jaccard; nSame++; } else { diff += jaccard; nDiff++; }
      }
    }
    expect(same / nSame).toBeGreaterThan(3 * (diff / nDiff));
    // Ratings rise with affinity: in-group ratings average higher than out-of-group ones.
    let inSum = 0, inN = 0, outSum = 0, outN = 0;
    for (let k = 0; k < r.users.length; k++) {
      if (small.userGroup[r.users[k]] === small.itemGroup[r.items[k]]) { inSum += r.ratings![k]; inN++; } else { outSum += r.ratings![k]; outN++; }
    }
    expect(inSum / inN - outSum / outN).toBeGreaterThan(0.8);
  });

  it('u.data text round-trips through the parser and builds a data set', () => {
    const text = formatUData(small.raw);
    expect(text.split('\n')[0]).toMatch(/^u\d+\ti\d+\t[1-5]\t\d+$/);
    const back = parseInteractions(text, 'synthetic-small.tsv');
    expect(back.stats.format).toBe('movielens-100k');
    expect(back.users).toEqual(small.raw.users);
    expect(back.items).toEqual(small.raw.items);
    expect(back.userIds).toEqual(small.raw.userIds);
    expect(back.ratings).toEqual(small.raw.ratings);
    expect(back.timestamps).toEqual(small.raw.timestamps);
    const { stats } = buildDataset(back, { name: 'synthetic-small' });
    expect(stats.duplicates).toBe(0);
    expect(stats.users).toBe(150);
  });
});
