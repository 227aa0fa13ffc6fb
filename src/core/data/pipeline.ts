import type { Dataset } from '../types';
import { DataError } from './errors';
import { kCore } from './kcore';
import { FORMAT_NAMES, type ParseStats, type RawInteractions } from './raw';
import { splitPerUser } from './split';

export interface BuildOptions {
  name: string;
  /** Keep rows with rating ≥ threshold. */
  threshold?: number;
  /** Keep the k-core: every user and item with ≥ k interactions (k ≤ 1: no filter). */
  kCore?: number;
  testFraction?: number;
  /** Fraction of each user's train part held out as `dataset.valid` (default 0: none). */
  validFraction?: number;
  seed?: number;
  /** Fail when more than this fraction of ratings is not a number under a threshold (default 0.5). */
  maxBadFraction?: number;
}

export interface DatasetStats {
  parse: ParseStats;
  /** Rows dropped because the rating was missing or not a number (threshold set). */
  badRatings: number;
  belowThreshold: number;
  duplicates: number;
  kCore: { k: number; rounds: number; removedUsers: number; removedItems: number; removedInteractions: number } | null;
  users: number;
  items: number;
  interactions: number;
  train: number;
  test: number;
  valid: number;
  /** interactions / (users × items). */
  density: number;
  /** One sentence per step, for the UI. */
  notes: string[];
}

/** Threshold → dedupe → k-core → dense re-indexing → seeded per-user split. */
export function buildDataset(raw: RawInteractions, opts: BuildOptions): { dataset: Dataset; stats: DatasetStats } {
  const file = raw.file;
  const n = raw.users.length;
  const ps = raw.stats;
  const nRawUsers = raw.userIds.length, nRawItems = raw.itemIds.length;
  const notes: string[] = [];
  const fmt = (x: number) => x.toLocaleString('en-US');

  notes.push(`Read ${fmt(ps.linesRead)} lines in ${FORMAT_NAMES[ps.format]}${ps.delimiter ? ` (${describeDelimiter(ps.delimiter)}${ps.hasHeader ? ', with header' : ''})` : ''}: ${fmt(ps.rows)} rows, columns user = ${ps.columns.user}, item = ${ps.columns.item}${ps.columns.rating ? `, rating = ${ps.columns.rating}` : ''}.`);
  if (ps.skipped > 0 && ps.firstSkipped) {
    notes.push(`Skipped ${fmt(ps.skipped)} malformed line${ps.skipped > 1 ? 's' : ''} (first: line ${ps.firstSkipped.line}, ${ps.firstSkipped.reason}).`);
  }

  const keep = new Uint8Array(n).fill(1);
  let badRatings = 0;
  let belowThreshold = ps.belowThreshold;
  const t = opts.threshold;
  if (t !== undefined && t !== null) {
    const ratings = raw.ratings;
    if (!ratings) throw new DataError(file, 0, `a rating threshold (≥ ${t}) was set but the file has no rating column`);
    const maxBad = opts.maxBadFraction ?? 0.5;
    const considered = ps.rows + ps.belowThreshold + (ps.threshold !== null ? ps.badRatings : 0);
    badRatings = ps.badRatings;
    if (ps.firstBadRating && badRatings > maxBad * considered) {
      throw new DataError(file, ps.firstBadRating.line, `${fmt(badRatings)} of ${fmt(considered)} ratings are not numbers (first: ${ps.firstBadRating.reason})`);
    }
    for (let r = 0; r < n; r++) {
      const x = ratings[r];
      if (Number.isNaN(x)) keep[r] = 0;
      else if (x < t) {
        keep[r] = 0;
        belowThreshold++;
      }
    }
    if (badRatings > 0 && ps.firstBadRating) notes.push(`Skipped ${fmt(badRatings)} row${badRatings > 1 ? 's' : ''} without a numeric rating (first: line ${ps.firstBadRating.line}).`);
    notes.push(`Kept ratings ≥ ${t}: dropped ${fmt(belowThreshold)} rows below it.`);
  } else if (ps.badRatings > 0 && ps.firstBadRating) {
    // Without a threshold the ratings are not used (every row is an interaction): say so when some of
    // them could not be read, rather than load silently as if they had been.
    const where = `first: line ${ps.firstBadRating.line}, ${ps.firstBadRating.reason}`;
    const what = ps.badRatings >= ps.rows ? `None of the ${fmt(ps.rows)} ratings is a number (${where})` : `${fmt(ps.badRatings)} of ${fmt(ps.rows)} ratings are not numbers (${where})`;
    notes.push(`${what}. Ratings were ignored: without a rating threshold every row counts as an interaction, these rows included.`);
  }

  // Dedupe: group kept rows by user, sort each user's rows by (item, row), keep the first per item.
  const start = new Int32Array(nRawUsers + 1);
  let kept = 0;
  for (let r = 0; r < n; r++) if (keep[r]) { start[raw.users[r] + 1]++; kept++; }
  for (let u = 0; u < nRawUsers; u++) start[u + 1] += start[u];
  const rows = new Int32Array(kept);
  const fill = start.slice(0, nRawUsers);
  for (let r = 0; r < n; r++) if (keep[r]) rows[fill[raw.users[r]]++] = r;
  const eu = new Int32Array(kept), ei = new Int32Array(kept);
  let m = 0;
  for (let u = 0; u < nRawUsers; u++) {
    const mine = rows.subarray(start[u], start[u + 1]).sort((a, b) => raw.items[a] - raw.items[b] || a - b);
    for (let k = 0; k < mine.length; k++) {
      const item = raw.items[mine[k]];
      if (k > 0 && item === raw.items[mine[k - 1]]) continue;
      eu[m] = u;
      ei[m++] = item;
    }
  }
  const duplicates = kept - m;
  if (duplicates > 0) notes.push(`Removed ${fmt(duplicates)} duplicate (user, item) row${duplicates > 1 ? 's' : ''}, keeping the first.`);
  let edgesU = eu.subarray(0, m), edgesI = ei.subarray(0, m);

  let core: DatasetStats['kCore'] = null;
  const k = opts.kCore ?? 0;
  if (k > 1) {
    const res = kCore(edgesU, edgesI, nRawUsers, nRawItems, k);
    const survivors = m - res.removedEdges;
    const cu = new Int32Array(survivors), ci = new Int32Array(survivors);
    for (let e = 0, j = 0; e < m; e++) if (res.alive[e]) { cu[j] = edgesU[e]; ci[j++] = edgesI[e]; }
    edgesU = cu;
    edgesI = ci;
    core = { k, rounds: res.rounds, removedUsers: res.removedUsers, removedItems: res.removedItems, removedInteractions: res.removedEdges };
    notes.push(`${k}-core: removed ${fmt(res.removedUsers)} users, ${fmt(res.removedItems)} items and ${fmt(res.removedEdges)} interactions in ${res.rounds} round${res.rounds === 1 ? '' : 's'}.`);
  }

  // Dense ids in order of first appearance in the file.
  const userMap = new Int32Array(nRawUsers).fill(-1), itemMap = new Int32Array(nRawItems).fill(-1);
  for (let e = 0; e < edgesU.length; e++) { userMap[edgesU[e]] = 0; itemMap[edgesI[e]] = 0; }
  const userIds: string[] = [], itemIds: string[] = [];
  for (let u = 0; u < nRawUsers; u++) if (userMap[u] === 0) { userMap[u] = userIds.length; userIds.push(raw.userIds[u]); }
  for (let i = 0; i < nRawItems; i++) if (itemMap[i] === 0) { itemMap[i] = itemIds.length; itemIds.push(raw.itemIds[i]); }
  const filters = [t !== undefined && t !== null ? `rating ≥ ${t}` : '', k > 1 ? `${k}-core` : ''].filter(Boolean).join(', ');
  if (userIds.length < 2 || itemIds.length < 2) {
    throw new DataError(file, 0, `after filtering${filters ? ` (${filters})` : ''} only ${userIds.length} user${userIds.length === 1 ? '' : 's'} and ${itemIds.length} item${itemIds.length === 1 ? '' : 's'} remain; training needs at least 2 of each`);
  }
  const du = new Int32Array(edgesU.length), di = new Int32Array(edgesU.length);
  for (let e = 0; e < edgesU.length; e++) { du[e] = userMap[edgesU[e]]; di[e] = itemMap[edgesI[e]]; }

  const validFraction = opts.validFraction ?? 0;
  const split = splitPerUser({ u: du, i: di }, userIds.length, {
    testFraction: opts.testFraction ?? 0.2,
    validFraction,
    seed: opts.seed ?? 2024,
  });
  const dataset: Dataset = {
    name: opts.name,
    nUsers: userIds.length,
    nItems: itemIds.length,
    userIds,
    itemIds,
    train: split.train,
    test: split.test,
    ...(validFraction > 0 ? { valid: split.valid } : {}),
  };
  const interactions = du.length;
  const density = interactions / (userIds.length * itemIds.length);
  notes.push(`${fmt(userIds.length)} users × ${fmt(itemIds.length)} items, ${fmt(interactions)} interactions (density ${(100 * density).toFixed(2)}%): ${fmt(split.train.u.length)} train, ${validFraction > 0 ? `${fmt(split.valid.u.length)} validation, ` : ''}${fmt(split.test.u.length)} test.`);
  return {
    dataset,
    stats: {
      parse: ps,
      badRatings,
      belowThreshold,
      duplicates,
      kCore: core,
      users: userIds.length,
      items: itemIds.length,
      interactions,
      train: split.train.u.length,
      test: split.test.u.length,
      valid: split.valid.u.length,
      density,
      notes,
    },
  };
}

function describeDelimiter(d: string): string {
  return d === '\t' ? 'tab-separated' : d === 'whitespace' ? 'space-separated' : `"${d}"-separated`;
}
