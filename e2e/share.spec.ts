import { test, expect, watchPage } from './fixtures';
import type { Page } from '@playwright/test';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic, type StaticHost } from './staticHost';

// Issue 19 (share it with a class) and issue 24's serving half: the built app from any static host,
// at a sub-path, isolated by the server or by its service worker or not at all, and offline.

/** A link that trains the small preset briefly on wasm and forgets u14 (the explorer then shows). wasm
 *  because isolated, tfjs's wasm backend loads its threaded build (Emscripten pthreads): these runs prove
 *  it trains and forgets under the bundle, isolated by the server and by the service worker. */
const RUN = '#epochs=3&methods=retrain%2Cif%2Cifru&forget=user%3Au14&backend=wasm';

/** The badge's thread line: our kernels' threads (one per core, isolated), and tfjs's wasm build and
 *  threads. Isolated, tfjs runs its threaded build (its 8 pthread workers start when it loads: where the
 *  bundle broke them, the data never loaded) with half the logical cores, 1 to 4; not isolated, its
 *  single-threaded build. */
async function threadsShown(page: Page, isolatedPage: boolean): Promise<void> {
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const line = page.getByTestId('backend-threads');
  await expect(page.getByTestId('backend-badge')).toHaveText('wasm', { timeout: 60_000 });
  await expect(line).toContainText('tfjs wasm:');
  const text = (await line.textContent()) ?? '';
  test.info().annotations.push({ type: `badge's thread line (${isolatedPage ? 'isolated' : 'not isolated'}, ${cores} cores)`, description: text });
  const ours = Number(/^(\d+) thread/.exec(text)?.[1]);
  const tfjs = Number(/tfjs wasm: (?:threaded build, )?(\d+)\)/.exec(text)?.[1]);
  expect(tfjs).toBe(Math.min(4, Math.max(1, Math.floor(cores / 2))));
  if (isolatedPage) {
    expect(ours).toBe(cores);
    expect(text).toContain('(tfjs wasm: threaded build, ');
  } else {
    expect(text).toMatch(/^1 thread: not cross-origin isolated/);
    expect(text).not.toContain('threaded build');
  }
}

/** Waits for the link's run; annotates the time from `since` to the loaded data. */
async function trainsAndForgets(page: Page, since: number, what: string): Promise<void> {
  await expect(page.getByTestId('dataset-summary')).toContainText('synthetic-small', { timeout: 60_000 });
  test.info().annotations.push({ type: `ms ${what} to data loaded`, description: String(Date.now() - since) });
  await expect(page.getByTestId('epoch-status')).toContainText('epoch 3/3', { timeout: 120_000 });
  await expect(page.getByTestId('explorer')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(6); // original, 3 methods, the reference, noise floor
}

const isolated = (page: Page) => page.evaluate(() => globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function');

let host: StaticHost;
test.afterEach(async () => host?.close());

test('served with COOP/COEP (vite preview, as scripts/start.sh serves it): isolated by the server, trains and forgets', async ({ page, watched }) => {
  const t0 = Date.now();
  await page.goto(`/${RUN}`);
  await expect(page.getByTestId('isolation')).toHaveText('Cross-origin isolated by the server’s headers', { timeout: 60_000 });
  expect(await isolated(page)).toBe(true);
  await trainsAndForgets(page, t0, 'first visit, isolated by the server (no reload)');
  await threadsShown(page, true);
  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});

test.describe('a static host without headers', () => {
  test.describe('and without a service worker', () => {
    test.use({ serviceWorkers: 'block' });
    test('under a sub-path: not isolated (one thread, the badge says why), trains and forgets; manifest and icons resolve', async ({ page }) => {
      host = await serveStatic({ base: '/demo/' });
      const watched = watchPage(page, new URL(host.url).origin);
      const t0 = Date.now();
      await page.goto(`${host.url}${RUN}`);
      await expect(page.getByTestId('isolation')).toHaveText(/^Not cross-origin isolated, so one thread: /, { timeout: 60_000 });
      expect(await isolated(page)).toBe(false);
      await trainsAndForgets(page, t0, 'first visit, not isolated, no service worker');
      await threadsShown(page, false);
      // The link the page writes stays under the sub-path and still carries the experiment.
      expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/demo\/#.*forget=user%3Au14/);
      // Everything came from under /demo/, nothing from the host's root.
      expect(host.requests.filter((p) => !p.startsWith('/demo/'))).toEqual([]);
      const manifest = await page.evaluate(async () => {
        const link = document.querySelector<HTMLLinkElement>('link[rel=manifest]')!.href;
        const m = (await (await fetch(link)).json()) as { icons: { src: string }[]; start_url: string };
        const icons = await Promise.all(m.icons.map(async (i) => (await fetch(new URL(i.src, link))).status));
        return { start: new URL(m.start_url, link).pathname, icons };
      });
      expect(manifest.start).toBe('/demo/');
      expect(manifest.icons.length).toBeGreaterThanOrEqual(3);
      expect(manifest.icons.every((s) => s === 200)).toBe(true);
      expect(watched.errors).toEqual([]);
      expect(watched.foreign).toEqual([]);
    });
  });

  test('the service worker isolates the page after one visible reload; offline, a reload still opens, trains and forgets', async ({ page, context }) => {
    host = await serveStatic({ base: '/demo/' });
    const watched = watchPage(page, new URL(host.url).origin);
    const t0 = Date.now();
    await page.goto(host.url);
    // First visit: the worker installs (precaching the app and its data), the page says it reloads once.
    await expect(page.getByTestId('isolation-reload')).toBeVisible({ timeout: 60_000 });
    const reloadShown = Date.now() - t0;
    await expect(page.getByTestId('isolation')).toHaveText('Cross-origin isolated by the service worker (the host sends no headers)', { timeout: 60_000 });
    expect(await isolated(page)).toBe(true);
    // Isolated, the page may share memory with workers (what threads need); this machine's cores.
    const threads = await page.evaluate(async () => {
      const sab = new SharedArrayBuffer(4);
      const w = new Worker(URL.createObjectURL(new Blob(['onmessage = (e) => { Atomics.add(new Int32Array(e.data), 0, 1); postMessage(0); }'])));
      await new Promise((ok) => ((w.onmessage = ok), w.postMessage(sab)));
      w.terminate();
      return { sharedByWorker: new Int32Array(sab)[0], cores: navigator.hardwareConcurrency };
    });
    expect(threads.sharedByWorker).toBe(1);
    await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 60_000 });
    const firstVisit = Date.now() - t0;
    await expect(page.getByTestId('offline-ready')).toBeVisible();
    // Installable: Chromium finds nothing missing (manifest, icons, a service worker that serves the page)
    // but the test's own profile, which is incognito.
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();
    const firstVisitRequests = host.requests.length;
    const firstVisitBytes = host.bytes;

    // The host goes away and the browser has no network: the page still opens from its own copy.
    await host.close();
    await context.setOffline(true);
    // A reload of a link (the URL changes without a navigation, then the page reloads without network).
    await page.evaluate((hash) => history.replaceState(null, '', hash), RUN);
    const t1 = Date.now();
    await page.reload();
    await expect(page.getByTestId('offline')).toContainText('Offline: running from this browser’s copy');
    await expect(page.getByTestId('isolation')).toHaveText('Cross-origin isolated by the service worker (the host sends no headers)');
    await trainsAndForgets(page, t1, 'offline reload');
    await threadsShown(page, true);
    const offlineDone = Date.now() - t1;
    test.info().annotations.push(
      { type: 'ms to the "reloading once" notice (first visit, worker installed and precached)', description: String(reloadShown) },
      { type: 'ms first visit to isolated and data loaded (reload included)', description: String(firstVisit) },
      { type: 'first visit: requests and MB the host served (the precache included)', description: `${firstVisitRequests}, ${(firstVisitBytes / 1e6).toFixed(2)}` },
      { type: 'isolated by the service worker: a worker wrote to shared memory; cores', description: `${threads.sharedByWorker}; ${threads.cores}` },
      { type: 'ms offline reload to the explorer (3 epochs, Retrain + IF + IFRU)', description: String(offlineDone) },
    );
    expect(watched.errors).toEqual([]);
    expect(watched.foreign).toEqual([]);
  });
});

test('a new deployment shows "a new version is ready — reload" and switches only when asked', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-'));
  try {
    await cp('dist', dir, { recursive: true });
    host = await serveStatic({ dir, base: '/demo/' });
    const watched = watchPage(page, new URL(host.url).origin);
    await page.goto(host.url);
    await expect(page.getByTestId('isolation')).toHaveText(/isolated by the service worker/, { timeout: 60_000 });
    await expect(page.getByTestId('offline-ready')).toBeVisible();
    await expect(page.getByTestId('update-ready')).toHaveCount(0);

    // The teacher copies a new build to the host; the next visit finds it, the open page keeps running.
    await appendFile(join(dir, 'sw.js'), '\n// the next deployment\n');
    await page.reload();
    await expect(page.getByTestId('update-ready')).toContainText('A new version is ready', { timeout: 60_000 });
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const reloaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'reload' }).click();
    await reloaded;
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere ?? false)).toBe(false);
    await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('update-ready')).toHaveCount(0);
    const sw = await page.evaluate(async () => (await (await fetch('sw.js', { cache: 'no-store' })).text()).endsWith('// the next deployment\n'));
    expect(sw).toBe(true);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    expect(watched.errors).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
