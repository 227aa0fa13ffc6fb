import type { Page } from '@playwright/test';
import { test, expect, longTasks, openApp, resultsComplete, watchLongTasks } from './fixtures';

/** Trains the page's current data set and settings; resolves when Forget can be pressed. */
async function train(page: Page, epochs?: number): Promise<void> {
  if (epochs) await page.getByLabel('Epochs').fill(String(epochs));
  await page.getByTestId('train').click();
  await expect(page.getByTestId('unlearn')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('train')).toBeEnabled({ timeout: 150_000 });
}

/** Times a whole-user Forget from the click: first figure, complete results, longest main-thread task. */
async function forgetAndTime(page: Page, user: string): Promise<{ firstFigureMs: number; completeMs: number; longTasks: number[]; frames: string[] }> {
  await page.getByLabel(/User \(type an id/).fill(user);
  await watchLongTasks(page, 100);
  const t0 = Date.now();
  await page.getByTestId('unlearn').click();
  // This request's first results (a second request's page shows the previous ones until then).
  await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'running', { timeout: 150_000 });
  // The spillover picture lands while Retrain is still running.
  const graph = page.getByTestId('fig-neighbourhood');
  await expect(graph.locator('svg rect[fill^="rgb"]').first()).toBeVisible({ timeout: 150_000 });
  const firstFigureMs = Date.now() - t0;
  await expect(page.getByTestId('headline-table').locator('tr.pending-row[data-method="retrain"]')).toContainText(/running|waiting/);
  await expect(page.getByTestId('result-status')).toContainText('Retrain');
  await resultsComplete(page, 240_000);
  const completeMs = Date.now() - t0;
  await expect(page.getByTestId('headline-table').locator('tr.pending-row')).toHaveCount(0);
  await expect(page.getByTestId('result-status')).toHaveCount(0);
  await page.waitForTimeout(500);
  return { firstFigureMs, completeMs, ...(await longTasks(page)) };
}

/**
 * The bound on main-thread tasks. A page's first Forget mounts every chart for the first time; the
 * chart library's code is compiled while the page waits (ChartWarmup), but one recharts chart settles
 * in 4–5 synchronous render passes that no task boundary can split, and on a cold page on a loaded
 * 2-core machine the first Forget's longest task measured 50–182 ms across runs (docs/method.md, "How
 * one experiment runs"): the first Forget is held to 250 ms, a second Forget in the same page (the
 * figures update in place) to the 100 ms goal.
 */
const FIRST_FORGET_MS = 250;
const LATER_FORGET_MS = 100;

test('results land as they come on the small preset: the spillover graph while Retrain runs, no frozen frame', async ({ page, watched }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  // Retrain on the class preset takes about a second at its 20 epochs: 300 make it last seconds.
  await train(page, 300);
  const t = await forgetAndTime(page, 'u14');
  await page.screenshot({ path: 'test-results/streaming-complete.png' });
  // Every figure has data once complete, and Retrain's row filled in (ratio to itself 1).
  await expect(page.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(3 + 4); // original, the reference, the noise floor, 4 methods
  // A second request in the same page: the figures update in place.
  const again = await forgetAndTime(page, 'u15');
  for (const [run, r] of [['first Forget', t], ['second Forget', again]] as const)
    for (const [k, v] of Object.entries({ 'Forget → first figure (ms)': r.firstFigureMs, 'Forget → complete (ms)': r.completeMs, 'long tasks (ms)': JSON.stringify(r.longTasks) }))
      test.info().annotations.push({ type: `small preset, ${run}: ${k}`, description: String(v) });
  expect(Math.max(0, ...t.longTasks), `first Forget, frames over 100 ms:\n${t.frames.join('\n')}`).toBeLessThanOrEqual(FIRST_FORGET_MS);
  expect(Math.max(0, ...again.longTasks), `second Forget, frames over 100 ms:\n${again.frames.join('\n')}`).toBeLessThanOrEqual(LATER_FORGET_MS);
  expect(watched.errors).toEqual([]);
});

test('default data, Retrain + IF + IFRU: the spillover graph within seconds of Forget while Retrain runs', async ({ page, watched }) => {
  test.setTimeout(360_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openApp(page);
  await page.getByRole('button', { name: /MovieLens-100K scale/ }).click();
  await expect(page.getByTestId('dataset-summary')).toContainText('943 users');
  await page.getByLabel('Learning rate').fill('0.005');
  await train(page, 20);
  // Retrain, IF and IFRU (the method boxes show once a model is trained).
  for (const m of ['Fine-tune', 'NegGrad', 'IFRU (pruned)']) {
    const box = page.getByRole('checkbox', { name: m, exact: true });
    if (await box.isChecked()) await box.uncheck();
  }
  const t = await forgetAndTime(page, 'u51');
  for (const [k, v] of Object.entries({ 'Forget → first figure (ms)': t.firstFigureMs, 'Forget → complete (ms)': t.completeMs, 'long tasks (ms)': JSON.stringify(t.longTasks) }))
    test.info().annotations.push({ type: `default data: ${k}`, description: String(v) });
  // The first picture comes well before the slow results: Retrain alone takes about 20 epochs.
  expect(t.firstFigureMs).toBeLessThan(t.completeMs / 2);
  expect(Math.max(0, ...t.longTasks), `frames over 100 ms:\n${t.frames.join('\n')}`).toBeLessThanOrEqual(FIRST_FORGET_MS);
  expect(watched.errors).toEqual([]);
});

for (const size of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`Cancel is in reach with the mouse at ${size.width} px, and keeps what landed`, async ({ page, watched }) => {
    await page.setViewportSize(size);
    await openApp(page);
    // Long enough that Retrain is still running when the first results land (seconds, not milliseconds).
    await train(page, 300);
    await page.getByLabel(/User \(type an id/).fill('u14');
    const fineTune = page.getByRole('checkbox', { name: 'Fine-tune', exact: true });
    if (!(await fineTune.isChecked())) await fineTune.check();

    // Scrolled to the Forget panel: its own Cancel is not covered (a real mouse click at its centre).
    await page.getByTestId('unlearn').click();
    const inline = page.getByTestId('progress-cancel');
    await inline.scrollIntoViewIfNeeded();
    const box = (await inline.boundingBox())!;
    const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('[data-testid]')?.getAttribute('data-testid'), [box.x + box.width / 2, box.y + box.height / 2]);
    expect(hit).toBe('progress-cancel');
    const forgetBox = (await page.getByTestId('unlearn').boundingBox())!;
    const forgetHit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('[data-testid]')?.getAttribute('data-testid'), [forgetBox.x + forgetBox.width / 2, forgetBox.y + forgetBox.height / 2]);
    expect(forgetHit).toBe('unlearn');
    // Let the first results land, then cancel with the mouse.
    await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'running', { timeout: 150_000 });
    // (The new results took the focus and scrolled the page: find the panel's Cancel again.)
    await inline.scrollIntoViewIfNeeded();
    const now = (await inline.boundingBox())!;
    await page.mouse.click(now.x + now.width / 2, now.y + now.height / 2);
    await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
    await expect(page.getByTestId('result-status')).toContainText(/Cancelled: .*not run/);
    // What landed stays: the quick methods' rows and the spillover graph.
    await expect(page.getByTestId('headline-table').locator('tr[data-method="ifru"]:not(.pending-row)')).toHaveCount(1);
    await expect(page.getByTestId('headline-table').locator('tr.pending-row[data-method="retrain"]')).toContainText('not run (cancelled)');
    await expect(page.getByTestId('fig-neighbourhood').locator('svg rect[fill^="rgb"]').first()).toBeVisible();

    // Scrolled far from the panel: the docked bar carries the run and its own Cancel.
    await page.getByTestId('unlearn').click();
    await expect(page.getByTestId('run-progress')).toBeVisible();
    await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'running', { timeout: 150_000 });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    const dock = page.getByTestId('dock-cancel');
    await expect(dock).toBeInViewport();
    // A real click at the button's centre (Playwright checks that nothing covers it).
    await dock.click();
    await expect(page.getByRole('status').filter({ hasText: 'Unlearning cancelled' }).last()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('run-dock')).toHaveCount(0);
    expect(watched.errors).toEqual([]);
  });
}
