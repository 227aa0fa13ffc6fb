import type { Dataset, Edges } from '../types';
import { makeRng } from '../rng';
import { readForgetSpec } from './forgetSpec';

/** What to forget (docs/method.md#forget-requests). Ids are dense ids of the Dataset. */
export type ForgetRequest =
  | { kind: 'user'; user: number }
  | { kind: 'items'; user: number; items: number[] }
  | { kind: 'random'; fraction: number; seed: number };

/** The train set split into the forget set D_f and the remaining set D_r. */
export interface ForgetSplit {
  request: ForgetRequest;
  /** Indices into ds.train of D_f / D_r, ascending. */
  forgetIdx: Int32Array;
  keepIdx: Int32Array;
  forgotten: Edges;
  remaining: Edges;
  /** Users with at least one forgotten interaction, ascending. */
  users: Int32Array;
  /** Users left without any train interaction: whole-user deletions (docs/method.md#forget-requests). */
  removedUsers: Int32Array;
}

export function describeRequest(req: ForgetRequest, ds: Dataset): string {
  switch (req.kind) {
    case 'user':
      return `user ${ds.userIds[req.user]} (all interactions)`;
    case 'items':
      return `user ${ds.userIds[req.user]}: items ${req.items.map((i) => ds.itemIds[i]).join(',')}`;
    case 'random':
      return `random ${(req.fraction * 100).toFixed(2)}% of train (seed ${req.seed})`;
  }
}

function pick(edges: Edges, idx: Int32Array): Edges {
  const u = new Int32Array(idx.length);
  const i = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    u[k] = edges.u[idx[k]];
    i[k] = edges.i[idx[k]];
  }
  return { u, i };
}

/** Splits ds.train into D_f and D_r. Throws when the request forgets nothing or names unknown data. */
export function splitForget(ds: Dataset, req: ForgetRequest): ForgetSplit {
  const m = ds.train.u.length;
  const forget = new Uint8Array(m);
  if (req.kind === 'user') {
    checkUser(ds, req.user);
    for (let k = 0; k < m; k++) if (ds.train.u[k] === req.user) forget[k] = 1;
  } else if (req.kind === 'items') {
    checkUser(ds, req.user);
    const wanted = new Set(req.items);
    const found = new Set<number>();
    for (let k = 0; k < m; k++) {
      if (ds.train.u[k] === req.user && wanted.has(ds.train.i[k])) {
        forget[k] = 1;
        found.add(ds.train.i[k]);
      }
    }
    const missing = req.items.filter((i) => !found.has(i));
    if (missing.length > 0) {
      throw new Error(
        `items ${missing.map((i) => ds.itemIds[i] ?? String(i)).join(',')} are not train interactions of user ${ds.userIds[req.user]}`,
      );
    }
  } else {
    if (!(req.fraction > 0 && req.fraction < 1)) throw new Error(`random fraction must be in (0, 1), got ${req.fraction}`);
    const order = Array.from({ length: m }, (_, k) => k);
    makeRng(req.seed).shuffle(order);
    const count = Math.max(1, Math.round(req.fraction * m));
    for (let k = 0; k < count; k++) forget[order[k]] = 1;
  }
  let nf = 0;
  for (let k = 0; k < m; k++) nf += forget[k];
  if (nf === 0) throw new Error('the forget request selects no train interaction');
  const forgetIdx = new Int32Array(nf);
  const keepIdx = new Int32Array(m - nf);
  for (let k = 0, a = 0, b = 0; k < m; k++) {
    if (forget[k]) forgetIdx[a++] = k;
    else keepIdx[b++] = k;
  }
  const forgotten = pick(ds.train, forgetIdx);
  const remaining = pick(ds.train, keepIdx);
  const users = Int32Array.from(new Set(forgotten.u)).sort();
  const left = new Uint8Array(ds.nUsers);
  for (let k = 0; k < remaining.u.length; k++) left[remaining.u[k]] = 1;
  const removedUsers = users.filter((u) => !left[u]);
  return { request: req, forgetIdx, keepIdx, forgotten, remaining, users, removedUsers };
}

function checkUser(ds: Dataset, user: number): void {
  if (!Number.isInteger(user) || user < 0 || user >= ds.nUsers) throw new Error(`unknown user index ${user}`);
}

/** The data set with D_f removed from train (test unchanged). */
export function datasetWithout(ds: Dataset, split: ForgetSplit): Dataset {
  return { ...ds, train: split.remaining };
}

/** Resolves the text form (forgetSpec.ts: the grammar) against the data set's ids. `seed` seeds a random fraction. */
export function parseForgetSpec(spec: string, ds: Dataset, seed: number): ForgetRequest {
  const c = readForgetSpec(spec);
  if (c.mode === 'random') return { kind: 'random', fraction: c.fraction, seed };
  const user = ds.userIds.indexOf(c.user);
  if (user < 0) throw new Error(`unknown user id "${c.user}"`);
  if (c.mode === 'user') return { kind: 'user', user };
  if (c.items.length === 0) throw new Error('items: needs at least one item id');
  const items = c.items.map((id) => {
    const i = ds.itemIds.indexOf(id);
    if (i < 0) throw new Error(`unknown item id "${id}"`);
    return i;
  });
  return { kind: 'items', user, items };
}
