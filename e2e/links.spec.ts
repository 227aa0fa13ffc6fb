import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// Issue 24, item 5: opened from a link, the page names every value it ignored (as it already did for
// out-of-range numbers and unknown keys), and the link it writes back no longer carries the value.

const hashParam = (page: Page, key: string) => new URLSearchParams(new URL(page.url()).hash.slice(1)).get(key);

async function opens(page: Page, link: string, said: string | RegExp): Promise<void> {
  await page.goto(`/#${link}`);
  await expect(page.getByRole('status').filter({ hasText: said })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dataset-summary')).toContainText('synthetic-small', { timeout: 60_000 });
}

test('#data=nosuchpreset: the small preset loads, and the page says the link named no data set it has', async ({ page, watched }) => {
  await opens(page, 'data=nosuchpreset&epochs=1', 'Link: "data=nosuchpreset" names no bundled data set (synthetic-small, synthetic-ml100k)');
  await expect(page.getByRole('status').filter({ hasText: 'nosuchpreset' })).toContainText('using synthetic-small');
  expect(hashParam(page, 'data')).toBeNull();
  expect(watched.errors).toEqual([]);
});

test('#methods=__proto__,constructor: no such methods, said; the default methods run', async ({ page, watched }) => {
  await opens(page, 'methods=__proto__%2Cconstructor&epochs=1', /Link: "methods=__proto__,constructor": "__proto__", "constructor" are no method here \(known: retrain, .*\); using retrain, if, ifru, ifru-pruned/);
  await expect(page.getByRole('checkbox', { name: /^IFRU \(pruned\)/ })).toBeChecked({ timeout: 60_000 });
  expect(hashParam(page, 'methods')).toBeNull();
  expect(watched.errors).toEqual([]);
});

test('#methods=ifru,bogus: IFRU runs, and the page says bogus is no method', async ({ page, watched }) => {
  await opens(page, 'methods=ifru%2Cbogus&epochs=1', /Link: "methods=ifru,bogus": "bogus" is no method here \(known: retrain, /);
  await expect.poll(() => hashParam(page, 'methods')).toBe('ifru');
  expect(watched.errors).toEqual([]);
});

test('#forget=random%3A5: no forget request, and the page gives the reason the CLI gives', async ({ page, watched }) => {
  await opens(page, 'forget=random%3A5&epochs=1', 'Link: "forget=random:5" is not a forget request (random fraction must be in (0, 1), got 5); using none');
  expect(hashParam(page, 'forget')).toBeNull();
  expect(watched.errors).toEqual([]);
});
