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
