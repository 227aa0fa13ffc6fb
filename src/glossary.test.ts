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
    const names = GLOSSARY.flatMap((e) => [e.key, ...e.names].map((n) => n.toLowerCase()));
    const keys = GLOSSARY.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    // A name may repeat its own key, never another entry's.
    for (const e of GLOSSARY) for (const n of e.names) expect(glossary(n)).toBe(e);
    expect(names.length).toBeGreaterThan(GLOSSARY.length);
  });
});
