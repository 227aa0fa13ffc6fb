import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GLOSSARY, glossary } from './glossary';

describe('glossary', () => {
  it('resolves the reference by either name', () => {
    expect(glossary('paired reference')).toBeDefined();
    expect(glossary('Proximal reference')).toBe(glossary('paired reference'));
  });

  it('has every term the explorer shows, and no name claimed twice', () => {
    for (const t of ['MIA AUC', 'AUC test / forget', 'Forget-set mean rank', 'paired reference', 'SpMM', 'CG', 'noise floor', 'drift', 'stationarity']) {
      expect(glossary(t)?.text.length, t).toBeGreaterThan(40);
    }
    const keys = GLOSSARY.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    // A name may repeat its own key, never another entry's.
    for (const e of GLOSSARY) for (const n of [e.key, ...e.names]) expect(glossary(n), n).toBe(e);
  });

  it('resolves every term the page marks (a Term whose name is missing would show no help, silently)', () => {
    const names = sources(fileURLToPath(new URL('./components', import.meta.url))).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/<Term\s+name="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(glossary(n), n).toBeDefined();
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx$/.test(name) ? [p] : [];
  });
}
