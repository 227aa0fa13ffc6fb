import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect, resultsComplete } from './fixtures';

// The guided tour's user on the small preset, the page's default methods (Retrain, IF, IFRU, IFRU-pruned).
const LINK = '/#forget=user%3Au14';

/** A figure's "Show data" table as rows of cell texts (header row excluded). */
async function shownData(fig: Locator): Promise<string[][]> {
  const details = fig.locator('details.chart-data');
  if (!(await details.getAttribute('open'))) await details.locator('summary').click();
  const rows = details.locator('tbody tr');
  await expect.poll(() => rows.count()).toBeGreaterThan(0);
  return rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())));
}

/** The metrics table's cells by row label (the first cell) and column index. */
async function metricsTable(page: Page): Promise<Map<string, string[]>> {
  const rows = await page.getByTestId('metrics-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())));
  return new Map(rows.map((r) => [r[0].replace(/\s+/g, ' ').replace(/\?/g, '').trim(), r.slice(1)]));
}

const num = (s: string) => parseFloat(s.trim().replace(/^[^0-9.-]+/, ''));
const ms = (s: string) => (/ s\b/.test(s) ? 1000 * parseFloat(s) : parseFloat(s));

/** A screenshot of a figure once it has painted (offscreen figures skip rendering until scrolled near). */
async function shoot(fig: Locator, path: string): Promise<void> {
  await fig.scrollIntoViewIfNeeded();
  await expect.poll(() => fig.locator('svg').first().evaluate((s) => (s as SVGSVGElement).getBBox().width)).toBeGreaterThan(0);
  await fig.screenshot({ path });
}

async function axeProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
}

test('the spillover picture is right and readable, and its numbers are those of Movement per hop', async ({ page, watched }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LINK);
  await resultsComplete(page);
  const graph = page.getByTestId('fig-neighbourhood');
  // Labelled rings and centre.
  const labels = graph.getByTestId('ring-labels');
  for (const t of ['hop 1 · items of u14', 'hop 2 · users who share them', 'hop 3 · their items', 'u14', '(deleted)']) await expect(labels.locator('text', { hasText: t }).first()).toBeVisible();
  // True per-hop totals: u14's 30 items are all hop 1 and all drawn; hop 1 + hop 3 items and hop 2 users
  // fit in the data set (300 items, 150 users).
  const rows = await shownData(graph);
  const [h1, h2, h3] = rows;
  expect(num(h1[2])).toBe(30);
  expect(h1[4]).toBe('30 of 30');
  expect(num(h1[2]) + num(h3[2])).toBeLessThanOrEqual(300);
  expect(num(h2[2])).toBeLessThanOrEqual(149);
  // The picture's mean per hop is Movement per hop's reference bar, digit for digit.
  const hops = await shownData(page.getByTestId('fig-hops'));
  expect(rows.map((r) => r[3])).toEqual(hops.map((r) => r[1]));
  // Hop 2 shows: on the log scale its mean sits well above the dark end, hop 3 above it too.
  const at = async (h: number) => Number(await graph.getByTestId(`hop-marker-${h}`).locator('line').getAttribute('x1')) / 440;
  expect(await at(2)).toBeGreaterThan(0.3);
  expect(await at(3)).toBeGreaterThan(0.15);
  expect(await at(1)).toBeGreaterThan(await at(2));
  // "IFRU − IF (direct)" recolours the nodes with what the spillover term alone moves.
  const fills = () => graph.locator('svg circle[fill^="rgb"]').evaluateAll((cs) => cs.map((c) => c.getAttribute('fill')));
  const before = await fills();
  await graph.getByLabel('Colour nodes by').selectOption('ifru-if');
  await expect(graph.locator('figcaption')).toContainText('the spillover term alone');
  const after = await fills();
  expect(after).toHaveLength(before.length);
  expect(after.filter((f, k) => f !== before[k]).length).toBeGreaterThan(before.length / 2);
  // Movement per hop has the free part: no update at all (the graph change alone).
  expect((await page.getByTestId('fig-hops').locator('thead th').allTextContents())).toContain('No update (graph only)');
  expect(watched.errors).toEqual([]);
});

test('a headline a class reads in ten seconds, the two references, and numbers that agree with their twins', async ({ page, watched }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LINK);
  await resultsComplete(page);
  const head = page.getByTestId('headline-table');
  const cells = await head.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())));
  expect(cells.map((r) => r[0])).toEqual(['Retrain', 'IF (direct)', 'IFRU', 'IFRU (pruned)', 'Proximal reference']);
  const byName = new Map(cells.map((r) => [r[0], r.slice(1)]));
  const table = await metricsTable(page);
  const fidelity = new Map(
    (await page.getByTestId('fidelity-table').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())))).map((r) => [r[0], r.slice(1)]),
  );
  const retrainMs = ms(byName.get('Retrain')![0]);
  for (const m of ['IF (direct)', 'IFRU', 'IFRU (pruned)']) {
    const [time, , distance, recall] = byName.get(m)!;
    // Time: the metrics table's first request; the speed-up is Retrain's time over it.
    const first = table.get(m)![8].split(' / ')[0];
    expect(time.startsWith(first)).toBe(true);
    const speedup = num(time.split('·')[1]);
    expect(Math.abs(retrainMs / ms(first) / speedup - 1)).toBeLessThan(0.06);
    // Distance: the fidelity table's parameter relative error, rounded.
    expect(distance).toBe(num(fidelity.get(m)![0]).toFixed(2));
    // Recall@20: the metrics table's, and its share of Retrain's.
    expect(recall.split(' ')[0]).toBe(table.get(m)![0]);
    const share = num(recall.split('(')[1]);
    expect(Math.abs(share - (100 * num(table.get(m)![0])) / num(table.get('Retrain')![0]))).toBeLessThan(0.06);
  }
  // The proximal reference's own row in the metrics table, and the same figures in the headline.
  expect(byName.get('Proximal reference')![3].split(' ')[0]).toBe(table.get('Proximal reference')![0]);
  // One computed sentence: the closest method is the row with the smallest distance.
  const methods = ['IF (direct)', 'IFRU', 'IFRU (pruned)'];
  const best = methods.reduce((a, b) => (num(byName.get(b)![2]) < num(byName.get(a)![2]) ? b : a));
  await expect(page.getByTestId('headline-sentence')).toContainText(`${best} came closest to what the deletion does (distance ${byName.get(best)![2]}`);
  // Errors, cosines and baselines live under Details.
  const details = page.getByTestId('result-details');
  await expect(details.getByTestId('headline')).toBeHidden();
  await details.locator('summary').click();
  await expect(details.getByTestId('headline').locator('li')).toHaveCount(4);

  // The two references: what each answers, and why scratch retraining cannot answer the second —
  // with Retrain's and the noise floor's distances as the fidelity table and the noise-floor figure give them.
  const story = page.getByTestId('two-references');
  await expect(story).toContainText('is the model as good, and has it forgotten?');
  await expect(story).toContainText('did the method move the model the way the deletion does?');
  const retrainDistance = num(fidelity.get('Retrain')![0]);
  await expect(story.getByTestId('why-not-retrain')).toContainText(`Retrain is at distance ${retrainDistance >= 10 ? retrainDistance.toFixed(0) : retrainDistance.toFixed(2)}`);
  await expect(story.getByTestId('fig-lesson')).toBeVisible();
  const noiseDistance = (await story.getByTestId('fig-lesson').locator('figcaption').textContent())!.match(/distance to the reference is ([0-9.]+)/)![1];
  await expect(story.getByTestId('why-not-retrain')).toContainText(`(all the data, seed + 1: the noise floor) at ${noiseDistance}`);

  // The Train panel's Recall@20 equals the table's "Original (before)", or a note says why, quoting both.
  const panel = (await page.getByTestId('recall').textContent())!.trim();
  const original = (await page.getByTestId('original-recall').textContent())!.trim();
  if (original !== panel) {
    const note = page.getByTestId('twin-notes').locator('[data-note=original-recall]');
    await expect(note).toContainText(`The Train panel masks every training interaction: ${panel}`);
    await expect(note).toContainText(`Recall@20 ${original}`);
  }
  // The time chart plots first requests, as the headline does (it plotted cached times, unlabelled): on
  // its log axis (pixels per e-fold read off its own ticks), bar heights differ by the logs of those times.
  const timeChart = page.getByTestId('fig-metrics').getByRole('img', { name: /time of each method's first request/ });
  const heights = await timeChart.locator('.recharts-bar-rectangle').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().height));
  // (recharts draws at CSS-pixel scale: a tick's y attribute is its position in pixels)
  const ticks = await timeChart.locator('.recharts-yAxis-tick-labels text').evaluateAll((ts) => ts.map((t) => ({ label: t.textContent ?? '', y: Number(t.getAttribute('y')) })));
  const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
  const perLog = Math.abs(lo.y - hi.y) / Math.abs(Math.log(ms(hi.label) / ms(lo.label)));
  const names = ['Retrain', 'IF (direct)', 'IFRU', 'IFRU (pruned)'];
  const firstMs = names.map((m) => ms(table.get(m)![8].split(' / ')[0]));
  expect(heights).toHaveLength(4);
  for (let k = 1; k < 4; k++) expect(Math.abs(heights[0] - heights[k] - perLog * Math.log(firstMs[0] / firstMs[k])), names[k]).toBeLessThan(3);
  // The fidelity chart clips Retrain's bar and prints its value.
  await expect(page.getByTestId('fig-fidelity').locator('g[data-clipped=paramRelErr] text').first()).toHaveText(retrainDistance.toFixed(1));

  // The exports say the same: the reference's and the original's rows and the notes.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = await (await dl.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8'));
  expect(csv).toContain('reference,Proximal reference');
  expect(csv).toMatch(/original,Original \(before\),/);
  const [dj] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  const json = JSON.parse(await (await dj.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  expect(json.headline.sentence).toBe(await page.getByTestId('headline-sentence').textContent());
  expect(json.notes.map((n: { key: string }) => n.key)).toContain('times');
  expect(watched.errors).toEqual([]);
});

test('class mode: a toggle in the link, larger text, the lesson first, diagnostics folded; axe clean; keyboard', async ({ page, watched }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(LINK);
  await resultsComplete(page);
  const table = await page.getByTestId('metrics-table').locator('tbody tr td:nth-child(2)').allTextContents();

  // Keyboard: Tab from the tour button reaches the toggle; Space switches it on.
  const toggle = page.getByTestId('class-mode');
  await page.getByRole('button', { name: 'Guided tour' }).focus();
  await page.keyboard.press('Tab');
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle).toBeFocused();
  expect(page.url()).toContain('class=1');
  // Nothing reran: the same results (the figures draw again, one per task, in the new order).
  await expect.poll(() => page.getByTestId('metrics-table').locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(table);
  await expect(page.getByTestId('explorer')).toHaveAttribute('data-status', 'complete');

  // The lesson first: the spillover picture, movement per hop, the neighbours' top-20 changes.
  const lesson = page.getByTestId('lesson-figures');
  expect(await lesson.locator('figure').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-testid')))).toEqual(['fig-neighbourhood', 'fig-hops', 'fig-top20']);
  await expect(lesson.getByTestId('neighbour-changes')).toBeVisible();
  // Diagnostics folded: the μ sweep and the transformer are in a closed disclosure.
  const diagnostics = page.getByTestId('diagnostics');
  await expect(diagnostics).not.toHaveAttribute('open', '');
  await expect(page.getByTestId('fig-horizon')).toBeHidden();
  await diagnostics.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('fig-horizon')).toBeVisible();
  // Larger text: the page's and the figures'.
  expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeGreaterThanOrEqual(19);
  // (Offscreen figures skip rendering: the picture is measured in view, where its text has boxes.)
  const picture = page.getByTestId('fig-neighbourhood');
  await picture.scrollIntoViewIfNeeded();
  await expect.poll(() => picture.locator('svg text').first().evaluate((t) => (t as SVGTextElement).getBBox().width)).toBeGreaterThan(0);
  const sizes = await picture.locator('svg text').evaluateAll((ts) =>
    ts
      .filter((t) => (t.textContent ?? '').trim() && (t as SVGTextElement).getBBox().width > 0)
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * ((t as SVGTextElement).getScreenCTM()?.a ?? 1)),
  );
  expect(sizes.length).toBeGreaterThan(10);
  expect(sizes.filter((px) => px < 17.95)).toEqual([]);
  for (const width of [1440, 1024, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `at ${width} px`).toBe(true);
    await shoot(page.getByTestId('fig-neighbourhood'), `test-results/lesson-class-graph-${width}.png`);
    await page.screenshot({ path: `test-results/lesson-class-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(await axeProblems(page)).toEqual([]);
  // The link keeps it; switching it off leaves the link as it was.
  await page.reload();
  await expect(page.getByTestId('class-mode')).toHaveAttribute('aria-pressed', 'true');
  await resultsComplete(page);
  await page.getByTestId('class-mode').click();
  expect(page.url()).not.toContain('class=');
  await expect(page.getByTestId('lesson-figures')).toHaveCount(0);
  for (const width of [1440, 1024, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    await shoot(page.getByTestId('fig-neighbourhood'), `test-results/lesson-graph-${width}.png`);
  }
  expect(watched.errors).toEqual([]);
});
