import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

// The small preset from a link: 10 epochs, one user, IFRU and IFRU (re-centred) beside Retrain.
const LINK = '/#epochs=10&forget=user%3Au14&methods=retrain%2Cifru%2Cifru-recentred';

/** Presses Tab until the element with this test id has the focus (the keyboard's way there). */
async function tabTo(page: Page, testId: string, limit = 400) {
  for (let k = 0; k < limit; k++) {
    if (await page.evaluate((id) => (document.activeElement as HTMLElement | null)?.dataset?.testid === id, testId)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${testId} not reached with ${limit} Tabs`);
}

test('When do influence functions work? The three lessons side by side, run and cancelled from the keyboard, each with its law', async ({ page, watched }) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LINK);
  await expect(page.getByTestId('explorer')).toBeVisible({ timeout: 150_000 });
  // The results say how far the model is from a minimum, in words computed from reference.stationarity.
  await expect(page.getByTestId('stationarity')).toContainText(/its own gradient is [\d.]+× the deletion's/);
  await expect(page.getByTestId('headline').locator('li[data-method="ifru-recentred"]')).toContainText('IFRU (re-centred)');
  await expect(page.getByTestId('fidelity-table').getByRole('rowheader', { name: 'IFRU (re-centred)' })).toBeVisible();

  const laws = page.getByTestId('laws');
  await expect(laws.getByRole('heading', { name: 'When do influence functions work?' })).toBeVisible();
  // Side by side at 1440 px: three figures in one row.
  const tops = await Promise.all(['horizon', 'convergence', 'size'].map(async (k) => (await laws.getByTestId(`fig-${k}`).boundingBox())!.y));
  expect(new Set(tops.map((y) => Math.round(y))).size).toBe(1);

  // Keyboard only: Tab to the convergence lesson, run it, Tab to Cancel, cancel; run it again to the end.
  await page.getByRole('heading', { name: 'Results' }).focus();
  await tabTo(page, 'run-convergence');
  await page.keyboard.press('Enter');
  const conv = laws.getByTestId('fig-convergence');
  await expect(conv.getByLabel('Convergence: fidelity against training: progress')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(conv.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Convergence lesson cancelled' })).toBeVisible({ timeout: 60_000 });
  await expect(conv.getByRole('button', { name: 'Cancel' })).toBeFocused(); // the focus stayed where the user acted
  await page.keyboard.press('Shift+Tab');
  await expect(conv.getByTestId('run-convergence')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(conv.locator('figcaption')).toContainText("IFRU's error", { timeout: 300_000 });
  await expect(conv.locator('.recharts-line-curve')).toHaveCount(6);
  await expect(conv.getByTestId('run-convergence')).toBeFocused();

  // The size lesson from the keyboard too; the horizon with a click.
  await tabTo(page, 'run-size');
  await page.keyboard.press('Enter');
  const size = laws.getByTestId('fig-size');
  await expect(size.locator('figcaption')).toContainText("IFRU's error goes", { timeout: 300_000 });
  await laws.getByTestId('run-horizon').click();
  const horizon = laws.getByTestId('fig-horizon');
  await expect(horizon.getByTestId('horizon-lesson').locator('li')).toHaveCount(3, { timeout: 300_000 });
  // Once a lesson is over its progress line goes, even when a last progress message arrives after the result.
  await expect(horizon.getByLabel('The horizon: fidelity against μ: progress')).toHaveCount(0);
  await expect(conv.getByLabel('Convergence: fidelity against training: progress')).toHaveCount(0);
  await size.getByText('Show data').click();
  // One item, 10 %, 25 %, 50 % and all of u14's 30 interactions, then random 0.1 %, 0.5 % and 2 %.
  await expect(size.locator('details table tbody tr')).toHaveCount(8);
  // Lines through the user's nested deletions (three methods, three baselines); the random fractions as squares.
  await expect(size.locator('.recharts-line-curve:not([stroke="none"])')).toHaveCount(6);
  await expect(size.locator('.recharts-line-dots rect')).toHaveCount(3 * 6);

  // Each figure's numbers are a click away, and agree with the sentence above the chart.
  await conv.getByText('Show data').click();
  await expect(conv.locator('details table tbody tr')).toHaveCount(6); // 1, 3, 5, 10, 15 and 20 epochs of a 10-epoch model
  const convCaption = (await conv.locator('figcaption').textContent())!;
  // Columns after the epochs: Recall@20, gradient / deletion, drift / response, IF, IFRU, …
  const ifruFirst = Number(await conv.locator('details table tbody tr').first().locator('td').nth(4).textContent());
  expect(Math.abs(Number(/ it is ([\d.]+)/.exec(convCaption)![1]) - ifruFirst)).toBeLessThan(0.006);

  for (const width of [1440, 1024, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(400);
    await page.mouse.move(0, 0);
    await laws.screenshot({ path: `test-results/laws-${width}.png` });
    if (width === 390) for (const k of ['horizon', 'convergence', 'size']) await laws.getByTestId(`fig-${k}`).screenshot({ path: `test-results/laws-390-${k}.png` });
    const over = await laws.evaluate((el) => (el.scrollWidth > el.clientWidth + 1 ? `${el.scrollWidth} > ${el.clientWidth}` : ''));
    expect(over, `at ${width} px`).toBe('');
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.locator('.result-summary').screenshot({ path: 'test-results/laws-results-1440.png' });
  const { violations } = await new AxeBuilder({ page }).include('[data-testid=laws]').include('.result-summary').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target}`)).toEqual([]);
  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});
