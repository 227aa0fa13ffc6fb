import { AxeBuilder } from '@axe-core/playwright';
import { test, expect, resultsComplete } from './fixtures';

// The IFRU authors' comparison on the small preset from a link: Retrain, IF, IFRU, SCIF and the exact
// sharded methods with 4 shards (the preset's default is 3).
const LINK = '/#forget=user%3Au14&methods=retrain%2Cif%2Cifru%2Cscif%2Csisa%2Creceraser&shards=4';

test('SISA, RecEraser and SCIF beside Retrain and IFRU: headline, fidelity, the utility-against-cost figure at three widths, keyboard, axe', async ({ page, watched }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LINK);
  // The shard methods land through the ledger like every slow method: their rows say so until they do.
  await expect(page.locator('[data-testid="headline-table"] tr[data-method="receraser"] td').first()).toHaveText(/running…|waiting/, { timeout: 120_000 });
  await resultsComplete(page, 240_000);
  const headline = page.getByTestId('headline');
  for (const m of ['sisa', 'receraser']) {
    await expect(headline.locator(`li[data-method="${m}"]`)).toContainText('exact (retrained 1 of 4 shards');
    await expect(headline.locator(`li[data-method="${m}"]`)).toContainText('not comparable');
    await expect(headline.locator(`li[data-method="${m}"]`)).toContainText("the 4 shards' one-off training included");
  }
  await expect(headline.locator('li[data-method="scif"]')).toContainText('parameter error');
  // The headline table: an ensemble's distance is words (another model family), SCIF's a number.
  const table = page.getByTestId('headline-table');
  for (const m of ['sisa', 'receraser']) await expect(table.locator(`tr[data-method="${m}"] td`).nth(2)).toHaveText('not comparable (an ensemble; exact)');
  await expect(table.locator('tr[data-method="scif"] td').nth(2)).toHaveText(/^\d+\.\d\d$/);
  // Fidelity: the ensembles are listed apart, as words, never as a number or "NaN".
  const fidelity = page.getByTestId('fidelity-table');
  await expect(fidelity.getByText('not comparable', { exact: false })).toHaveCount(2);
  await expect(page.getByTestId('explorer')).not.toContainText('NaN');

  const cost = page.getByTestId('fig-cost');
  await expect(cost.locator('figcaption')).toContainText("SISA, exact: ");
  await expect(cost.locator('figcaption')).toContainText("RecEraser, exact: ");
  await expect(cost.locator('figcaption')).toContainText('the approximate methods (IF (direct), IFRU, SCIF)');
  await expect(cost.locator('.recharts-scatter')).toHaveCount(6);
  await expect(cost.getByRole('img', { name: /^Scatter plot/ })).toHaveAccessibleName(/SISA .* exact/);
  await cost.getByText('Show data').click();
  await expect(cost.locator('details table tbody tr')).toHaveCount(6);
  await expect(cost.locator('details table tbody')).toContainText('1 of 4');

  for (const width of [1440, 1024, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(400);
    const box = await cost.boundingBox();
    expect(box!.x + box!.width, `at ${width} px`).toBeLessThanOrEqual(width + 0.5);
    await cost.screenshot({ path: `test-results/shards-cost-${width}.png` });
    await page.getByTestId('headline-table').screenshot({ path: `test-results/shards-headline-${width}.png` });
    // The legend sits above the plot, never over it (it wraps at narrow widths).
    const legend = await cost.locator('.recharts-legend-wrapper').boundingBox();
    const plot = await cost.locator('.recharts-cartesian-grid').boundingBox();
    expect(legend!.y + legend!.height, `legend above the plot at ${width} px`).toBeLessThanOrEqual(plot!.y + 1);
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="explorer"]').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`), `axe at ${width} px`).toEqual([]);
  }

  // Keyboard only: the shards field back to the preset's default (the link drops it), then Forget.
  await page.setViewportSize({ width: 1440, height: 900 });
  const shards = page.getByLabel(/Shards k \(SISA, RecEraser; 3 for this data\)/);
  await expect(shards).toHaveValue('4');
  await shards.focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.url()).not.toContain('shards=');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('unlearn')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await resultsComplete(page, 240_000);
  await expect(headline.locator('li[data-method="sisa"]')).toContainText('retrained 1 of 3 shards');
  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});
