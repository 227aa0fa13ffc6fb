import type { Edges } from '../types';
import { makeRng } from '../rng';

export interface SplitOptions {
  /** Fraction of each user's interactions held out for test (default 0.2). */
  testFraction?: number;
  /** Fraction of each user's remaining train interactions held out for validation (default 0). */
  validFraction?: number;
  seed?: number | string;
}

export interface Split {
  train: Edges;
  test: Edges;
  valid: Edges;
}

/**
 * Seeded per-user hold-out: each user's interactions are shuffled, round(d × testFraction) go to
 * test, then round(rest × validFraction) to validation, and at least one always stays in train.
 * Output keeps the input order within each part.
 */
export function splitPerUser(edges: Edges, nUsers: number, opts: SplitOptions = {}): Split {
  const testFraction = opts.testFraction ?? 0.2;
  const validFraction = opts.validFraction ?? 0;
  if (!(testFraction >= 0 && testFraction < 1)) throw new RangeError(`testFraction must be in [0, 1), got ${testFraction}`);
  if (!(validFraction >= 0 && validFraction < 1)) throw new RangeError(`validFraction must be in [0, 1), got ${validFraction}`);
  const rng = makeRng(opts.seed ?? 2024);
  const m = edges.u.length;
  // Edges grouped by user, in input order (counting sort).
  const start = new Int32Array(nUsers + 1);
  for (let e = 0; e < m; e++) start[edges.u[e] + 1]++;
  for (let u = 0; u < nUsers; u++) start[u + 1] += start[u];
  const byUser = new Int32Array(m);
  const fill = start.slice(0, nUsers);
  for (let e = 0; e < m; e++) byUser[fill[edges.u[e]]++] = e;

  // part[e]: 0 train, 1 test, 2 valid.
  const part = new Uint8Array(m);
  for (let u = 0; u < nUsers; u++) {
    const d = start[u + 1] - start[u];
    if (d < 2) continue;
    const order = rng.shuffle(byUser.slice(start[u], start[u + 1]));
    const nTest = Math.min(d - 1, Math.round(d * testFraction));
    const nValid = Math.min(d - nTest - 1, Math.round((d - nTest) * validFraction));
    for (let k = 0; k < nTest; k++) part[order[k]] = 1;
    for (let k = nTest; k < nTest + nValid; k++) part[order[k]] = 2;
  }
  const counts = [0, 0, 0];
  for (let e = 0; e < m; e++) counts[part[e]]++;
  const out = counts.map((c) => ({ u: new Int32Array(c), i: new Int32Array(c) }));
  const pos = [0, 0, 0];
  for (let e = 0; e < m; e++) {
    const p = part[e];
    out[p].u[pos[p]] = edges.u[e];
    out[p].i[pos[p]++] = edges.i[e];
  }
  return { train: out[0], test: out[1], valid: out[2] };
}
