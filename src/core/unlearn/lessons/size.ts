/**
 * The deletion-size lesson: how the fidelity of a one-shot update depends on how much is deleted.
 * One user's interactions in nested sets (one item, 10 %, 25 %, 50 % and all of them, in one seeded
 * order) and nested random fractions of all training interactions (0.1 %, 0.5 %, 2 %, one seeded
 * permutation), each against the proximal reference of the same model and μ (its D run is shared).
 * An influence step is a first-order answer: the larger the deletion against the graph, the larger
 * what it leaves out (docs/method.md, "When do influence functions work?").
 */
import { makeRng } from '../../rng';
import { throwIfCancelled, type CancelToken } from '../../types';
import { splitForget, type ForgetRequest } from '../../common/request';
import { prepareRequest, type UnlearnOptions, type UnlearnPrep } from '../context';
import { LESSON_METHODS, lessonPoint, type LessonPoint } from './point';

/** Shares of one user's interactions (0: a single item), and random fractions of all of them. */
export const SIZE_USER_SHARES = [0, 0.1, 0.25, 0.5, 1];
export const SIZE_RANDOM_FRACTIONS = [0.001, 0.005, 0.02];

export interface SizePoint extends LessonPoint {
  /** 'user': nested sets of one user's interactions; 'random': nested random fractions. */
  family: 'user' | 'random';
  /** The request in a few words. */
  request: string;
  /** |D_f| and |D_f| / |D|. */
  forgotten: number;
  share: number;
}

export interface SizeOptions {
  options: UnlearnOptions;
  methods?: readonly string[];
  userShares?: number[];
  randomFractions?: number[];
  token?: CancelToken;
  onProgress?: (fraction: number, message: string) => void;
}

/** The user whose interactions the lesson deletes: the request's, or for a random request the one it takes most from. */
export function sizeUser(prep: UnlearnPrep, request: ForgetRequest): number {
  if (request.kind !== 'random') return request.user;
  const f = splitForget(prep.ds, request).forgotten.u;
  const count = new Map<number, number>();
  for (const u of f) count.set(u, (count.get(u) ?? 0) + 1);
  return [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

/** The lesson's requests: one user's nested sets (smallest first), then the random fractions. */
export function sizeRequests(prep: UnlearnPrep, user: number, shares = SIZE_USER_SHARES, fractions = SIZE_RANDOM_FRACTIONS) {
  const { ds, cfg } = prep;
  const items: number[] = [];
  for (let k = 0; k < ds.train.u.length; k++) if (ds.train.u[k] === user) items.push(ds.train.i[k]);
  const order = makeRng(`size-lesson:${cfg.seed}`).shuffle(items);
  const counts = [...new Set(shares.map((s) => Math.min(order.length, Math.max(1, Math.round(s * order.length)))))].sort((a, b) => a - b);
  const out: { family: SizePoint['family']; request: ForgetRequest }[] = counts.map((c) => ({
    family: 'user',
    request: c === order.length ? { kind: 'user', user } : { kind: 'items', user, items: order.slice(0, c) },
  }));
  for (const fraction of fractions) out.push({ family: 'random', request: { kind: 'random', fraction, seed: cfg.seed } });
  return out;
}

export async function deletionSize(prep: UnlearnPrep, user: number, opts: SizeOptions): Promise<SizePoint[]> {
  const requests = sizeRequests(prep, user, opts.userShares, opts.randomFractions);
  const m = prep.ds.train.u.length;
  const points: SizePoint[] = [];
  for (const [k, { family, request }] of requests.entries()) {
    throwIfCancelled(opts.token);
    const req = prepareRequest(prep, request);
    const words =
      request.kind === 'random'
        ? `random ${+(request.fraction * 100).toPrecision(3)} % of the training data`
        : request.kind === 'user'
          ? `all of user ${prep.ds.userIds[user]}'s interactions`
          : `${request.items.length} of user ${prep.ds.userIds[user]}'s interactions`;
    try {
      const point = await lessonPoint(prep, req, {
        methods: opts.methods ?? LESSON_METHODS,
        options: opts.options,
        token: opts.token,
        onProgress: (f, what) => opts.onProgress?.((k + f) / requests.length, `${words}: ${what}`),
      });
      const forgotten = req.split.forgotten.u.length;
      points.push({ family, request: words, forgotten, share: forgotten / m, ...point });
    } finally {
      req.dispose();
    }
  }
  opts.onProgress?.(1, 'done');
  return points;
}
