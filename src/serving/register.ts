/**
 * The page's side of serving: registers the service worker (sw.ts), says when the page runs offline,
 * offers a new deployment as "a new version is ready — reload", and finds where cross-origin isolation
 * comes from. On a host that sends no COOP/COEP, the first visit that installs the worker reloads once,
 * visibly, so the worker's headers apply; when it cannot or should not, the badge says why.
 */
import { Workbox } from 'workbox-window';
import { hasIsolationHeaders } from './headers';
import { useStore, type Serving } from '../store';

const RELOADED_KEY = 'unlearning-playground:isolation-reload';
/** How long "Reloading once…" shows before the reload (long enough to read that it happens and why). */
const RELOAD_NOTICE_MS = 1500;

let workbox: Workbox | null = null;

function setServing(patch: Partial<Serving>): void {
  useStore.getState().setServing(patch);
}

/** Starts everything above; never throws (a page without a service worker still works online). */
export async function startServing(): Promise<void> {
  trackNetwork();
  const isolated = globalThis.crossOriginIsolated === true;
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) {
    // The dev server sends the headers itself; without a worker, isolation can only come from the server.
    setServing({ isolation: isolated ? 'server' : 'none', isolationNote: isolated ? '' : noWorkerReason() });
    return;
  }
  workbox = new Workbox(`${import.meta.env.BASE_URL}sw.js`);
  // A new deployment installed beside this one: offer it, never switch under the user's feet.
  workbox.addEventListener('waiting', () => setServing({ updateReady: true }));
  try {
    await workbox.register();
    await navigator.serviceWorker.ready;
    setServing({ offlineReady: true });
  } catch (err) {
    // Refused (service workers switched off, a private window, storage full): the page runs online only.
    console.warn('The service worker did not start:', err);
    setServing({
      isolation: isolated ? 'server' : 'none',
      isolationNote: isolated ? '' : 'the browser did not start the service worker here (no offline copy either), and the server sends no COOP/COEP headers',
    });
    return;
  }
  if (isolated) {
    setServing({ isolation: await isolationSource(), isolationNote: '' });
    return;
  }
  await isolateByReloading();
}

/** Installs the waiting deployment and reloads onto it. */
export function reloadToUpdate(): void {
  if (!workbox) return window.location.reload();
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
}

function trackNetwork(): void {
  const update = () => setServing({ offline: !navigator.onLine });
  update();
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
}

function noWorkerReason(): string {
  if (!window.isSecureContext) {
    return 'served over plain http from another machine: browsers allow cross-origin isolation and a service worker (offline copy) only over https or on localhost';
  }
  if (!('serviceWorker' in navigator)) return 'this browser has no service workers here (a private window?), and the server sends no COOP/COEP headers';
  return 'the server sends no COOP/COEP headers';
}

/** Isolated: by the server's own headers (the precached shell kept them), or by the worker adding them. */
async function isolationSource(): Promise<'server' | 'service-worker'> {
  if (!navigator.serviceWorker.controller) return 'server';
  try {
    const shell = await caches.match(new URL('index.html', document.baseURI).href, { ignoreSearch: true });
    return shell && hasIsolationHeaders(shell.headers) ? 'server' : 'service-worker';
  } catch {
    return 'service-worker';
  }
}

/** Whether a reload now would cost the user nothing: no training or forgetting runs, nothing trained yet
 *  (a reload would restore it, but not the results on screen), no file of theirs loaded. */
function reloadIsFree(): boolean {
  const s = useStore.getState();
  return s.phase !== 'training' && s.phase !== 'unlearning' && s.summary === null && !s.customData;
}

async function isolateByReloading(): Promise<void> {
  let reloadedBefore: boolean;
  try {
    reloadedBefore = sessionStorage.getItem(RELOADED_KEY) !== null;
  } catch {
    setServing({ isolation: 'none', isolationNote: 'this browser keeps no session storage here, so the page does not reload itself for isolation (it could loop); reload once by hand' });
    return;
  }
  if (reloadedBefore && !navigator.serviceWorker.controller) {
    setServing({ isolation: 'none', isolationNote: 'this load bypassed the service worker (a hard reload?): reload normally for threads' });
    return;
  }
  if (reloadedBefore) {
    setServing({
      isolation: 'none',
      isolationNote: 'the service worker sends COOP/COEP, but this browser did not isolate the page after the reload',
    });
    return;
  }
  if (!reloadIsFree()) {
    setServing({ isolation: 'none', isolationNote: 'the service worker is ready: reload when convenient for threads (not reloading by itself while you work)' });
    return;
  }
  setServing({ isolation: 'none', reloading: true, isolationNote: '' });
  await new Promise((r) => setTimeout(r, RELOAD_NOTICE_MS));
  if (!reloadIsFree()) {
    setServing({ reloading: false, isolationNote: 'the service worker is ready: reload when convenient for threads (not reloading by itself while you work)' });
    return;
  }
  sessionStorage.setItem(RELOADED_KEY, String(Date.now()));
  window.location.reload();
}
