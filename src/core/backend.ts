/**
 * Backend choice: try the backends in order, keep the first that initialises AND whose sparse
 * kernels agree with the typed-array reference on a small random graph (selfCheck). The
 * `reason` says why the winner won and why the others lost, for the UI's badge.
 */
import * as tf from '@tensorflow/tfjs';
// Registers the wasm backend (in the browser the worker says where its binaries are served).
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { randomGraph } from './graph';
import { bprLoss, propagate } from './lightgcn';
import { makeRng } from './rng';
import {
  gatherRows,
  graphTensors,
  propagateMean,
  propagateMeanCpu,
  registerSpmmKernels,
  rowDot,
  scatterAddRows,
  scatterAddRowsCpu,
  spmm,
  spmmCpu,
  type GraphTensors,
} from './spmm';

import { DEFAULT_BACKEND_ORDER } from './backendOrder';
import { threadStatus, type ThreadStatus } from './spmm/threads';

export { DEFAULT_BACKEND_ORDER };

export interface BackendAttempt {
  name: string;
  ok: boolean;
  ms?: number;
  error?: string;
}

export interface BackendSelection {
  backend: string;
  reason: string;
  tried: BackendAttempt[];
}

/** The backend that runs and why (the UI's badge, the CLI's log line). */
export interface BackendInfo extends BackendSelection {
  /** Adapter description where webgpu initialised (e.g. "google swiftshader"). */
  adapter?: string;
  /** Threads of the WebAssembly kernels (SpMM, the triple passes, the typed training step) and why
   *  that many (src/core/spmm/threads.ts). */
  threads?: ThreadStatus;
  /** Threads of tfjs's own wasm backend when it runs (its threaded build loads where the page is
   *  cross-origin isolated; in Node tfjs never threads it). tfjs's default is half the logical cores,
   *  1 to 4: 1 on a 2-core machine, threaded build or not. */
  tfjsThreads?: number;
  /** True where tfjs's wasm backend runs its threaded build (Emscripten pthreads), false where its
   *  single-threaded one; absent off wasm. */
  tfjsThreaded?: boolean;
}

/** Our kernels' threads and, on wasm, tfjs's own and which of its builds runs. */
function threadsInfo(backend: string): Pick<BackendInfo, 'threads' | 'tfjsThreads' | 'tfjsThreaded'> {
  let tfjs: Pick<BackendInfo, 'tfjsThreads' | 'tfjsThreaded'> = {};
  try {
    // The flag tfjs read (asynchronously, once) to pick its binary when the backend initialised.
    if (backend === 'wasm') tfjs = { tfjsThreads: getThreadsCount(), tfjsThreaded: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') };
  } catch {
    /* not initialised */
  }
  return { threads: threadStatus(), ...tfjs };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): boolean {
  if (got.length !== want.length) return false;
  for (let k = 0; k < want.length; k++) {
    if (!(Math.abs(got[k] - want[k]) <= tol * (1 + Math.abs(want[k])))) return false;
  }
  return true;
}

/**
 * Runs spmm, propagateMean, gatherRows, scatterAddRows and rowDot on the current backend on a small
 * random graph and compares them with the typed-array kernels (tolerance 1e-4).
 */
export async function selfCheck(): Promise<boolean> {
  registerSpmmKernels();
  const g = randomGraph(9, 14, 60, 17);
  const d = 12; // one 8-column block and a remainder on the CPU path
  const rng = makeRng(18);
  const xs = Float32Array.from({ length: g.n * d }, () => rng.normal());
  const idxs = Int32Array.from([3, 0, 3, g.n - 1, 7]);
  const gt = graphTensors(g);
  const x = tf.tensor2d(xs, [g.n, d]);
  const idx = tf.tensor1d(idxs, 'int32');
  const outs: tf.Tensor[] = [];
  try {
    const y = spmm(gt, x);
    const p = propagateMean(gt, x, 3);
    const rows = gatherRows(x, idx);
    const sc = scatterAddRows(rows, idx, g.n);
    const dots = rowDot(rows, rows);
    outs.push(y, p, rows, sc, dots);
    const [yv, pv, rv, sv, dv] = await Promise.all(outs.map((t) => t.data()));
    const wantRows = new Float32Array(idxs.length * d);
    idxs.forEach((r, b) => wantRows.set(xs.subarray(r * d, r * d + d), b * d));
    const wantDots = Array.from(idxs, (_, b) => wantRows.subarray(b * d, b * d + d).reduce((s, v) => s + v * v, 0));
    return (
      close(yv, spmmCpu(g, xs, d), 1e-4) &&
      close(pv, propagateMeanCpu(g, xs, d, 3), 1e-4) &&
      close(rv, wantRows, 1e-6) &&
      close(sv, scatterAddRowsCpu(wantRows, d, idxs, g.n), 1e-4) &&
      close(dv, wantDots, 1e-4)
    );
  } finally {
    tf.dispose([x, idx, ...outs]);
    gt.dispose();
  }
}

async function webgpuUnavailable(): Promise<string | null> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu) return 'WebGPU not supported here (navigator.gpu missing)';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no adapter';
  } catch (e) {
    return `requestAdapter failed: ${message(e)}`;
  }
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return `could not load the webgpu backend: ${message(e)}`;
  }
  return null;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Makes `name` the current backend with our kernels registered, or says why it cannot. */
async function activate(name: string): Promise<string | null> {
  if (name === 'webgpu') {
    const why = await webgpuUnavailable();
    if (why) return why;
  }
  if (!tf.findBackendFactory(name)) return 'backend not available in this build';
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    return `initialisation failed: ${message(e)}`;
  }
  if (!ok) return 'initialisation failed';
  registerSpmmKernels();
  if (!tf.getKernel('CsrSpmm', name)) return 'no sparse kernels for this backend';
  return null;
}

/**
 * Tries `preferred` in order (a forced choice goes first) and keeps the first backend that
 * initialises and passes selfCheck. Throws only if none does.
 */
export async function selectBackend(
  preferred: string[] = DEFAULT_BACKEND_ORDER,
): Promise<BackendSelection> {
  const order = [...new Set(preferred.length ? preferred : DEFAULT_BACKEND_ORDER)];
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    const t0 = performance.now();
    let error = await activate(name);
    if (!error) {
      try {
        if (!(await selfCheck())) error = 'self-check mismatch against the CPU reference';
      } catch (e) {
        error = `self-check failed: ${message(e)}`;
      }
    }
    const ms = performance.now() - t0;
    tried.push(error ? { name, ok: false, ms, error } : { name, ok: true, ms });
    if (!error) {
      const failed = tried.filter((t) => !t.ok).map((t) => `${t.name} failed: ${t.error}`);
      const reason = failed.length
        ? `${name}: first of [${order.join(', ')}] to pass the self-check (${failed.join('; ')})`
        : `${name}: first choice, self-check passed`;
      return { backend: name, reason, tried };
    }
  }
  throw new Error(`no usable backend: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

export interface BackendBenchmark {
  name: string;
  ok: boolean;
  /** Median wall time of one SpMM (including read-back) on the benchmark graph. */
  msPerSpmm?: number;
  /** Median wall time of one BPR loss + gradient through the 3-layer propagation (batch 2048):
   *  what the tfjs code paths (training on webgpu, influence functions) pay per step. */
  msPerStep?: number;
  error?: string;
}

/**
 * Times a few SpMMs (≈ nnz non-zeros × d, default 160k × 64, the size of a MovieLens-100K graph)
 * and a few BPR loss + gradient steps on each backend that activates and passes selfCheck, so
 * the app can run the fastest and say why. SpMM alone would mislead: cpu and wasm share the same
 * typed-array SpMM, but the tfjs cpu backend's other ops are far slower. Ranked by the step
 * time. Restores the backend that was current before.
 */
export async function benchmarkBackends(
  names: string[] = DEFAULT_BACKEND_ORDER,
  opts: { nnz?: number; dim?: number; repeats?: number } = {},
): Promise<{ fastest: string | null; reason: string; results: BackendBenchmark[] }> {
  const before = tf.getBackend();
  const dim = opts.dim ?? 64;
  const repeats = opts.repeats ?? 3;
  const g = randomGraph(943, 1682, Math.round((opts.nnz ?? 160_000) / 2), 5);
  const rng = makeRng(6);
  const xs = Float32Array.from({ length: g.n * dim }, () => rng.normal());
  const results: BackendBenchmark[] = [];
  const withGraph = async <T>(f: (gt: GraphTensors, x: tf.Tensor2D) => Promise<T>): Promise<T> => {
    const gt = graphTensors(g);
    const x = tf.tensor2d(xs, [g.n, dim]);
    try {
      return await f(gt, x);
    } finally {
      x.dispose();
      gt.dispose();
    }
  };
  // Pass 1: one SpMM per backend.
  for (const name of [...new Set(names)]) {
    let error = await activate(name);
    if (!error && !(await selfCheck().catch(() => false))) error = 'self-check mismatch against the CPU reference';
    if (error) {
      results.push({ name, ok: false, error });
      continue;
    }
    try {
      const msPerSpmm = await withGraph((gt, x) => medianTime(repeats, () => spmm(gt, x)));
      results.push({ name, ok: true, msPerSpmm });
    } catch (e) {
      results.push({ name, ok: false, error: message(e) });
    }
  }
  // Pass 2: training steps, fastest SpMM first; a backend whose 6 SpMMs (a step's propagation
  // forward and backward) already exceed the best step so far cannot win and is not stepped —
  // this keeps an emulated webgpu from costing seconds at start-up.
  const batch = Math.min(2048, g.indices.length);
  const users = Int32Array.from({ length: batch }, () => rng.int(g.nUsers));
  const pos = Int32Array.from({ length: batch }, () => rng.int(g.nItems));
  const neg = Int32Array.from({ length: batch }, () => rng.int(g.nItems));
  let bestStep = Infinity;
  for (const r of results.filter((q) => q.ok).sort((a, b) => a.msPerSpmm! - b.msPerSpmm!)) {
    if (6 * r.msPerSpmm! > bestStep) continue;
    try {
      await activate(r.name);
      r.msPerStep = await withGraph(async (gt, x) => {
        const [u, p, n] = [users, pos, neg].map((a) => tf.tensor1d(a, 'int32'));
        const step = (e: tf.Tensor) => bprLoss(propagate(gt, e as tf.Tensor2D, 3), e as tf.Tensor2D, g.nUsers, u, p, n, 1e-4);
        try {
          return await medianTime(repeats, () => tf.grad(step)(x));
        } finally {
          tf.dispose([u, p, n]);
        }
      });
      bestStep = Math.min(bestStep, r.msPerStep);
    } catch (e) {
      r.ok = false;
      r.error = message(e);
    }
  }
  if (before && tf.getBackend() !== before) await tf.setBackend(before);
  const rank = (r: BackendBenchmark) => (!r.ok ? 2 : r.msPerStep === undefined ? 1 : 0);
  results.sort((a, b) => rank(a) - rank(b) || (a.msPerStep ?? a.msPerSpmm ?? 0) - (b.msPerStep ?? b.msPerSpmm ?? 0));
  const best = results.find((r) => r.ok) ?? null;
  const describe = (r: BackendBenchmark) =>
    !r.ok
      ? `${r.name} unavailable (${r.error})`
      : r.msPerStep === undefined
        ? `${r.name} ${r.msPerSpmm!.toFixed(1)} ms/SpMM (too slow to step)`
        : `${r.name} ${r.msPerStep.toFixed(1)} ms/step (${r.msPerSpmm!.toFixed(1)} ms/SpMM)`;
  const reason = best ? `${best.name} is fastest: ${results.map(describe).join(', ')}` : 'no backend passed the self-check';
  return { fastest: best?.name ?? null, reason, results };
}

/**
 * The one backend choice of the worker and the CLI. `forced`: that backend, else the first of `order`
 * that passes the self-check (`strict`: no other — the CLI's --backend). Otherwise ("auto"): a
 * training step is timed on each backend of `order` and the fastest runs; without a GPU, WebGPU is
 * emulated and slower than the CPU kernels.
 */
export async function chooseBackend(
  forced: string | undefined,
  order: string[] = DEFAULT_BACKEND_ORDER,
  strict = false,
): Promise<BackendInfo> {
  if (forced) {
    const sel = await selectBackend(strict ? [forced] : [forced, ...order]);
    if (strict && sel.backend !== forced) throw new Error(`backend ${forced} is not available: ${sel.reason}`);
    return { ...sel, reason: sel.backend === forced ? `${forced}: chosen by you` : sel.reason, ...threadsInfo(sel.backend) };
  }
  const bench = await benchmarkBackends(order);
  const sel = await selectBackend(bench.fastest ? [bench.fastest, ...order] : order);
  return {
    backend: sel.backend,
    reason: bench.fastest === sel.backend ? `auto: ${bench.reason}` : sel.reason,
    tried: bench.results.map((r) => ({ name: r.name, ok: r.ok, ms: r.msPerSpmm, error: r.error })),
    ...threadsInfo(sel.backend),
  };
}

/** Median wall time of f() including read-back of its result; the first run only warms up. */
async function medianTime(repeats: number, f: () => tf.Tensor): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const t0 = performance.now();
    const y = f();
    await y.data();
    y.dispose();
    if (r > 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}
