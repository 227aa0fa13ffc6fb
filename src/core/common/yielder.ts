import { yieldToEventLoop } from '../train';

/**
 * Returns `pause()`: awaiting it yields to the event loop (so a worker sees cancel messages) when at
 * least `intervalMs` passed since the last yield, and is a resolved promise otherwise — loops whose
 * steps take microseconds would otherwise spend most of their time yielding.
 */
export function makeYielder(intervalMs = 15): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}
