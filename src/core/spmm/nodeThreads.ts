/**
 * Threads for the kernels in Node (the CLI, the benches, the tests): worker_threads, one per core by
 * default. Imported only by Node entry points, never by the page's bundle.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { startThreads, type Spawn, type ThreadStatus } from './threads';

export const nodeSpawn: Spawn = (source) => {
  const w = new Worker(source, { eval: true });
  // A worker parked in Atomics.wait must not keep the process alive.
  w.unref();
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => void w.on('message', f),
    onError: (f) => void w.on('error', f),
    terminate: () => w.terminate(),
  };
};

/** Cores of this machine (what 'auto' means). */
export function nodeCores(): number {
  return availableParallelism();
}

/** startThreads with worker_threads; `threads` 'auto' (default): one per core. */
export function startNodeThreads(threads: number | 'auto' = 'auto'): Promise<ThreadStatus> {
  return startThreads({ threads, cores: nodeCores(), spawn: nodeSpawn });
}
