import * as Comlink from 'comlink';
import type { EngineApi } from '../workers/protocol';

let remote: Comlink.Remote<EngineApi> | null = null;

/** The one engine worker of the page; it lives as long as the page. */
export function engine(): Comlink.Remote<EngineApi> {
  if (!remote) {
    const worker = new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
    remote = Comlink.wrap<EngineApi>(worker);
    // A handle for the e2e tests and for curious users in the dev tools (e.g. __engine.loseDevice()).
    (globalThis as unknown as { __engine: unknown }).__engine = remote;
  }
  return remote;
}

export const proxy = Comlink.proxy;
