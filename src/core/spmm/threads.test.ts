/**
 * The kernel pool on 1, 2 and 3 threads (worker_threads): every kernel, a training epoch and an IFRU
 * request give the same bits on any thread count (each output element is computed by one thread, by
 * the same instructions in the same order), the kernels equal their float64 definitions, a fault on
 * a worker fails the job instead of hanging it, and stopping the pool ends every worker.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, randomGraph } from '../graph';
import { makeRng } from '../rng';
import { trainEmbeddings } from '../train';
import { DEFAULT_LIGHTGCN, type Dataset, type LightGCNConfig } from '../types';
import { tinyDataset } from '../data/tiny';
import { exactGradientAndHessian } from '../unlearn/hessian/hostHessian';
import { objectiveGradientHost } from '../unlearn/objective/hostObjective';
import { fixedNegatives, triplesOf } from '../unlearn/objective/objective';
import { DEFAULT_UNLEARN_OPTIONS, layer0, type AnyResult, methodByName, prepareRequest, prepareUnlearning } from '../unlearn';
import { solveHvp } from '../unlearn/hessian/cg';
import { propagateMeanJs, spmmJs } from './kernel';
import { propagateMeanCpu, spmmCpu } from '.';
import { TripleLayout } from './pooled';
import { KERNEL_ID, kernelPool, startThreads, stopThreads, threadStatus, useThreads, type Spawn } from './threads';

const THREADS = [1, 2, 3];
const exits: Promise<number>[] = [];
/** worker_threads, recording when each worker ends. */
const spawn: Spawn = (source) => {
  const w = new Worker(source, { eval: true });
  w.unref();
  exits.push(new Promise((resolve) => w.once('exit', resolve)));
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => void w.on('message', f),
    onError: (f) => void w.on('error', f),
    terminate: () => w.terminate(),
  };
};

/** f() on 1, 2 and 3 threads; the results, after checking that threads really ran. */
function onEachCount<T>(f: () => T): T[] {
  const pool = kernelPool()!;
  return THREADS.map((t) => {
    useThreads(t);
    const before = pool.parallelJobs;
    const r = f();
    expect(pool.parallelJobs > before).toBe(t > 1);
    return r;
  });
}
async function onEachCountAsync<T>(f: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const t of THREADS) {
    useThreads(t);
    out.push(await f());
  }
  return out;
}

function expectSameBits(runs: ArrayLike<number>[]): void {
  for (const r of runs.slice(1)) {
    expect(r.length).toBe(runs[0].length);
    let diff = 0;
    for (let k = 0; k < r.length; k++) if (!Object.is(r[k], runs[0][k])) diff++;
    expect(diff).toBe(0);
  }
}

const normals = (n: number, seed: string) => {
  const rng = makeRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
};

describe('kernel pool on 1, 2 and 3 threads', () => {
  let pool: ReturnType<typeof kernelPool>;
  beforeAll(async () => {
    pool = kernelPool();
    const s = await startThreads({ threads: 3, spawn, cores: 2 });
    expect(s).toMatchObject({ threads: 3, sharedMemory: true });
    // Split every job, however small: the test graphs are far below the work threshold.
    pool!.minWorkPerThread = 0;
  });
  afterAll(async () => {
    pool!.minWorkPerThread = 1 << 16;
    await stopThreads();
  });

  it('SpMM and propagation: the same bits on every count, equal to the plain-JS kernels', () => {
    const g = randomGraph(50, 80, 900, 3);
    const d = 32;
    const x = normals(g.n * d, 'x');
    const spmm = onEachCount(() => spmmCpu(g, x, d));
    const prop = onEachCount(() => propagateMeanCpu(g, x, d, 3));
    expectSameBits(spmm);
    expectSameBits(prop);
    const js = spmmJs(g, x, d);
    const pj = propagateMeanJs(g, x, d, 3);
    for (let k = 0; k < js.length; k++) {
      expect(Math.abs(spmm[0][k] - js[k])).toBeLessThan(1e-5 * (1 + Math.abs(js[k])));
      expect(Math.abs(prop[0][k] - pj[k])).toBeLessThan(1e-5 * (1 + Math.abs(pj[k])));
    }
  });

  it('triple passes: scores, the gradient gather and the Hessian gather equal their definitions on every count', () => {
    const p = pool!;
    const d = 8, nUsers = 6, nItems = 9, n = nUsers + nItems, m = 70;
    const rng = makeRng('triples');
    // Repeated rows; triple 5 has its negative equal to its positive (both roles on one row).
    const users = Int32Array.from({ length: m }, () => rng.int(nUsers));
    const pos = Int32Array.from({ length: m }, () => rng.int(nItems));
    const neg = Int32Array.from({ length: m }, () => rng.int(nItems));
    neg[5] = pos[5];
    const layout = new TripleLayout(p, n, m).set(nUsers, users, pos, neg);
    const X = normals(n * d, 'X'), Y = normals(n * d, 'Y'), A = normals(m, 'A'), B = normals(m, 'B');
    const [pX, pY, pA, pB, pOut, pW] = [n * d, n * d, m, m, n * d, m].map((f) => p.alloc(f * 4));
    p.f32(pX, n * d).set(X);
    p.f32(pY, n * d).set(Y);
    p.f32(pA, m).set(A);
    p.f32(pB, m).set(B);
    try {
      const row = (T: Float32Array, v: number) => T.subarray(v * d, v * d + d);
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, c) => s + x * b[c], 0);
      const diff = (a: Float32Array, b: Float32Array) => a.map((x, c) => x - b[c]);
      const rows = (z: number) => [users[z], nUsers + pos[z], nUsers + neg[z]];
      const dots = onEachCount(() => (layout.dots(pX, pW, d), p.f32(pW, m).slice()));
      expectSameBits(dots);
      for (let z = 0; z < m; z++) {
        const [u, i, j] = rows(z);
        const want = dot(row(X, u), diff(row(X, i), row(X, j)));
        expect(Math.abs(dots[0][z] - want)).toBeLessThan(1e-5 * (1 + Math.abs(want)));
      }
      const weights = onEachCount(() => (layout.hvpWeights(pX, pY, pA, pW, d), p.f32(pW, m).slice()));
      expectSameBits(weights);
      for (let z = 0; z < m; z++) {
        const [u, i, j] = rows(z);
        const want = A[z] * (dot(diff(row(X, i), row(X, j)), row(Y, u)) + dot(row(X, u), diff(row(Y, i), row(Y, j))));
        expect(Math.abs(weights[0][z] - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
      }
      for (const withY of [false, true]) {
        const got = onEachCount(() => {
          p.f32(pOut, n * d).fill(123); // every row is written, stale values included
          layout.gather(pX, pA, pOut, d, withY ? pY : undefined, withY ? pB : undefined);
          return p.f32(pOut, n * d).slice();
        });
        expectSameBits(got);
        const want = new Float64Array(n * d);
        for (let z = 0; z < m; z++) {
          const [u, i, j] = rows(z);
          for (let c = 0; c < d; c++) {
            let tu = A[z] * (X[i * d + c] - X[j * d + c]);
            let ti = A[z] * X[u * d + c];
            if (withY) {
              tu += B[z] * (Y[i * d + c] - Y[j * d + c]);
              ti += B[z] * Y[u * d + c];
            }
            want[u * d + c] += tu;
            want[i * d + c] += ti;
            want[j * d + c] -= ti;
          }
        }
        for (let k = 0; k < want.length; k++) expect(Math.abs(got[0][k] - want[k])).toBeLessThan(1e-4 * (1 + Math.abs(want[k])));
      }
    } finally {
      layout.release();
      for (const b of [pX, pY, pA, pB, pOut, pW]) p.release(b);
    }
  });

  it('the gradient and the exact Hessian of the influence objective: the same bits on every count', () => {
    const ds = tinyDataset(40, 60, 8, 6);
    const d = 16, layers = 3;
    const g = buildGraph(ds.nUsers, ds.nItems, ds.train);
    const theta = normals(g.n * d, 'theta').map((v) => 0.3 * v);
    const spec = { nUsers: ds.nUsers, layers, reg: 1e-3, n: ds.train.u.length };
    const t = triplesOf(ds.train, fixedNegatives(ds.nUsers, ds.nItems, ds.train, 3));
    const grads = onEachCount(() => objectiveGradientHost(g, theta, d, t, spec).grad);
    expectSameBits(grads);
    const E = propagateMeanCpu(g, theta, d, layers);
    const v = normals(g.n * d, 'v');
    const built = onEachCount(() => exactGradientAndHessian(g, theta, E, d, t, spec));
    expectSameBits(built.map((b) => b.grad));
    const products = onEachCount(() => built[0].hessian.hvpFull(v));
    expectSameBits(products);
    // …and each count's own Hessian gives those bits too.
    expectSameBits([products[0], ...built.slice(1).map((b) => b.hessian.hvpFull(v))]);
  });

  it('the CG solve\'s loops: the same bits on every count, and the solution of a known system', async () => {
    const n = 50_000;
    const diag = Float32Array.from({ length: n }, (_, k) => 1 + (k % 7) / 3);
    const b = normals(n, 'b');
    const mu = 0.5;
    const pool = kernelPool()!;
    const before = pool.parallelJobs;
    const runs = await onEachCountAsync(() => solveHvp((v) => v.map((x, k) => diag[k] * x), b, { damping: mu, maxIter: 40, tol: 1e-7 }));
    expect(pool.parallelJobs).toBeGreaterThan(before);
    expectSameBits(runs.map((r) => r.x));
    expect(runs[0].iters).toBeLessThan(40);
    for (let k = 0; k < n; k += 997) expect(runs[0].x[k]).toBeCloseTo(b[k] / (diag[k] + mu), 4);
  });

  const small = (): { ds: Dataset; cfg: LightGCNConfig } => ({
    // 320 nodes × 16: the solve's 5,120 unknowns run on the pool's CG kernels too.
    ds: { ...tinyDataset(120, 200, 10, 8), test: { u: new Int32Array(0), i: new Int32Array(0) } },
    cfg: { ...DEFAULT_LIGHTGCN, dim: 16, layers: 3, batch: 64, epochs: 2, lr: 0.01, evalEvery: 0 },
  });

  it('a training epoch: the same embeddings and losses on every count', async () => {
    const { ds, cfg } = small();
    const runs = await onEachCountAsync(() => trainEmbeddings(ds, cfg, { engine: 'typed' }));
    expectSameBits(runs.map((r) => r.E0));
    expectSameBits(runs.map((r) => r.reports.map((e) => e.loss)));
  });

  it('an IFRU request: the same update on every count', async () => {
    const { ds, cfg } = small();
    useThreads(1);
    const trained = await trainEmbeddings(ds, cfg, { engine: 'typed' });
    const prep = await prepareUnlearning(ds, trained, cfg);
    const ifru = methodByName('ifru');
    const request = () => ifru.run({ prep, req: prepareRequest(prep, { kind: 'user', user: 7 }), options: DEFAULT_UNLEARN_OPTIONS });
    const runs = await onEachCountAsync<AnyResult>(request);
    expect(runs[0].hvps).toBeGreaterThan(0);
    expectSameBits(runs.map(layer0));
    prep.dispose();
  });

  it('the workers alone give the same bits (the caller taking no chunk)', () => {
    const p = pool!;
    const g = randomGraph(50, 80, 900, 4);
    const x = normals(g.n * 16, 'workers');
    useThreads(1);
    const here = propagateMeanCpu(g, x, 16, 3);
    useThreads(3);
    const before = p.workerChunks;
    p.callerClaims = false;
    try {
      expectSameBits([here, propagateMeanCpu(g, x, 16, 3)]);
    } finally {
      p.callerClaims = true;
    }
    expect(p.workerChunks - before).toBeGreaterThanOrEqual(3 * 2 * 4); // every chunk of the 3 layers
  });

  it('a kernel that faults on a worker fails the job (and the pool goes on)', () => {
    const p = pool!;
    useThreads(2);
    const beyond = p.memory.buffer.byteLength + (1 << 20);
    const spmm = (at: number) => [KERNEL_ID.spmm, at, at, at, at, at, 0, 4, 64];
    p.callerClaims = false;
    try {
      expect(() => p.run([spmm(beyond), spmm(beyond)])).toThrow(/worker thread/);
    } finally {
      p.callerClaims = true;
    }
    expect(() => p.run([spmm(beyond), spmm(beyond)])).toThrow();
    const g = randomGraph(5, 5, 12, 1);
    expect(Array.from(propagateMeanCpu(g, new Float32Array(g.n * 16).fill(1), 16, 2)).every(Number.isFinite)).toBe(true);
  });

  it('frees what a request took', async () => {
    const p = pool!;
    const { ds, cfg } = small();
    const g = buildGraph(ds.nUsers, ds.nItems, ds.train);
    const x = normals(g.n * cfg.dim, 'leak');
    propagateMeanCpu(g, x, cfg.dim, 3); // makes the graph resident
    const before = p.allocatedBytes;
    onEachCount(() => propagateMeanCpu(g, x, cfg.dim, 3));
    objectiveGradientHost(g, x, cfg.dim, triplesOf(ds.train, fixedNegatives(ds.nUsers, ds.nItems, ds.train, 1)), {
      nUsers: ds.nUsers,
      layers: 3,
      reg: 1e-4,
      n: ds.train.u.length,
    });
    await trainEmbeddings(ds, { ...cfg, epochs: 1 }, { engine: 'typed', graph: g });
    expect(p.allocatedBytes).toBe(before);
  });
});

describe('stopping the pool', () => {
  it('ends every worker, and the kernels go on on one thread', async () => {
    const started = exits.length;
    const s = await startThreads({ threads: 2, spawn, cores: 2 });
    expect(s.threads).toBe(2);
    expect(exits.length).toBe(started + 1);
    await stopThreads();
    expect(await Promise.all(exits)).toEqual(exits.map(() => expect.any(Number)));
    expect(threadStatus().threads).toBe(1);
    expect(kernelPool()!.workerCount).toBe(0);
    const g = randomGraph(4, 4, 8, 2);
    expect(propagateMeanCpu(g, new Float32Array(g.n * 16).fill(1), 16, 1).length).toBe(g.n * 16);
  });

  it('says why one thread runs', async () => {
    expect((await startThreads({ threads: 1, spawn, cores: 2 })).reason).toMatch(/one thread: one asked for/);
    expect((await startThreads({ threads: 'auto', spawn, cores: 1 })).reason).toMatch(/one core/);
    expect((await startThreads({ threads: 2, cores: 2, spawn: () => { throw new Error('no workers today'); } })).reason).toMatch(/no workers today/);
    const g = globalThis as { crossOriginIsolated?: boolean };
    g.crossOriginIsolated = false;
    try {
      expect((await startThreads({ threads: 2, spawn, cores: 2 })).reason).toMatch(/not cross-origin isolated/);
    } finally {
      delete g.crossOriginIsolated;
    }
  });
});
