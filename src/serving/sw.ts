/// <reference lib="webworker" />
/**
 * The service worker (built by vite-plugin-pwa's injectManifest into dist/sw.js, beside index.html, so
 * its scope is the folder the app is served from — the host's root or any sub-path). It does two jobs:
 *
 * 1. Offline after the first visit: Workbox precaches the app shell, the engine worker, the tfjs wasm
 *    binaries and the bundled data sets (the manifest injected at build time, with a revision per file),
 *    and serves them from the cache first. Any navigation inside the scope gets the shell (the experiment
 *    lives in the hash). A new deployment installs beside the running one and waits: the page offers
 *    "a new version is ready — reload" and sends SKIP_WAITING, so versions never mix.
 * 2. Isolation where the host sends no headers: every response it serves gets COOP/COEP
 *    (headers.ts), so after one reload the page is `crossOriginIsolated` (src/serving/register.ts).
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute, setDefaultHandler } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import type { WorkboxPlugin } from 'workbox-core/types';
import { withIsolationHeaders } from './headers';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

const isolate: WorkboxPlugin = { handlerWillRespond: async ({ response }) => withIsolationHeaders(response) };

// The first install takes the open page at once (it is not isolated until it reloads; register.ts does
// that once); an update waits for the page's "reload".
clientsClaim();
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

addPlugins([isolate]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
// Whatever is not precached (nothing the app needs) still goes to the network, with the headers.
setDefaultHandler(new NetworkOnly({ plugins: [isolate] }));
