import { describe, expect, it } from 'vitest';
import { costCaption, costPoints } from './cost';

const m = (label: string, ms: number, recallRatio: number, extra: object = {}) => ({ label, ms, firstRequestMs: ms, recallRatio, speedup: 1000 / ms, ...extra });
const methods = ['retrain', 'sisa', 'receraser', 'ifru', 'if'].map((name) => ({ name, colour: '#000000' }));

describe('utility against cost', () => {
  it('one point per landed method with a ratio; exact ones marked, shards counted', () => {
    const report = {
      retrain: m('Retrain', 1000, 1, { exact: true }),
      sisa: m('SISA', 300, 0.8, { exact: true, shards: 4, shardsRetrained: 1, firstRequestMs: 1300 }),
      ifru: m('IFRU', 10, NaN),
    };
    const points = costPoints(methods, report);
    expect(points.map((p) => p.name)).toEqual(['retrain', 'sisa']);
    expect(points[1]).toMatchObject({ exact: true, shards: { retrained: 1, of: 4 }, firstMs: 1300, speedup: 1000 / 300 });
  });

  it('the caption reads the points: partial retraining damages utility here', () => {
    const points = costPoints(methods, {
      retrain: m('Retrain', 1000, 1, { exact: true }),
      sisa: m('SISA', 300, 0.8, { exact: true, shards: 4, shardsRetrained: 1, firstRequestMs: 1300 }),
      receraser: m('RecEraser', 400, 0.85, { exact: true, shards: 4, shardsRetrained: 1 }),
      ifru: m('IFRU', 10, 0.99),
      if: m('IF (direct)', 5, 1.01),
    });
    const c = costCaption(points);
    expect(c).toContain('Retrain: 1 at 1.00 s');
    expect(c).toContain("SISA, exact: 0.80 of Retrain's Recall@20 at 3.3× its speed (retrained 1 of 4 shards)");
    expect(c).toContain("RecEraser, exact: 0.85 of Retrain's Recall@20 at 2.5× its speed");
    expect(c).toContain("the approximate methods (IFRU, IF (direct)): 0.99–1.01 of Retrain's Recall@20 at 100–200× its speed");
    expect(c).toContain('Here partial retraining damages utility: every sharded ensemble keeps less of Retrain\'s Recall@20 than every approximate method, and costs more time.');
    expect(c).toContain("SISA's first request took 1.30 s");
    // While a method is still running it is named and the verdict waits for it.
    const early = costCaption(points.filter((p) => p.name !== 'receraser'), ['RecEraser']);
    expect(early).toMatch(/Still to land: RecEraser\.$/);
    expect(early).not.toContain('Here ');
  });

  it('says so when the sharded ensembles keep as much utility, and waits for Retrain', () => {
    const points = costPoints(methods, {
      retrain: m('Retrain', 1000, 1, { exact: true }),
      sisa: m('SISA', 300, 0.99, { exact: true }),
      ifru: m('IFRU', 10, 1.0),
    });
    expect(costCaption(points)).toContain('keep about the same utility');
    expect(costCaption(points.filter((p) => p.name !== 'retrain'))).toMatch(/Retrain has not landed/);
  });
});
