import { describe, expect, it } from 'vitest';
import { makeRng } from '../../rng';
import type { Dataset } from '../../types';
import { tinyDataset } from '../../data/tiny';
import { balancedInteractionPartition, balancedUserPartition, balanceLimit, randomUserPartition, shardsHolding, type Partition } from './partition';

/** 60 users in three groups of 20, each group's users near its own point of a 4-d space and with its own items. */
function grouped(): { ds: Dataset; emb: Float32Array; group: (u: number) => number } {
  const nUsers = 60, nItems = 30, d = 4;
  const rng = makeRng('grouped');
  const group = (u: number) => u % 3;
  const centre = (g: number, c: number) => (c === g ? 5 : 0);
  const emb = new Float32Array((nUsers + nItems) * d);
  for (let u = 0; u < nUsers; u++) for (let c = 0; c < d; c++) emb[u * d + c] = centre(group(u), c) + 0.3 * rng.normal();
  for (let i = 0; i < nItems; i++) for (let c = 0; c < d; c++) emb[(nUsers + i) * d + c] = centre(i % 3, c) + 0.3 * rng.normal();
  const u: number[] = [], it: number[] = [];
  for (let user = 0; user < nUsers; user++) for (let i = group(user); i < nItems; i += 3) if (rng.next() < 0.7 || i === group(user)) (u.push(user), it.push(i));
  const ds: Dataset = {
    ...tinyDataset(nUsers, nItems),
    train: { u: Int32Array.from(u), i: Int32Array.from(it) },
  };
  return { ds, emb, group };
}

/** Each user's interactions all lie in one shard; returns the user → shard map. */
function owners(p: Partition, ds: Dataset): Int32Array {
  const owner = new Int32Array(ds.nUsers).fill(-1);
  ds.train.u.forEach((u, z) => {
    expect(owner[u] === -1 || owner[u] === p.shardOf[z]).toBe(true);
    owner[u] = p.shardOf[z];
  });
  return owner;
}

describe('partitions', () => {
  const { ds, emb, group } = grouped();

  it('SISA deals the users at random into k shards, one shard per user, seeded', () => {
    const p = randomUserPartition(ds, 4, 7);
    owners(p, ds);
    expect(Math.max(...p.users) - Math.min(...p.users)).toBeLessThanOrEqual(1);
    expect(p.sizes.reduce((a, b) => a + b, 0)).toBe(ds.train.u.length);
    expect(randomUserPartition(ds, 4, 7).shardOf).toEqual(p.shardOf);
    expect(randomUserPartition(ds, 4, 8).shardOf).not.toEqual(p.shardOf);
    expect(() => randomUserPartition(ds, 1, 7)).toThrow(/≥ 2/);
  });

  it("RecEraser's user-based partition finds the groups the embeddings show, within the cap", () => {
    const p = balancedUserPartition(ds, emb, 4, 3, 1);
    const owner = owners(p, ds);
    for (const count of p.users) expect(count).toBeLessThanOrEqual(balanceLimit(ds.nUsers, 3));
    // One shard per group: users of a group share a shard, groups do not.
    for (let u = 0; u < ds.nUsers; u++) expect(owner[u]).toBe(owner[group(u)]);
    expect(new Set([owner[0], owner[1], owner[2]]).size).toBe(3);
    // A random partition does not.
    const r = owners(randomUserPartition(ds, 3, 1), ds);
    expect(Array.from({ length: ds.nUsers }, (_, u) => r[u] === r[group(u)]).every(Boolean)).toBe(false);
  });

  it('the cap holds where the embeddings would put everyone together', () => {
    const same = new Float32Array(emb.length).fill(1);
    const p = balancedUserPartition(ds, same, 4, 3, 1);
    for (const count of p.users) expect(count).toBeLessThanOrEqual(balanceLimit(ds.nUsers, 3));
    expect(balanceLimit(60, 3)).toBe(24);
  });

  it("the authors' interaction-based partition groups interactions by user and item, within the cap", () => {
    const p = balancedInteractionPartition(ds, emb, 4, 3, 1);
    for (const size of p.sizes) expect(size).toBeLessThanOrEqual(balanceLimit(ds.train.u.length, 3));
    // Interactions of a group's users with the group's items share a shard.
    const shardOfGroup = new Map<number, Set<number>>();
    ds.train.u.forEach((u, z) => {
      const set = shardOfGroup.get(group(u)) ?? new Set();
      set.add(p.shardOf[z]);
      shardOfGroup.set(group(u), set);
    });
    for (const set of shardOfGroup.values()) expect(set.size).toBe(1);
  });

  it('says which shards hold a set of interactions', () => {
    const p = randomUserPartition(ds, 4, 7);
    const zs = [0, 1, 2].map((u) => ds.train.u.indexOf(u));
    expect(shardsHolding(p, zs)).toEqual(Array.from(new Set(zs.map((z) => p.shardOf[z]))).sort());
  });
});
