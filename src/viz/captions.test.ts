import { fmtRatio } from './stats';
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
    expect(line.time).toBe("2.00 ms (the request alone; the model's one-off cache, 150 ms, not included), 500× faster than Retrain");
    expect(line.fidelity).toBe('closeness to the reference: not measured in this run');
  });

  it('says a method that pushed the forgotten items like Retrain forgot, and shows measured speed and fidelity fields', () => {
    const good = method({ label: 'Good', ms: 5, speedup: 200, forgetMeanRank: 450, firstRequestMs: 50, speedupFirst: 20, epochEquivalentsFirst: 0.25, paramRelErr: 0.3, paramCos: 0.95 });
    const line = headlineLine('good', good, { ...ctx, baselines: [{ label: 'graph-only', paramRelErr: 1 }, { label: 'random', paramRelErr: 1.4 }] });
    expect(line.forgotten).toBe(true);
    expect(line.forgot).toMatch(/^forgot like Retrain: .*90% of Retrain's push/);
    const partly = headlineLine('if', method({ forgetMeanRank: 20 + 0.4 * 480 }), ctx);
    expect(partly.forgotten).toBe(false);
    expect(partly.forgot).toMatch(/^forgot partly: forgotten items' mean rank 212 vs Retrain's 500 \(before 20, 40% of Retrain's push\)/);
    expect(line.time).toBe("50.0 ms on a first request, the model's one-off cache included, 20× faster than Retrain, the time of 0.25 epochs of the original training; 5.00 ms once cached, 200×");
    // A method that reads no cache: its first request is its request.
    const plain = headlineLine('finetune', method({ ms: 300, speedup: 3.3, firstRequestMs: 300, epochEquivalents: 6 }), ctx);
    expect(plain.time).toBe('300 ms (the whole request), 3.3× faster than Retrain, the time of 6.0 epochs of the original training');
    // Retrain's cost in epochs is a unit of time, said beside the epochs it ran.
    expect(headlineLine('retrain', method({ ms: 1000, epochEquivalents: 15.7 }), { ...ctx, epochs: 20 }).time).toBe(
      '1.00 s (training from scratch without the data, the time of 15.7 epochs of the original training — a unit of time, not a count: it ran 20 epochs; the 1× reference)',
    );
    // On a tiny data set Retrain takes milliseconds: a speed-up below 1 reads as slower, not "9.1e-1× faster".
    const slow = headlineLine('ifru', method({ ms: 56, speedup: 1.9, firstRequestMs: 116, speedupFirst: 0.91 }), ctx);
    expect(slow.time).toBe("116 ms on a first request, the model's one-off cache included, 1.1× slower than Retrain; 56.0 ms once cached, 1.9×");
    const slower = headlineLine('ifru', method({ ms: 200, speedup: 0.5, firstRequestMs: 400, speedupFirst: 0.25 }), ctx);
    expect(slower.time).toBe("400 ms on a first request, the model's one-off cache included, 4.0× slower than Retrain; 200 ms once cached, 2.0× slower than Retrain");
    expect([fmtRatio(0.91), fmtRatio(3.26), fmtRatio(12.4), fmtRatio(NaN)]).toEqual(['0.91×', '3.3×', '12×', '–']);
    expect(line.fidelity).toBe('closeness to the reference: parameter error 0.30, cosine 0.95 (baselines: graph-only 1.00, random 1.40)');
  });

  it('a sharded ensemble: exact, its shards, its one-off training, and fidelity not comparable (never a number)', () => {
    const sisa = method({ label: 'SISA', ms: 300, speedup: 3.3, firstRequestMs: 1500, speedupFirst: 0.67, paramRelErr: NaN, notComparable: 'another family', exact: true, shards: 4, shardsRetrained: 1 });
    const line = headlineLine('sisa', sisa, ctx);
    expect(line.fidelity).toBe('exact (retrained 1 of 4 shards, as training without the data); closeness to the reference: not comparable — an ensemble of shard models, not one LightGCN');
    expect(line.time).toBe("1.50 s on a first request, the 4 shards' one-off training included, 1.5× slower than Retrain; 300 ms once trained, 3.3×");
  });

  it('without Retrain there is no verdict', () => {
    const line = headlineLine('ifru', method({}), { original: ctx.original });
    expect(line.forgotten).toBeNull();
    expect(line.forgot).toContain('no Retrain to compare');
    const waiting = headlineLine('ifru', method({}), { original: ctx.original, retrainPending: true });
    expect(waiting.forgotten).toBeNull();
    expect(waiting.forgot).toContain('Retrain is still running: compared when it lands');
  });
});

describe('spilloverSentence', () => {
  it('says the spillover term matters when IFRU is clearly closer to the reference on the scores', () => {
    const s = spilloverSentence({ if: { perHop: [0.11, 0.0388], scoreRelErr: 0.489 }, ifru: { perHop: [0.1, 0.0372], scoreRelErr: 0.34 }, reference: [0.09, 0.032] });
    expect(s).toBe(
      "Here the spillover term matters: the change in the scores of the users within two hops is off the reference's by 49% under IF-direct and 34% under IFRU; at hop 2 (the users who share the forgotten items) IF-direct moves them by 0.0388 on average and IFRU by 0.0372 (the reference: 0.0320).",
    );
  });
  it('or when hop 2 moves differently', () => {
    expect(spilloverSentence({ if: { perHop: [0, 0.0333] }, ifru: { perHop: [0, 0.0265] } })).toMatch(/^Here the spillover term matters: at hop 2/);
  });
  it('says plainly when it barely matters', () => {
    expect(spilloverSentence({ if: { perHop: [0, 0.0321], scoreRelErr: 0.4 }, ifru: { perHop: [0, 0.0305], scoreRelErr: 0.35 } })).toMatch(
      /^Here the spillover term barely matters: .*Another user may show it more\.$/,
    );
  });
  it('asks for both methods when one is missing', () => {
    expect(spilloverSentence({ ifru: { perHop: [0, 1] } })).toMatch(/Choose both IF \(direct\) and IFRU/);
  });
});
