import { describe, expect, it } from 'vitest';
import { enteredCaption, forgottenCaption, forgottenShare, headlineLine, spilloverSentence, type HeadlineContext, type HeadlineMethod } from './captions';

const method = (over: Partial<HeadlineMethod>): HeadlineMethod => ({
  label: 'X',
  ms: 10,
  speedup: 100,
  forgetInTop20: 0,
  forgetMeanRank: 100,
  miaAuc: 0.5,
  ...over,
});

describe('captions', () => {
  it('counts forgotten items per list', () => {
    const forgotten = new Set(['a', 'c']);
    expect(
      forgottenCaption(
        [
          ['Before', ['a', 'b', 'c']],
          ['Retrain', ['b', 'd', 'e']],
          ['IFRU', ['c', 'b', 'd']],
        ],
        forgotten,
      ),
    ).toBe('Forgotten items in the top-3 (struck through): Before 2; Retrain 0; IFRU 1.');
  });

  it('counts entered items and how many the reference shares', () => {
    const ref = { label: 'paired reference', top: ['a', 'x', 'y'], entered: [false, true, true] };
    const ifru = { label: 'IFRU', top: ['x', 'a', 'z'], entered: [true, false, true] };
    const same = { label: 'IF', top: ['a', 'b', 'c'], entered: [false, false, false] };
    expect(enteredCaption('u1', [ref, ifru, same], ref)).toBe(
      "Items that entered u1's top-3 (marked +): paired reference 2; IFRU 2 (1 of them also under the reference); IF 0.",
    );
  });

  const ctx: HeadlineContext = {
    retrain: method({ label: 'Retrain', ms: 1000, speedup: 1, forgetMeanRank: 500, miaAuc: 0.4 }),
    original: { forgetMeanRank: 20, miaAuc: 0.9 },
    prepMs: 150,
  };

  it('says a fast method that barely moved the forgotten items did not forget', () => {
    const fast = method({ label: 'Fast', ms: 2, speedup: 500, forgetMeanRank: 40, miaAuc: 0.88 });
    expect(forgottenShare(fast, ctx)).toBeCloseTo(20 / 480, 12);
    const line = headlineLine('fast', fast, ctx);
    expect(line.forgotten).toBe(false);
    expect(line.forgot).toMatch(/^did not forget: forgotten items' mean rank 40 vs Retrain's 500 \(before 20, 4% of Retrain's push\)/);
    expect(line.time).toBe("2 ms (the request alone; the model's one-off cache, 150 ms, not included), 500× faster than Retrain");
    expect(line.fidelity).toBe('closeness to the reference: not measured in this run');
  });

  it('says a method that pushed the forgotten items like Retrain forgot, and shows measured speed and fidelity fields', () => {
    const good = method({ label: 'Good', ms: 5, speedup: 200, forgetMeanRank: 450, firstRequestMs: 50, speedupFirst: 20, epochEquivalentsFirst: 0.25, paramRelErr: 0.3, paramCos: 0.95 });
    const line = headlineLine('good', good, { ...ctx, baselines: [{ label: 'graph-only', paramRelErr: 1 }, { label: 'random', paramRelErr: 1.4 }] });
    expect(line.forgotten).toBe(true);
    expect(line.forgot).toMatch(/^forgot: .*90% of Retrain's push/);
    expect(line.time).toBe("50 ms on a first request, the model's one-off cache included, 20× faster than Retrain, 0.25 epochs of the original training; 5 ms once cached, 200×");
    // A method that reads no cache: its first request is its request.
    const plain = headlineLine('finetune', method({ ms: 300, speedup: 3.3, firstRequestMs: 300, epochEquivalents: 6 }), ctx);
    expect(plain.time).toBe('300 ms (the whole request), 3× faster than Retrain, 6.0 epochs of the original training');
    expect(line.fidelity).toBe('closeness to the reference: parameter error 0.30, cosine 0.95 (baselines: graph-only 1.00, random 1.40)');
  });

  it('without Retrain there is no verdict', () => {
    const line = headlineLine('ifru', method({}), { original: ctx.original });
    expect(line.forgotten).toBeNull();
    expect(line.forgot).toContain('no Retrain to compare');
  });
});

describe('spilloverSentence', () => {
  it('says the spillover term matters when IF and IFRU differ at hop 2, with each one\'s distance to the reference', () => {
    const s = spilloverSentence({ if: [0.09, 0.0333, 0.0185], ifru: [0.08, 0.0265, 0.0174], reference: [0.09, 0.0254, 0.0157] });
    expect(s).toBe(
      'Here the spillover term matters: IF-direct moves the users who share the forgotten items (hop 2) by 0.0333 on average, 31% off the reference; IFRU by 0.0265, 4% off the reference. The paired reference moves them by 0.0254.',
    );
  });
  it('says plainly when it barely matters', () => {
    expect(spilloverSentence({ if: [0, 0.0321], ifru: [0, 0.0305] })).toMatch(/^Here the spillover term barely matters \(5% apart at hop 2\)/);
  });
  it('asks for both methods when one is missing', () => {
    expect(spilloverSentence({ ifru: [0, 1] })).toMatch(/Choose both IF \(direct\) and IFRU/);
  });
});
