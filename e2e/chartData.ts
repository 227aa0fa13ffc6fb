/**
 * What a figure shows, read back from the page: the numbers of its "Show data" table and the bars
 * recharts drew, so a test can check values (the chart draws its table) instead of counting elements.
 */
import type { Locator } from '@playwright/test';
import { expect } from './fixtures';

/** The figure's "Show data" table (opened if closed): column names and the rows' cells as text. */
export async function figureData(fig: Locator): Promise<{ columns: string[]; rows: string[][] }> {
  const details = fig.locator('details.chart-data');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  const table = details.locator('table');
  await expect(table.locator('tbody tr').first()).toBeVisible();
  return {
    columns: await table.locator('thead th').allTextContents(),
    rows: await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? ''))),
  };
}

/** Heights in px of the bars of each series (legend order), one per data row, within `root`. */
export async function barHeights(root: Locator): Promise<number[][]> {
  return root.locator('.recharts-bar').evaluateAll((series) =>
    series.map((s) => [...s.querySelectorAll('.recharts-bar-rectangle')].map((r) => (r.querySelector('path') as SVGPathElement | null)?.getBBox().height ?? 0)),
  );
}

/**
 * Expects the bars to draw `values` (values[series][row]) on one linear axis from 0: every height is the
 * same multiple of its value, to a pixel (the table prints 4 significant digits).
 */
export function expectBarsDraw(heights: number[][], values: number[][], what: string): void {
  expect(heights.map((s) => s.length), `${what}: bars per series`).toEqual(values.map((s) => s.length));
  const flat = values.flat();
  expect(flat.every((v) => Number.isFinite(v) && v >= 0), `${what}: values ${flat}`).toBe(true);
  const top = flat.indexOf(Math.max(...flat));
  const perUnit = heights.flat()[top] / flat[top];
  expect(perUnit, what).toBeGreaterThan(0);
  heights.flat().forEach((h, k) => expect(Math.abs(h - perUnit * flat[k]), `${what}: bar ${k} (${flat[k]})`).toBeLessThan(1 + 0.002 * h));
}

/** Column `c` of the table's rows as numbers. */
export const column = (rows: string[][], c: number): number[] => rows.map((r) => Number(r[c]));
