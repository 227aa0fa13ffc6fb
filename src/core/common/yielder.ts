/** Yields to the event loop without the 4 ms clamp nested setTimeout(0) gets in browsers. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

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
