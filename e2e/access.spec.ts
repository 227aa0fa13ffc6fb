import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, openApp, resultsComplete } from './fixtures';
import { barHeights, column, expectBarsDraw, figureData } from './chartData';

// A short experiment from a link: the small preset, 3 epochs, one user, two methods (trains and forgets on load).
const LINK = '/#epochs=3&forget=user%3Au39&methods=retrain%2Cifru';

/** Serious and critical axe violations, as "rule: target" lines (empty when there are none). */
async function axeProblems(page: Page): Promise<string[]> {
  const t0 = Date.now();
  const { violations } = await new AxeBuilder({ page }).analyze();
  test.info().annotations.push({ type: 'axe seconds', description: ((Date.now() - t0) / 1000).toFixed(1) });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

/** Everything wider than the window or than its own box, at the current viewport. */
async function overflows(page: Page) {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) out.push(`page ${doc.scrollWidth} > ${window.innerWidth}`);
    for (const el of document.querySelectorAll<HTMLElement>('.panel, figure, .table-scroll, .tour')) {
      const r = el.getBoundingClientRect();
      const name = el.dataset.testid ?? el.getAttribute('aria-label') ?? el.className;
      if (r.left < -0.5 || r.right > window.innerWidth + 0.5) out.push(`${name} spans ${r.left.toFixed(0)}–${r.right.toFixed(0)}`);
      // A table may scroll inside its .table-scroll box; nothing else may be wider than its box.
      if (!el.classList.contains('table-scroll') && el.scrollWidth > el.clientWidth + 1) out.push(`${name} content ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
}

/** Text in charts smaller than `min` CSS pixels on screen (SVG text scaled by its viewBox included). */
async function smallText(page: Page, min: number) {
  return page.evaluate((min) => {
    const out: string[] = [];
    const roots = document.querySelectorAll('figure, .charts');
    for (const root of roots) {
      for (const t of root.querySelectorAll<SVGTextElement>('svg text')) {
        if (!t.textContent?.trim() || t.getBBox().width === 0) continue;
        const m = t.getScreenCTM();
        const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1); // rotated text too
        if (px < min - 0.05) out.push(`"${t.textContent}" ${px.toFixed(1)} px`);
      }
      for (const t of root.querySelectorAll<HTMLElement>('.recharts-legend-item-text, .chart-legend li')) {
        const px = parseFloat(getComputedStyle(t).fontSize);
        if (px < min - 0.05) out.push(`legend "${t.textContent}" ${px.toFixed(1)} px`);
      }
    }
    return out;
  }, min);
}

test('results fit the window at 390, 1024 and 1440 px, and chart text is at least 12 px at 1440', async ({ page, watched }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LINK);
  await resultsComplete(page, 150_000);
  for (const width of [390, 1024, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300); // ResizeObserver and recharts settle
    expect(await overflows(page), `at ${width} px`).toEqual([]);
    await page.screenshot({ path: `test-results/access-results-${width}.png`, fullPage: true });
  }
  expect(await smallText(page, 12)).toEqual([]);
  // Every chart is named, and its numbers are a click away as a table: the numbers the bars draw.
  const tables: Record<string, string[][]> = {};
  for (const id of ['neighbourhood', 'map', 'hops', 'scatter', 'lesson']) {
    const fig = page.getByTestId(`fig-${id}`);
    await expect(fig.getByRole('img').first()).toHaveAccessibleName(/.{20,}/);
    await fig.getByText('Show data').click();
    // The table renders when the details open: a retrying check, not a count taken at once.
    await expect.poll(() => fig.locator('details table tbody tr').count(), { message: id }).toBeGreaterThan(0);
    tables[id] = (await figureData(fig)).rows;
  }
  for (const id of ['hops', 'lesson']) {
    const series = tables[id][0].slice(1).map((_, s) => column(tables[id], s + 1));
    expectBarsDraw(await barHeights(page.getByTestId(`fig-${id}`)), series, id);
  }
  // No chart is an unnamed Tab stop (recharts' role="application" surface).
  await expect(page.locator('[role=application]')).toHaveCount(0);
  // The forgotten-items column counts out of the forget set: all of u39's train interactions, as the
  // Forget panel gives them (from the data, not from the report).
  const trainOfU39 = Number(/^(\d+) train interactions$/.exec((await page.getByText(/^\d+ train interactions$/).textContent())!)![1]);
  expect(trainOfU39).toBeGreaterThan(20);
  const counts = await page.getByTestId('metrics-table').locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent?.trim() ?? '', tr.querySelectorAll('td')[2]?.textContent ?? '']),
  );
  const ofM = counts.filter(([, c]) => c !== '–'); // the noise floor's row has none
  expect(ofM.map(([row]) => row)).toEqual(expect.arrayContaining(['Original (before)', 'Retrain', 'IFRU']));
  for (const [row, c] of ofM) expect(/^\d+ of (\d+)$/.exec(c)?.[1], row).toBe(String(trainOfU39));
  await expect(page.locator('.result-summary')).toContainText(`— ${trainOfU39} interactions`);
  // The training curve's ticks print as they are (0.25 is not "0.3").
  await expect(page.getByTestId('metric-chart').locator('text', { hasText: /^0\.25$/ })).toHaveCount(1);

  // The tour box stays on a phone's screen.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.getByRole('button', { name: 'Guided tour' }).click();
  const box = (await page.getByRole('complementary', { name: 'Guided tour' }).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(box.y + box.height).toBeLessThanOrEqual(800);
  expect(watched.errors).toEqual([]);
});

test('no serious or critical axe violations when opened, trained, touring and with results; the tour finishes', async ({ page, watched }) => {
  await openApp(page);
  expect(await axeProblems(page), 'opening').toEqual([]);

  await page.getByLabel('Epochs').fill('3');
  await page.getByTestId('train').click();
  await expect(page.getByTestId('epoch-status')).toContainText('epoch 3/3', { timeout: 90_000 });
  await expect(page.getByTestId('train')).toBeEnabled();
  await expect(page.getByTestId('fig-map')).toBeVisible();
  expect(await axeProblems(page), 'trained').toEqual([]);

  await page.getByRole('button', { name: 'Guided tour' }).click();
  const tour = page.getByRole('complementary', { name: 'Guided tour' });
  await expect(tour).toBeFocused();
  await expect(tour).toContainText('Step 2 of 4');
  expect(await axeProblems(page), 'tour').toEqual([]);

  await tour.getByRole('button', { name: /^Pick / }).click();
  await page.getByLabel('IFRU (pruned)').uncheck();
  await page.getByLabel('IF (direct)').uncheck();
  const forgetNow = tour.getByRole('button', { name: 'Forget now' });
  await forgetNow.click();
  await resultsComplete(page, 120_000);
  // The user acted in the tour: the focus stays there, on the same button, now the last step's.
  await expect(tour).toContainText('Step 4 of 4');
  await expect(tour.getByRole('button', { name: 'Show me the chart' })).toBeFocused();
  await expect(page.getByTestId('announcer')).toContainText('Results ready');

  // The last step finishes the tour and gives the focus back to the button that opened it.
  await tour.getByRole('button', { name: 'Finish' }).click();
  await expect(tour).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Guided tour' })).toBeFocused();
  expect(await axeProblems(page), 'results').toEqual([]);
  expect(watched.errors).toEqual([]);
});

test('keyboard only: skip to Train, the focus stays, the map comes before Forget, results take the focus', async ({ page, watched, context }) => {
  await openApp(page);
  await page.getByLabel('Epochs').fill('3');
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // Two key presses reach Train: Tab to the skip link, Enter.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to Train' })).toBeFocused();
  await page.keyboard.press('Enter');
  const train = page.getByTestId('train');
  await expect(train).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('epoch-status')).toContainText('epoch 3/3', { timeout: 90_000 });
  await expect(train).toBeEnabled();
  await expect(train).toBeFocused();
  await expect(page.getByTestId('announcer')).toContainText('Model trained');

  // Tab on from Train: the map comes before anything in the Forget panel.
  const map = page.getByRole('img', { name: /Embedding map/ });
  const forgetPanel = page.locator('section[aria-labelledby=forget-h]');
  let tabs = 0;
  for (; tabs < 20; tabs++) {
    await page.keyboard.press('Tab');
    if (await map.evaluate((el) => el === document.activeElement)) break;
    expect(await forgetPanel.evaluate((el) => el.contains(document.activeElement))).toBe(false);
  }
  expect(tabs).toBeLessThan(10);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  // The pick lands in the field once the page has handled the key (the test waits for it, not a frame).
  await expect(page.getByLabel(/User \(type an id/)).not.toHaveValue('');
  const user = await page.getByLabel(/User \(type an id/).inputValue();

  // On to Forget, and Enter: the results heading takes the focus, a live region says what happened.
  const forget = page.getByTestId('unlearn');
  for (tabs = 0; tabs < 25; tabs++) {
    await page.keyboard.press('Tab');
    if (await forget.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(forget).toBeFocused();
  await page.keyboard.press('Enter');
  await resultsComplete(page, 120_000);
  await expect(page.getByRole('heading', { name: 'Results', exact: true })).toBeFocused();
  await expect(page.getByTestId('announcer')).toContainText(`Results ready: forgot user ${user}`);

  // Terms explain themselves one click away, and Escape closes the explanation.
  await page.getByRole('button', { name: 'What is MIA AUC?' }).click();
  const note = page.getByRole('note').filter({ hasText: 'Membership-inference' });
  await expect(note).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(note).toBeHidden();
  await page.getByRole('button', { name: 'What is proximal reference?' }).click();
  await expect(page.getByRole('note').filter({ hasText: 'Reference (paired / proximal)' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.locator('header').getByRole('button', { name: 'Glossary' }).click();
  await expect(page.locator('#glossary')).toHaveAttribute('open', '');
  await expect(page.locator('#glossary')).toContainText('CG');
  await expect(page.locator('#glossary')).toContainText('SpMM');

  // Copy link: visible and spoken feedback, and the clipboard holds the link.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
  expect(watched.errors).toEqual([]);
});
