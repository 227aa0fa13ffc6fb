import { test, expect, openApp, resultsComplete } from './fixtures';
import type { Page } from '@playwright/test';

// Issue 14's behaviour items on the small preset with few epochs (CI has 2 cores).
const QUICK = 'epochs=3&methods=retrain%2Cif%2Cifru';

/** A small implicit-feedback file: 40 users × 60 items, 10 distinct items each, from a fixed LCG. */
function ratingsCsv(ratings: (k: number) => string): string {
  let x = 12345;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const lines = ['user,item,rating'];
  let k = 0;
  for (let u = 0; u < 40; u++) {
    const seen = new Set<number>();
    while (seen.size < 10) seen.add((rand(60) + u) % 60);
    for (const i of seen) lines.push(`a${u},i${i},${ratings(k++)}`);
  }
  return `${lines.join('\n')}\n`;
}

const hashParam = (page: Page, key: string) => new URLSearchParams(new URL(page.url()).hash.slice(1)).get(key);

test('the user id is typed key by key, checked on Enter, blur and Forget; whole-user results show neighbours and computed captions; a pasted link applies', async ({ page, watched }) => {
  await page.goto(`/#${QUICK}`);
  await expect(page.getByTestId('unlearn')).toBeVisible({ timeout: 90_000 });
  const box = page.getByLabel(/User \(type an id/);

  // Typing key by key keeps every keystroke; Enter makes it the request.
  await box.click();
  await box.pressSequentially('u12');
  await expect(box).toHaveValue('u12');
  await box.press('Enter');
  expect(hashParam(page, 'forget')).toBe('user:u12');

  // Replacing a picked id by typing gives exactly the typed id (not a mix of both).
  await box.fill('');
  await box.pressSequentially('u39');
  await box.press('Tab');
  expect(hashParam(page, 'forget')).toBe('user:u39');
  await box.click();
  await box.press('ControlOrMeta+a');
  await box.pressSequentially('u7');
  await expect(box).toHaveValue('u7');
  await box.press('Tab');
  expect(hashParam(page, 'forget')).toBe('user:u7');

  // A wrong id says why and forgets nobody.
  await box.fill('u9999');
  await page.getByTestId('unlearn').click();
  await expect(page.getByTestId('user-id-error')).toContainText('“u9999” is not a user id');
  expect(hashParam(page, 'forget')).toBeNull();
  await expect(page.getByTestId('explorer')).toHaveCount(0);

  // A valid id runs; the progress shows with the time left, in view: the block in the Forget panel, or the
  // bar docked at the top of the window when the panel's block is scrolled away.
  await box.fill('u39');
  await page.getByTestId('unlearn').click();
  const bar = page.getByTestId('run-progress').getByRole('progressbar').first();
  await expect(bar).toBeVisible();
  const progressInView = () =>
    page.evaluate(() =>
      ['run-progress', 'run-dock'].some((id) => {
        const r = document.querySelector(`[data-testid=${id}]`)?.getBoundingClientRect();
        return !!r && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
      }),
    );
  await expect.poll(progressInView).toBe(true);
  await expect(page.getByTestId('run-progress')).toContainText(/step \d+ of \d+/);
  await expect(page.getByTestId('run-progress')).toContainText(/done|% ·/);
  await resultsComplete(page, 120_000);

  // Whole-user deletion: no list for the deleted user, their neighbours' lists before and after.
  const top = page.getByTestId('fig-top20');
  await expect(top).toContainText('User u39 is gone');
  await expect(top.locator('li.forgotten')).toHaveCount(0);
  const columns = top.getByTestId('neighbour-lists').locator(':scope > div');
  await expect(columns).toHaveCount(5); // before, paired reference, Retrain, IF, IFRU
  // The caption's counts are the marked items on screen.
  const caption = (await top.locator('figcaption').textContent()) ?? '';
  const neighbour = (await columns.first().locator('h4').textContent())!.replace(' before', '');
  const counts: string[] = [];
  for (let c = 1; c < 5; c++) {
    const label = (await columns.nth(c).locator('h4').textContent())!;
    const n = await columns.nth(c).locator('li.entered').count();
    counts.push(`${label} ${n}`);
  }
  expect(caption).toContain(`Items that entered ${neighbour}'s top-20 (marked +)`);
  for (const c of counts) expect(caption).toContain(c);

  // The headline: one line per method with time, closeness and whether it forgot, from the table's figures.
  const lines = page.getByTestId('headline').locator('li');
  await expect(lines).toHaveCount(3);
  const table = page.getByTestId('metrics-table');
  const rankOf = async (row: number) => (await table.locator('tbody tr').nth(row).locator('td').nth(3).textContent())!.trim();
  const retrainRank = await rankOf(1);
  for (let k = 0; k < 3; k++) {
    const text = (await lines.nth(k).textContent()) ?? '';
    expect(text).toMatch(/\d+(\.\d+)? m?s/);
    expect(text).toContain(`mean rank ${await rankOf(k + 1)}`);
    if (k > 0) {
      expect(text).toMatch(/× (faster|slower) than Retrain/);
      expect(text).toMatch(/(did not forget|forgot partly|forgot like Retrain): .*Retrain's (\d|,)+/);
      expect(text).toContain(`vs Retrain's ${retrainRank}`);
    }
  }

  // Pasting another experiment link into the open tab applies it without a reload.
  await page.evaluate((h) => {
    window.location.hash = h;
  }, `${QUICK}&forget=user%3Au54`);
  await expect(page.locator('.result-summary')).toContainText('user u54', { timeout: 120_000 });
  await expect(page.getByTestId('fig-top20')).toContainText('User u54 is gone');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'test-results/behaviour-results-1440.png', fullPage: true });
  await page.locator('.result-summary').screenshot({ path: 'test-results/behaviour-headline-1440.png' });
  await page.getByTestId('fig-top20').screenshot({ path: 'test-results/behaviour-top20-1440.png' });
  expect(watched.errors).toEqual([]);
});

test('a file whose ratings are all NaN loads and says that ratings were ignored', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'nan.csv', mimeType: 'text/csv', buffer: Buffer.from(ratingsCsv(() => 'NaN')) });
  await expect(page.getByTestId('dataset-summary')).toContainText('nan.csv');
  await expect(page.getByRole('status').filter({ hasText: 'None of the 400 ratings is a number' })).toContainText('Ratings were ignored');
});

test('a link to an uploaded file works in the same browser, and in a fresh profile names the file and continues once it is loaded', async ({ page, browser }) => {
  const file = { name: 'my-ratings.csv', mimeType: 'text/csv', buffer: Buffer.from(ratingsCsv((k) => String(1 + (k % 5)))) };
  await page.goto(`/#${QUICK}`);
  await expect(page.getByTestId('dataset-summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('unlearn')).toBeVisible({ timeout: 90_000 }); // the preset's model; the file replaces it
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('dataset-summary')).toContainText('my-ratings.csv');
  expect(hashParam(page, 'data')).toMatch(new RegExp(`^file:[0-9a-f]{64}:${file.buffer.length}:my-ratings\\.csv$`));
  await page.getByTestId('train').click();
  await expect(page.getByTestId('unlearn')).toBeVisible({ timeout: 90_000 });
  await page.getByLabel(/User \(type an id/).fill('a3');
  await page.getByTestId('unlearn').click();
  await resultsComplete(page, 120_000);
  const url = page.url();
  const hash = hashParam(page, 'data')!.split(':')[1];

  // Same browser: the file comes from IndexedDB.
  const again = await page.context().newPage();
  await again.goto(url);
  await expect(again.locator('.result-summary')).toContainText('user a3', { timeout: 120_000 });
  await again.close();

  // A fresh profile: the page names the file and continues once it is loaded.
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await fresh.newPage();
  await other.goto(url);
  const needed = other.getByTestId('needed-file');
  await expect(needed).toContainText('my-ratings.csv', { timeout: 60_000 });
  await expect(needed).toContainText(`${file.buffer.length.toLocaleString('en-US')} bytes`);
  await expect(needed).toContainText(hash.slice(0, 12));
  await expect(other.getByTestId('dataset-summary')).toHaveCount(0);
  // Another file is refused with both files named.
  await other.getByTestId('file-input').setInputFiles({ ...file, name: 'other.csv', buffer: Buffer.from(ratingsCsv(() => '5')) });
  await expect(other.getByRole('alert').filter({ hasText: 'is not the file this link needs' })).toContainText('my-ratings.csv');
  await other.getByTestId('file-input').setInputFiles(file);
  await expect(other.locator('.result-summary')).toContainText('user a3', { timeout: 150_000 });
  await fresh.close();
});
