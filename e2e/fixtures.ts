import { test as base, expect, type Page } from '@playwright/test';

/** Console errors and requests to any origin but `origin` (the app loads nothing from elsewhere). */
export function watchPage(page: Page, origin: string): { errors: string[]; foreign: string[] } {
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const url = r.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
  return { errors, foreign };
}

/** Every test watches the console and the network: zero errors, zero requests to other origins. */
export const test = base.extend<{ watched: { errors: string[]; foreign: string[] } }>({
  watched: async ({ page, baseURL }, use) => {
    await use(watchPage(page, new URL(baseURL!).origin));
  },
});

export { expect };

export async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(`/${query}`);
  await expect(page.getByTestId('backend-badge')).not.toHaveText('starting…');
  await expect(page.getByTestId('dataset-summary')).toBeVisible();
}

/**
 * Waits until every result of the Forget run has landed (results stream in: the explorer shows the
 * first ones while Retrain and the noise floor still run).
 */
export async function resultsComplete(page: Page, timeout = 150_000): Promise<void> {
  await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'complete', { timeout });
  // …and every figure has drawn it (figures draw one per task after a landing).
  await expect(page.locator('html')).toHaveAttribute('data-figures-pending', '0', { timeout });
}

/**
 * Records main-thread long tasks from now on, and the long animation frames (at least `framesOver` ms)
 * with the scripts that ran in them, so a failure message can say what was slow. Read with longTasks().
 */
export async function watchLongTasks(page: Page, framesOver = 0): Promise<void> {
  await page.evaluate((over) => {
    const w = window as unknown as { __longTasks: number[]; __frames: string[] };
    w.__longTasks = [];
    w.__frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
    new PerformanceObserver((list) => {
      type Frame = PerformanceEntry & { scripts: { invoker: string; sourceFunctionName: string; duration: number }[] };
      for (const e of list.getEntries() as Frame[])
        if (e.duration > over) w.__frames.push(`${Math.round(e.duration)} ms: ${e.scripts.map((s) => `${s.invoker} ${s.sourceFunctionName} ${Math.round(s.duration)} ms`).join('; ')}`);
    }).observe({ type: 'long-animation-frame' });
  }, framesOver);
}

/** What watchLongTasks() has recorded: every long task's duration and the frames it kept. */
export async function longTasks(page: Page): Promise<{ longTasks: number[]; frames: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __frames: string[] };
    return { longTasks: w.__longTasks, frames: w.__frames };
  });
}
