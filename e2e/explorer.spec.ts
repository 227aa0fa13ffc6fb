import { test, expect, openApp, resultsComplete } from './fixtures';

const FIGURES = ['neighbourhood', 'map', 'hops', 'scatter', 'metrics', 'top20', 'lesson'];

test('a teacher shows spillover on the small preset, and the link reproduces it in a fresh profile', async ({ page, watched, browser }) => {
  const t0 = Date.now();
  await openApp(page);
  // The guided tour drives the whole flow.
  await page.getByRole('button', { name: 'Guided tour' }).click();
  await page.getByRole('button', { name: 'Train now' }).click();
  // The small preset's tour user is the one measured to show IFRU's spillover term (u14).
  await expect(page.getByRole('button', { name: 'Pick u14' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Pick u14' }).click();
  await page.getByRole('button', { name: 'Forget now' }).click();
  await resultsComplete(page, 120_000);
  // The tour's last step says from the result whether the spillover term shows for this user.
  await expect(page.getByRole('complementary', { name: 'Guided tour' })).toContainText(/Here the spillover term (matters|barely matters)/);
  const seconds = (Date.now() - t0) / 1000;
  test.info().annotations.push({ type: 'seconds from open to spillover chart', description: seconds.toFixed(1) });
  expect(seconds).toBeLessThan(60);

  // Every chart has data.
  for (const id of FIGURES) await expect(page.getByTestId(`fig-${id}`)).toBeVisible();
  const graph = page.getByTestId('fig-neighbourhood');
  await expect.poll(() => graph.locator('svg rect[fill^="rgb"]').count()).toBeGreaterThan(10);
  await expect.poll(() => page.getByTestId('fig-map').locator('line[marker-end]').count()).toBeGreaterThan(10);
  await expect.poll(() => page.getByTestId('fig-hops').locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(9);
  // The scatter's points: one path of dots per hop, every hop with points.
  const dots = (h: number) => page.getByTestId('fig-scatter').locator(`path[data-hop="${h}"]`).getAttribute('d').then((d) => (d?.match(/M/g) ?? []).length);
  for (const h of [1, 2, 3]) await expect.poll(() => dots(h)).toBeGreaterThan(10);
  await expect(page.getByTestId('fig-lesson').locator('.recharts-bar-rectangle')).toHaveCount(6);
  await expect(page.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(6); // original, 4 methods, noise floor
  // A whole-user deletion: the neighbours' lists before, under the paired reference and the 4 methods.
  await expect(page.getByTestId('neighbour-lists').locator(':scope > div')).toHaveCount(6);
  await expect(page.getByTestId('fig-top20').locator('li')).toHaveCount(120);
  // The spillover toggle recolours the graph.
  const before = await graph.locator('svg rect[fill^="rgb"]').first().getAttribute('fill');
  await graph.getByLabel('Colour nodes by').selectOption('if');
  await graph.getByLabel('Colour nodes by').selectOption('reference');
  const after = await graph.locator('svg rect[fill^="rgb"]').first().getAttribute('fill');
  expect(before).not.toBeNull();
  expect(after).not.toBeNull();

  await page.screenshot({ path: 'test-results/explorer-full.png', fullPage: true });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('fig-neighbourhood').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/explorer-1024.png' });

  const url = page.url();
  expect(url).toContain('forget=user');
  const table = await page.getByTestId('metrics-table').locator('tbody tr td:nth-child(2)').allTextContents();

  // A fresh profile: no cache, the link alone reproduces the experiment.
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await fresh.newPage();
  await other.goto(url);
  await resultsComplete(other, 150_000);
  // The table draws in its turn after the results land.
  await expect(other.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(6);
  const table2 = await other.getByTestId('metrics-table').locator('tbody tr td:nth-child(2)').allTextContents();
  expect(table2).toEqual(table);
  await fresh.close();

  // A reload restores the trained model from IndexedDB instead of retraining.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Restored the trained model' })).toBeVisible({ timeout: 60_000 });
  await resultsComplete(page, 60_000);

  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});

test('exports results as JSON and CSV and a chart as SVG and PNG', async ({ page }) => {
  await page.goto('/#forget=user%3Au39&methods=retrain%2Cifru');
  await resultsComplete(page, 150_000);
  const grab = async (name: string | RegExp, within = page.getByTestId('explorer')) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), within.getByRole('button', { name }).first().click()]);
    return dl;
  };
  const json = await grab('Export JSON');
  const parsed = JSON.parse(await (await json.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  expect(Object.keys(parsed.report.methods)).toEqual(['retrain', 'ifru']);
  const csv = await grab('Export CSV');
  const text = await (await csv.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  expect(text.split('\n')[0]).toContain('method,label,status,ms,speedup,recall20');
  expect(text.trim().split('\n')).toHaveLength(3);
  const svg = await grab('SVG', page.getByTestId('fig-hops'));
  expect(svg.suggestedFilename()).toBe('hops.svg');
  const png = await grab('PNG', page.getByTestId('fig-hops'));
  const bytes = await (await png.createReadStream()).toArray().then((c) => Buffer.concat(c));
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
});

test('E2URec on the same charts, and on the transformer recommender', async ({ page, watched }) => {
  await page.goto('/#forget=user%3Au39&methods=retrain%2Cifru%2Ce2urec');
  await resultsComplete(page, 150_000);
  await expect(page.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(5); // original, 3 methods, noise floor
  await expect(page.getByTestId('metrics-table')).toContainText('E2URec');
  // E2URec's trainable parameters are the LoRA factors: far fewer than Retrain's full table.
  const params = await page.getByTestId('metrics-table').locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => Number((r.querySelectorAll('td')[6]?.textContent ?? '').replace(/,/g, ''))),
  );
  expect(params[3]).toBeGreaterThan(0);
  expect(params[3]).toBeLessThan(params[1] / 4);

  await page.getByLabel('Transformer epochs').fill('2');
  await page.getByTestId('run-transformer').click();
  await expect(page.getByTestId('transformer-table').locator('tbody tr')).toHaveCount(5, { timeout: 150_000 });
  await expect(page.getByTestId('transformer-table')).toContainText('E2URec');
  await page.getByTestId('fig-transformer').screenshot({ path: 'test-results/explorer-transformer.png' });
  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});

test('the map picks a user by mouse and by keyboard', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('train').click();
  const map = page.getByRole('img', { name: /Embedding map/ });
  await expect(map).toBeVisible({ timeout: 60_000 });
  const userField = page.getByLabel(/User \(type an id/);
  // Keyboard: focus, the first arrow highlights the heaviest user, Enter picks them.
  // The map answers as soon as it shows (training is over by then).
  await map.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(userField).not.toHaveValue('');
  const heaviest = await userField.inputValue();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(userField).not.toHaveValue(heaviest);
  // Mouse: clicking the highlighted user's point picks that user.
  await page.keyboard.press('ArrowLeft');
  await expect(map.locator('text.map-hover')).toContainText(`user ${heaviest}`);
  const box = await map.locator('circle.map-hover-ring').boundingBox();
  await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
  await expect(userField).toHaveValue(heaviest);
  expect(page.url()).toContain(`forget=user%3A${heaviest}`);
});

test('forgetting some of a user\'s items marks them in the top-20 lists', async ({ page, watched }) => {
  await openApp(page);
  await page.getByTestId('train').click();
  await expect(page.getByTestId('unlearn')).toBeVisible({ timeout: 60_000 });
  await page.getByLabel(/User \(type an id/).fill('u39');
  await page.getByLabel('some of their items').check();
  const picks = page.getByRole('group', { name: 'Items to forget' }).getByRole('checkbox');
  await expect(picks.first()).toBeVisible();
  for (let k = 0; k < 5; k++) await picks.nth(k).check();
  await page.getByTestId('unlearn').click();
  await resultsComplete(page, 120_000);
  await expect(page.locator('.result-summary')).toContainText('user u39: items');
  expect(page.url()).toContain('forget=items%3Au39%3A');
  // The user stays (a partial deletion): the centre of the graph is a normal node, and the forgotten
  // items are outlined on ring 1.
  await expect(page.getByTestId('fig-neighbourhood').locator('rect[stroke-width="2.5"]')).not.toHaveCount(0);
  await expect(page.locator('.result-summary')).not.toContainText('the user is gone');
  // Before unlearning the model still ranks the (trained-on) forgotten items high for this user.
  const before = page.getByTestId('fig-top20').locator('.top-lists > div').first();
  await expect(before.locator('li.forgotten')).not.toHaveCount(0);
  await page.getByTestId('fig-top20').screenshot({ path: 'test-results/explorer-top20-partial.png' });
  expect(watched.errors).toEqual([]);
});
