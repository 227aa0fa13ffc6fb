import { makeRng, type Rng } from '../rng';
import { InteractionTableBuilder, type RawInteractions } from './raw';

/** Parameters of the synthetic community model (see generateSynthetic). */
export interface SyntheticConfig {
  users: number;
  items: number;
  /** Target number of interactions (met to within a fraction of a percent). */
  interactions: number;
  /** Latent communities shared by users and items. */
  groups: number;
  /** Each user puts a share drawn uniformly from [min, max] of its taste outside its main group. */
  mixing: [number, number];
  /** Item popularity ∝ rank^−popularity (Zipf-like); rank is a random permutation. */
  popularity: number;
  /** Share of picks made by global popularity, regardless of group. */
  popularPicks: number;
  /** Every user has at least this many interactions … */
  minPerUser: number;
  /** … and at most this share of all items. */
  maxUserShare: number;
  /** Spread (log-normal σ) of user activity above the minimum. */
  activitySigma: number;
  /** First timestamp (seconds) and span of the log. */
  startTime: number;
  timeSpan: number;
}

export type SyntheticPreset = 'synthetic-ml100k' | 'synthetic-small';

export const SYNTHETIC_PRESETS: Record<SyntheticPreset, SyntheticConfig> = {
  // MovieLens-100K scale: 943 users, 1,682 items, 100k ratings, ≥ 20 per user, 7 months of 1997–98.
  'synthetic-ml100k': {
    users: 943,
    items: 1682,
    interactions: 100_000,
    groups: 10,
    mixing: [0.1, 0.4],
    popularity: 1.0,
    popularPicks: 0.1,
    minPerUser: 20,
    maxUserShare: 0.4,
    activitySigma: 1.0,
    startTime: 874_724_710,
    timeSpan: 18_561_928,
  },
  // Small and strongly structured, so a few epochs of LightGCN beat popularity clearly.
  'synthetic-small': {
    users: 150,
    items: 300,
    interactions: 6_500,
    groups: 8,
    mixing: [0.05, 0.2],
    popularity: 0.6,
    popularPicks: 0.05,
    minPerUser: 20,
    maxUserShare: 0.5,
    activitySigma: 0.9,
    startTime: 874_724_710,
    timeSpan: 18_561_928,
  },
};

export interface SyntheticData {
  raw: RawInteractions;
  /** Main group of each user / group of each item, indexed by the raw (interned) ids of `raw`. */
  userGroup: Int32Array;
  itemGroup: Int32Array;
  config: SyntheticConfig;
}

/**
 * Seeded implicit-feedback data with community structure. Items belong to one of G groups and
 * carry a Zipf-like popularity; each user has a main group and a mixing share spread over one
 * secondary group and all groups. A user picks a group by taste, then an item of that group by
 * popularity (or, rarely, any item by popularity), without repeats. Activity is log-normal
 * above a minimum, so a few heavy users have hundreds of interactions. Ratings 1–5 rise with
 * the user's affinity to the item's group. Ids are "u1"… and "i1"….
 */
export function generateSynthetic(preset: SyntheticPreset | SyntheticConfig, seed = 2024): SyntheticData {
  const cfg = typeof preset === 'string' ? SYNTHETIC_PRESETS[preset] : preset;
  const rng = makeRng(`synthetic:${seed}`);
  const { users: U, items: I, groups: G } = cfg;

  // Items: balanced random groups, random popularity ranks.
  const itemGroupById = rng.shuffle(Int32Array.from({ length: I }, (_, j) => j % G));
  const rank = rng.shuffle(Int32Array.from({ length: I }, (_, j) => j + 1));
  const pop = Float64Array.from(rank, (r) => Math.pow(r, -cfg.popularity));
  const quality = Float64Array.from({ length: I }, () => 0.4 * rng.normal());
  const members: number[][] = Array.from({ length: G }, () => []);
  for (let j = 0; j < I; j++) members[itemGroupById[j]].push(j);
  const groupSampler = members.map((js) => cumulative(js.map((j) => pop[j])));
  const globalSampler = cumulative(Array.from(pop));

  // Users: taste over groups.
  const mainGroup = Int32Array.from({ length: U }, () => rng.int(G));
  const taste = Array.from({ length: U }, (_, u) => {
    const mix = cfg.mixing[0] + (cfg.mixing[1] - cfg.mixing[0]) * rng.next();
    const t = new Float64Array(G).fill((0.3 * mix) / G);
    t[mainGroup[u]] += 1 - mix;
    t[rng.int(G)] += 0.7 * mix;
    return t;
  });
  const counts = activity(cfg, rng);

  const table = new InteractionTableBuilder(true, true);
  const userGroupByRaw: number[] = [];
  const itemGroupByRaw: number[] = [];
  const seenItem = new Uint8Array(I);
  const userBias = Float64Array.from({ length: U }, () => 0.3 * rng.normal());
  for (let u = 0; u < U; u++) {
    const chosen = new Set<number>();
    const groupCum = cumulative(Array.from(taste[u]));
    for (let tries = 0; chosen.size < counts[u] && tries < 50 * counts[u]; tries++) {
      let j: number;
      if (rng.next() < cfg.popularPicks) j = draw(globalSampler, rng);
      else {
        const g = draw(groupCum, rng);
        j = members[g][draw(groupSampler[g], rng)];
      }
      chosen.add(j);
    }
    const tMax = Math.max(...taste[u]);
    const t0 = cfg.startTime + Math.floor(rng.next() * 0.7 * cfg.timeSpan);
    const span = Math.max(1, cfg.startTime + cfg.timeSpan - t0);
    const times = Array.from(chosen, () => t0 + Math.floor(rng.next() * span)).sort((a, b) => a - b);
    userGroupByRaw.push(mainGroup[u]);
    let k = 0;
    for (const j of chosen) {
      const affinity = taste[u][itemGroupById[j]] / tMax;
      const mean = 2.5 + 1.9 * affinity + quality[j] + userBias[u];
      const rating = Math.min(5, Math.max(1, Math.round(mean + 0.8 * rng.normal())));
      if (!seenItem[j]) {
        seenItem[j] = 1;
        itemGroupByRaw.push(itemGroupById[j]);
      }
      table.add(`u${u + 1}`, `i${j + 1}`, rating, times[k++]);
    }
  }
  const name = typeof preset === 'string' ? preset : 'synthetic';
  const raw = table.build(name, {
    format: 'synthetic',
    delimiter: '',
    hasHeader: false,
    columns: { user: 'user', item: 'item', rating: 'rating', timestamp: 'timestamp' },
    linesRead: 0,
    rows: 0,
    skipped: 0,
    firstSkipped: null,
    badRatings: 0,
    firstBadRating: null,
    threshold: null,
    belowThreshold: 0,
  });
  raw.stats.linesRead = raw.users.length;
  return { raw, userGroup: Int32Array.from(userGroupByRaw), itemGroup: Int32Array.from(itemGroupByRaw), config: cfg };
}

/** Writes interactions in MovieLens u.data layout: user \t item \t rating \t timestamp. */
export function formatUData(raw: RawInteractions): string {
  const lines: string[] = new Array(raw.users.length);
  for (let r = 0; r < raw.users.length; r++) {
    const rating = raw.ratings && !Number.isNaN(raw.ratings[r]) ? String(raw.ratings[r]) : '1';
    const time = raw.timestamps && !Number.isNaN(raw.timestamps[r]) ? String(raw.timestamps[r]) : '0';
    lines[r] = `${raw.userIds[raw.users[r]]}\t${raw.itemIds[raw.items[r]]}\t${rating}\t${time}`;
  }
  return lines.join('\n') + '\n';
}

/** Interactions per user: minimum plus a log-normal share, scaled (by bisection) to the target total. */
function activity(cfg: SyntheticConfig, rng: Rng): Int32Array {
  const a = Float64Array.from({ length: cfg.users }, () => Math.exp(cfg.activitySigma * rng.normal()));
  const cap = Math.max(cfg.minPerUser, Math.floor(cfg.maxUserShare * cfg.items));
  const counts = new Int32Array(cfg.users);
  const total = (s: number): number => {
    let t = 0;
    for (let u = 0; u < cfg.users; u++) t += (counts[u] = Math.min(cap, cfg.minPerUser + Math.round(a[u] * s)));
    return t;
  };
  let lo = 0, hi = cfg.interactions;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < cfg.interactions) lo = mid;
    else hi = mid;
  }
  total(lo);
  return counts;
}

function cumulative(weights: number[]): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let k = 0; k < weights.length; k++) c[k] = s += weights[k];
  return c;
}

/** Index k with probability weight[k] / total, by binary search on the cumulative sums. */
function draw(cum: Float64Array, rng: Rng): number {
  const x = rng.next() * cum[cum.length - 1];
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
