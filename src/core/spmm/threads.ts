/**
 * A pool of threads running the WebAssembly SIMD kernels of ./poolKernels on one shared memory.
 *
 * The calling thread owns the memory and the allocator; `run(chunks)` publishes a job of chunks (each
 * a list of kernel calls on one range of rows or triples), takes chunks itself and waits for the rest
 * with Atomics.wait — so callers stay synchronous (CG, L-BFGS, the gradient). Threads CLAIM chunks
 * (compare-and-swap on one word holding the job's tag and the next chunk), so a worker that the OS has
 * not scheduled costs the job nothing: the caller takes its chunks. Workers sit in Atomics.wait between
 * jobs (after a short spin) and never allocate.
 *
 * Threads need: WebAssembly SIMD, a SharedArrayBuffer-backed (shared) WebAssembly.Memory — in a page
 * only when it is cross-origin isolated (COOP/COEP headers) — workers, and a calling thread that may
 * block (Atomics.wait is refused on a page's main thread; the engine runs in a worker, Node anywhere).
 * Without them the same kernels run on the calling thread alone (a plain memory where a shared one
 * cannot be made), and `threadStatus()` says why: the badge and the CLI's JSON report it.
 */
import { KERNEL_ID, POOL_KERNELS, poolModuleBytes } from './poolKernels';

/** A started worker, as the platform gives it (worker_threads in Node, a Worker in a browser). */
export interface ThreadPort {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onError(listener: (error: unknown) => void): void;
  terminate(): Promise<unknown> | void;
}
/** Starts a worker running `source` (classic script / CommonJS). */
export type Spawn = (source: string) => ThreadPort;

export interface ThreadStatus {
  /** Threads that run the kernels (the calling thread included). */
  threads: number;
  /** Why that many (always said, most of all when it is one). */
  reason: string;
  /** The memory is shared (a precondition of threads). */
  sharedMemory: boolean;
}

const PAGE = 65536;
const MAX_THREADS = 32;
/** Chunks per thread in a job: enough that a late or busy thread leaves little for the others to wait on. */
const CHUNKS_PER_THREAD = 4;
const MAX_CHUNKS = 256;
const PROG_INTS = 1 << 16;
// Control block (int indices): generation (wakes workers), chunks done, stop flag, error flag, threads
// in use, chunk count, the claim word ((job tag << 16) | next chunk), then each chunk's program offset,
// then the programs.
const GEN = 0, DONE = 1, STOP = 2, ERR = 3, ACTIVE = 4, NCHUNK = 5, CLAIM = 6, OFFS = 16, PROG = OFFS + MAX_CHUNKS;
const CTL_BYTES = (PROG + PROG_INTS) * 4;
const HEAP_START = (CTL_BYTES + 63) & ~63;
/** Worker spin before Atomics.wait (loads of the generation word): covers the gaps between the phases of
 *  one step (tens of µs) without burning a core between requests. */
const SPIN = 20000;
/** A job that makes no progress for this long means a worker died: fail instead of hanging. */
const STALL_MS = 60_000;

// The worker: instantiate the kernels on the shared memory, say ready, then claim and run chunks of
// each job until told to stop.
const WORKER_SOURCE = `'use strict';
var isNode = typeof self === 'undefined';
var port = isNode ? require('node:worker_threads').parentPort : null;
function send(m) { if (isNode) port.postMessage(m); else postMessage(m); }
function exec(I32, pc, fns, argc) {
  for (;;) {
    var id = I32[pc];
    if (id < 0) return;
    var n = argc[id], a = pc + 1;
    fns[id].apply(null, Array.prototype.slice.call(I32, a, a + n));
    pc = a + n;
  }
}
function setup(msg) {
  var I32, fns;
  try {
    var inst = new WebAssembly.Instance(msg.module, { env: { mem: msg.memory } });
    fns = msg.names.map(function (n) { return inst.exports[n]; });
    I32 = new Int32Array(msg.memory.buffer);
  } catch (e) {
    send({ error: String((e && e.message) || e) });
    return;
  }
  send({ ready: true });
  var c = msg.ctl >> 2, me = msg.index, seen = Atomics.load(I32, c + ${GEN});
  for (;;) {
    var g = Atomics.load(I32, c + ${GEN});
    for (var s = 0; g === seen && s < ${SPIN}; s++) g = Atomics.load(I32, c + ${GEN});
    if (g === seen) { Atomics.wait(I32, c + ${GEN}, seen); continue; }
    seen = g;
    if (Atomics.load(I32, c + ${STOP}) !== 0) break;
    if (me + 1 >= Atomics.load(I32, c + ${ACTIVE})) continue;
    var tag = Atomics.load(I32, c + ${CLAIM}) >>> 16;
    for (;;) {
      var w = Atomics.load(I32, c + ${CLAIM});
      if (w >>> 16 !== tag || (w & 0xffff) >= Atomics.load(I32, c + ${NCHUNK})) break;
      if (Atomics.compareExchange(I32, c + ${CLAIM}, w, (w + 1) | 0) !== w) continue;
      try { exec(I32, Atomics.load(I32, c + ${OFFS} + (w & 0xffff)), fns, msg.argc); } catch (e) { Atomics.store(I32, c + ${ERR}, 1); }
      Atomics.add(I32, c + ${DONE}, 1);
      Atomics.notify(I32, c + ${DONE});
    }
  }
  send({ stopped: true });
  if (!isNode) close();
}
if (isNode) port.once('message', setup);
else onmessage = function (e) { onmessage = null; setup(e.data); };
`;

type KernelFn = (...args: number[]) => void;

/** The memory, its allocator and the kernels on the calling thread; workers are attached by startThreads. */
export class KernelPool {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  readonly module: WebAssembly.Module;
  private readonly fns: KernelFn[];
  private readonly argc: number[];
  private free: { addr: number; size: number }[] = [];
  private readonly sizes = new Map<number, number>();
  private workers: ThreadPort[] = [];
  private active = 1;
  private gen = 0;
  /** Below this much work per chunk (in units the caller states: multiply-adds), a job has fewer chunks,
   *  down to one (run on the calling thread: waking a worker costs more). Results do not depend on it:
   *  every split gives the same bits. */
  minWorkPerThread = 1 << 16;
  /** Jobs published to the workers so far (a test hook: did the threads run?). */
  parallelJobs = 0;
  /** false: the calling thread takes no chunks and only waits (a test hook: the workers do everything). */
  callerClaims = true;
  /** Chunks the workers ran so far (a test hook). */
  get workerChunks(): number {
    return this.chunksByWorkers;
  }
  private chunksByWorkers = 0;

  constructor(memory: WebAssembly.Memory, shared: boolean, module: WebAssembly.Module) {
    this.memory = memory;
    this.shared = shared;
    this.module = module;
    const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
    this.fns = POOL_KERNELS.map((k) => instance.exports[k.name] as KernelFn);
    this.argc = POOL_KERNELS.map((k) => k.params);
    const bytes = memory.buffer.byteLength;
    this.free.push({ addr: HEAP_START, size: bytes - HEAP_START });
  }

  /** Threads a job may use now (the calling thread included). */
  get threads(): number {
    return this.active;
  }

  /** Workers attached (threads − 1 at most). */
  get workerCount(): number {
    return this.workers.length;
  }

  // ---- memory ---------------------------------------------------------------------------------

  /** `bytes` bytes, 64-byte aligned (a cache line: threads writing neighbouring blocks do not share one). */
  alloc(bytes: number): number {
    const size = Math.max(64, (bytes + 63) & ~63);
    for (let k = 0; k < this.free.length; k++) {
      const f = this.free[k];
      if (f.size < size) continue;
      const addr = f.addr;
      f.addr += size;
      f.size -= size;
      if (f.size === 0) this.free.splice(k, 1);
      this.sizes.set(addr, size);
      return addr;
    }
    const end = this.memory.buffer.byteLength;
    const last = this.free.at(-1);
    const tail = last && last.addr + last.size === end ? last.size : 0;
    const need = size - tail;
    // Grow at least by half the memory: many small grows would each move a plain memory.
    const pages = Math.max(Math.ceil(need / PAGE), Math.ceil(end / PAGE / 2));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(Math.ceil(need / PAGE));
      } catch {
        throw new Error(`kernel memory exhausted: ${Math.round(end / 2 ** 20)} MB in use, ${Math.round(size / 2 ** 20)} MB more needed`);
      }
    }
    const grown = this.memory.buffer.byteLength - end;
    if (tail) last!.size += grown;
    else this.free.push({ addr: end, size: grown });
    return this.alloc(bytes);
  }

  /** Returns a block from alloc. */
  release(addr: number): void {
    const size = this.sizes.get(addr);
    if (size === undefined) throw new Error(`release: ${addr} is not an allocated block`);
    this.sizes.delete(addr);
    let k = 0;
    while (k < this.free.length && this.free[k].addr < addr) k++;
    this.free.splice(k, 0, { addr, size });
    const next = this.free[k + 1];
    if (next && addr + size === next.addr) {
      this.free[k].size += next.size;
      this.free.splice(k + 1, 1);
    }
    const prev = this.free[k - 1];
    if (prev && prev.addr + prev.size === addr) {
      prev.size += this.free[k].size;
      this.free.splice(k, 1);
    }
  }

  /** Bytes allocated now (a test hook for leaks). */
  get allocatedBytes(): number {
    let s = 0;
    for (const v of this.sizes.values()) s += v;
    return s;
  }

  // Views are made fresh on every call: growing a plain memory detaches the old buffer.
  f32(addr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, addr, length);
  }
  i32(addr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, addr, length);
  }
  f64(addr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, addr, length);
  }

  // ---- jobs -----------------------------------------------------------------------------------

  /** How many chunks a job of `work` units should be cut into: CHUNKS_PER_THREAD per thread in use, fewer
   *  when a chunk would hold less than minWorkPerThread, one on one thread. */
  split(work: number): number {
    if (this.active === 1) return 1;
    const byWork = Math.floor(work / Math.max(1, this.minWorkPerThread));
    return Math.max(1, Math.min(MAX_CHUNKS, this.active * CHUNKS_PER_THREAD, byWork));
  }

  /**
   * Runs every chunk (a flat list of kernel calls: id, then that kernel's arguments) once, on whichever
   * thread claims it, the calling thread included, and returns when all are done. No two chunks write
   * the same memory, so no order between them matters.
   */
  run(chunks: number[][]): void {
    const N = chunks.length;
    if (N > MAX_CHUNKS) throw new Error(`run: ${N} chunks (at most ${MAX_CHUNKS})`);
    if (this.active === 1 || N === 1) {
      for (const c of chunks) this.exec(c);
      return;
    }
    this.parallelJobs++;
    const ctl = this.i32(0, CTL_BYTES / 4);
    let at = PROG;
    for (let k = 0; k < N; k++) {
      const prog = chunks[k];
      if (at + prog.length + 1 > PROG + PROG_INTS) throw new Error('run: programs too long');
      ctl[OFFS + k] = at;
      ctl.set(prog, at);
      ctl[at + prog.length] = -1;
      at += prog.length + 1;
    }
    const tag = (this.gen = (this.gen + 1) & 0x7fff) || (this.gen = 1);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ACTIVE, this.active);
    Atomics.store(ctl, NCHUNK, N);
    Atomics.store(ctl, CLAIM, tag << 16);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    let failure: unknown = null;
    let mine = 0;
    while (this.callerClaims) {
      const w = Atomics.load(ctl, CLAIM);
      const k = w & 0xffff;
      if (k >= N) break;
      if (Atomics.compareExchange(ctl, CLAIM, w, (w + 1) | 0) !== w) continue;
      mine++;
      try {
        this.exec(chunks[k]);
      } catch (e) {
        failure ??= e;
      }
    }
    const want = N - mine;
    let done = Atomics.load(ctl, DONE);
    for (let s = 0; done < want && s < SPIN; s++) done = Atomics.load(ctl, DONE);
    let since = performance.now();
    while (done < want) {
      Atomics.wait(ctl, DONE, done, 1000);
      const now = Atomics.load(ctl, DONE);
      if (now !== done) since = performance.now();
      else if (performance.now() - since > STALL_MS) throw new Error('a kernel thread stopped responding');
      done = now;
    }
    this.chunksByWorkers += want;
    if (Atomics.load(ctl, ERR) !== 0) {
      Atomics.store(ctl, ERR, 0);
      throw new Error('a kernel failed on a worker thread (out-of-bounds access?)');
    }
    if (failure) throw failure;
  }

  private exec(prog: number[]): void {
    const { fns, argc } = this;
    for (let pc = 0; pc < prog.length; ) {
      const id = prog[pc];
      const n = argc[id];
      fns[id](...prog.slice(pc + 1, pc + 1 + n));
      pc += 1 + n;
    }
  }

  // ---- workers --------------------------------------------------------------------------------

  /** Starts workers until `threads` run (the calling thread included); resolves with the count reached. */
  async attach(threads: number, spawn: Spawn): Promise<{ threads: number; error?: string }> {
    const want = Math.min(MAX_THREADS, threads) - 1;
    const started: Promise<string | null>[] = [];
    for (let index = this.workers.length; index < want; index++) {
      let port: ThreadPort;
      try {
        port = spawn(WORKER_SOURCE);
      } catch (e) {
        started.push(Promise.resolve(`could not start a worker: ${message(e)}`));
        break;
      }
      this.workers.push(port);
      started.push(
        new Promise<string | null>((resolve) => {
          port.onMessage((m) => {
            const msg = m as { ready?: boolean; error?: string };
            if (msg.ready) resolve(null);
            else if (msg.error) resolve(msg.error);
          });
          port.onError((e) => resolve(`worker failed: ${message(e)}`));
        }),
      );
      port.post({
        module: this.module,
        memory: this.memory,
        ctl: 0,
        index: index,
        names: POOL_KERNELS.map((k) => k.name),
        argc: this.argc,
      });
    }
    const errors = (await Promise.all(started)).filter((e): e is string => e !== null);
    if (errors.length) {
      await this.detach();
      return { threads: 1, error: errors[0] };
    }
    this.active = this.workers.length + 1;
    return { threads: this.active };
  }

  /** Uses `n` threads from now on (1 … workers + 1): the benches compare thread counts in one process. */
  use(n: number): void {
    if (!(Number.isInteger(n) && n >= 1 && n <= this.workers.length + 1)) {
      throw new Error(`threads must be 1…${this.workers.length + 1}, got ${n}`);
    }
    this.active = n;
  }

  /** Stops and ends every worker; the kernels keep running on the calling thread. */
  async detach(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    this.active = 1;
    if (!workers.length) return;
    const ctl = this.i32(0, CTL_BYTES / 4);
    Atomics.store(ctl, STOP, 1);
    Atomics.store(ctl, GEN, ++this.gen);
    Atomics.notify(ctl, GEN);
    await Promise.all(workers.map((w) => w.terminate()));
    Atomics.store(ctl, STOP, 0);
  }
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

// ---- the process's pool ---------------------------------------------------------------------

let pool: KernelPool | null | undefined;
let status: ThreadStatus = { threads: 1, reason: 'one thread: threads not started', sharedMemory: false };

/** Why this context cannot run threads, or null. */
function threadsUnavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  if (g.crossOriginIsolated === false) {
    return 'not cross-origin isolated (the page is served without the COOP/COEP headers that enable SharedArrayBuffer)';
  }
  if (typeof g.SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer here';
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
  } catch {
    return 'this thread may not block (Atomics.wait is refused on a page’s main thread)';
  }
  return null;
}

function createPool(): KernelPool | null {
  if (typeof WebAssembly === 'undefined') return null;
  const initialPages = Math.ceil(HEAP_START / PAGE) + 63;
  const attempts: { shared: boolean; maximumPages: number }[] = [];
  if (!threadsUnavailable()) attempts.push({ shared: true, maximumPages: 32768 }, { shared: true, maximumPages: 8192 });
  attempts.push({ shared: false, maximumPages: 65536 });
  for (const { shared, maximumPages } of attempts) {
    try {
      const bytes = poolModuleBytes({ shared, initialPages, maximumPages });
      if (!WebAssembly.validate(bytes)) continue;
      const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared });
      return new KernelPool(memory, shared, new WebAssembly.Module(bytes));
    } catch {
      /* try the next */
    }
  }
  return null;
}

/** The process's kernel pool (one thread until startThreads attaches workers), or null where
 *  WebAssembly SIMD is unavailable (callers then use the plain-JS kernels). */
export function kernelPool(): KernelPool | null {
  if (pool === undefined) {
    pool = createPool();
    status = pool
      ? { threads: 1, reason: 'one thread: threads not started', sharedMemory: pool.shared }
      : { threads: 1, reason: 'one thread: no WebAssembly SIMD here (plain-JS kernels)', sharedMemory: false };
  }
  return pool;
}

/** The default spawner where the platform has Worker (a browser, or a worker in one): blob URLs. */
function webSpawn(): Spawn | null {
  const g = globalThis as unknown as {
    Worker?: new (url: string) => { postMessage(m: unknown): void; terminate(): void; onmessage: unknown; onerror: unknown };
    Blob?: new (parts: string[], opts: { type: string }) => unknown;
    URL?: { createObjectURL(b: unknown): string };
  };
  if (!g.Worker || !g.Blob || !g.URL?.createObjectURL) return null;
  const { Worker, Blob, URL } = g as Required<typeof g>;
  return (source) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const w = new Worker(url);
    return {
      post: (m) => w.postMessage(m),
      onMessage: (f) => void (w.onmessage = (e: { data: unknown }) => f(e.data)),
      onError: (f) => void (w.onerror = (e: { message?: string }) => f(new Error(e.message ?? 'worker error'))),
      terminate: () => w.terminate(),
    };
  };
}

export interface ThreadRequest {
  /** Threads wanted, the calling thread included; 'auto': one per core. */
  threads?: number | 'auto';
  /** The machine's cores (default: navigator.hardwareConcurrency). */
  cores?: number;
  /** How to start a worker (default: a Worker from a blob URL where the platform has Worker). */
  spawn?: Spawn;
}

/**
 * Attaches workers so that `threads` threads run the kernels (auto: one per core), or says why one
 * thread runs. Idempotent: a second call with another count stops the old workers first.
 */
export async function startThreads(req: ThreadRequest = {}): Promise<ThreadStatus> {
  const p = kernelPool();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const cores = Math.max(1, req.cores ?? nav?.hardwareConcurrency ?? 1);
  const auto = req.threads === undefined || req.threads === 'auto';
  const want = auto ? cores : Math.max(1, Math.floor(req.threads as number));
  const one = (why: string): ThreadStatus => (status = { threads: 1, reason: `one thread: ${why}`, sharedMemory: p?.shared ?? false });
  if (!p) return one('no WebAssembly SIMD here (plain-JS kernels)');
  if (p.workerCount + 1 !== want) await p.detach();
  if (want === 1) return one(auto ? 'this machine has one core' : 'one asked for (--threads 1)');
  const why = threadsUnavailable();
  if (why || !p.shared) return one(why ?? 'shared WebAssembly memory unavailable');
  const spawn = req.spawn ?? webSpawn();
  if (!spawn) return one('no worker threads on this platform');
  const got = p.workerCount + 1 === want ? { threads: want } : await p.attach(want, spawn);
  if (got.threads === 1) return one(`workers failed to start (${'error' in got ? got.error : 'unknown'})`);
  const capped = got.threads < want ? ` (capped at ${got.threads})` : '';
  status = {
    threads: got.threads,
    reason: auto ? `${got.threads} threads, one per core${capped}` : `${got.threads} threads as asked${capped}`,
    sharedMemory: true,
  };
  return status;
}

/** Stops the workers (tests, the end of a bench); the kernels go on on the calling thread. */
export async function stopThreads(): Promise<void> {
  if (pool) await pool.detach();
  status = { ...status, threads: 1, reason: 'one thread: threads stopped' };
}

/** Runs the kernels on `n` of the started threads (the benches interleave 1 and 2). */
export function useThreads(n: number): void {
  const p = kernelPool();
  if (!p) {
    if (n !== 1) throw new Error('no kernel pool here');
    return;
  }
  p.use(n);
}

/** How many threads run the kernels, and why. */
export function threadStatus(): ThreadStatus {
  const p = pool;
  return p && p.threads !== status.threads ? { ...status, threads: p.threads, reason: `${p.threads} of ${p.workerCount + 1} started threads (set by the bench)` } : status;
}

export { KERNEL_ID };
