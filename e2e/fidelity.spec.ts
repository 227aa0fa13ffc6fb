import { test, expect, openApp, resultsComplete } from './fixtures';

test('fidelity against the proximal reference with its baselines, and the horizon sweep on demand (cancellable)', async ({ page, watched }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Guided tour' }).click();
  await page.getByRole('button', { name: 'Train now' }).click();
  const pick = page.getByRole('button', { name: /^Pick / });
  await expect(pick).toBeVisible({ timeout: 60_000 });
  await pick.click();
  await page.getByRole('button', { name: 'Forget now' }).click();
  await resultsComplete(page, 120_000);
  await page.getByRole('button', { name: 'Close the tour' }).click();

  // Every method and the three baselines, read against the same reference.
  const table = page.getByTestId('fidelity-table');
  await expect(table.locator('tbody tr')).toHaveCount(4 + 3);
  const row = (label: string) => table.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) });
  await expect(row('No update (graph only)').locator('td').first()).toHaveText('1.000');
  const err = async (label: string) => Number(await row(label).locator('td').first().textContent());
  expect(await err('IFRU')).toBeLessThan(await err('Random directions'));

  // The horizon: started, cancelled, started again and finished. The tour left class mode on, which
  // folds the diagnostics away: a student opens them.
  const diagnostics = page.getByTestId('diagnostics');
  await diagnostics.locator('summary').click();
  await expect(diagnostics).toHaveAttribute('open', '');
  const fig = page.getByTestId('fig-horizon');
  await fig.scrollIntoViewIfNeeded();
  await fig.getByTestId('run-horizon').click();
  await expect(fig.getByLabel('The horizon: fidelity against μ: progress')).toBeVisible();
  await fig.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Horizon sweep cancelled' })).toBeVisible({ timeout: 30_000 });
  await fig.getByTestId('run-horizon').click();
  await expect(fig.getByTestId('horizon-lesson').locator('li')).toHaveCount(3, { timeout: 180_000 });
  await expect(fig.locator('.recharts-line-curve')).toHaveCount(7); // IF, IFRU, re-centred, fast Hessian, three baselines
  await expect(fig.locator('figcaption')).toContainText("IFRU's error goes");
  await expect(fig.getByTestId('horizon-lesson')).toContainText('default μ = 1e-4');
  await page.mouse.move(0, 0);
  await fig.screenshot({ path: 'test-results/horizon.png' });
  await page.getByTestId('fig-fidelity').screenshot({ path: 'test-results/fidelity.png' });
  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});
