import { describe, expect, it } from 'vitest';
import { distanceText, headlineRows, headlineSentence, recallText, type HeadlineInput } from './headline';
import type { HeadlineContext } from './captions';
import { twinNotes, type TwinReport } from './twins';

// The small preset's u14 as the page showed it (times in ms).
const retrain: HeadlineInput = { name: 'retrain', label: 'Retrain', ms: 221.4, speedup: 1, forgetInTop20: 0, forgetMeanRank: 118, miaAuc: 0.45, recall20: 0.7393, paramRelErr: 50.43, firstRequestMs: 221.4 };
const ifru: HeadlineInput = { name: 'ifru', label: 'IFRU', ms: 26.1, firstRequestMs: 56.19, speedup: 8.5, forgetInTop20: 0.27, forgetMeanRank: 57, miaAuc: 0.78, recall20: 0.738, paramRelErr: 0.366 };
const direct: HeadlineInput = { ...ifru, name: 'if', label: 'IF (direct)', paramRelErr: 0.897, forgetMeanRank: 58, firstRequestMs: 67.2, ms: 37 };
const ctx: HeadlineContext = { retrain, original: { forgetMeanRank: 21, miaAuc: 0.99 }, prepMs: 30 };

describe('headline', () => {
  it('gives each method its first request, the verdict on forgetting, its distance and its share of Retrain’s recall', () => {
    const rows = headlineRows([retrain, direct, ifru], ctx, { ms: 550, recall20: 0.7391, forgetMeanRank: 90 });
    const r = rows.find((x) => x.name === 'ifru')!;
    expect(r.ms).toBe(56.19); // the first request, as the time chart plots it
    expect(r.time).toBe('56.2 ms · 3.9× faster');
    expect(r.speedup).toBeCloseTo(221.4 / 56.19, 12);
    expect(r.forgot).toBe('partly'); // (57 − 21) / (118 − 21) = 37% of Retrain's push
    expect(r.forgotShare).toBeCloseTo(36 / 97, 12);
    expect(distanceText(r)).toBe('0.37');
    expect(recallText(r)).toBe('0.7380 (99.8%)');
    expect(distanceText(rows[0])).toBe('50 (another solution)');
    expect(rows[0].time).toBe('221 ms · the yardstick');
    const ref = rows[rows.length - 1];
    expect([ref.kind, distanceText(ref), ref.forgot]).toEqual(['reference', '0 (itself)', 'partly']);
  });

  it('says in one sentence which method came closest, whether it forgot, what it kept and what it cost', () => {
    const rows = headlineRows([retrain, direct, ifru], ctx);
    expect(headlineSentence(rows, 'u14')).toBe(
      "IFRU came closest to what the deletion does (distance 0.37; IF (direct) 0.90; no update: 1), forgot u14's data partly (37% of Retrain's push on the forgotten items' rank), kept 99.8% of Retrain's Recall@20 and took 56.2 ms against Retrain's 221 ms (3.9× faster).",
    );
    // A method still running is named, not guessed at.
    const waiting = headlineRows([retrain, { ...direct, pending: true }, ifru], ctx);
    expect(waiting[1].time).toBe('pending…');
    expect(headlineSentence(waiting, 'u14')).toMatch(/\(still waiting for IF \(direct\)\)\.$/);
    expect(headlineSentence(headlineRows([retrain], ctx), 'u14')).toMatch(/No method besides Retrain/);
  });

  it('gives a sharded ensemble no distance (another model family) and leaves it out of "closest"', () => {
    const sisa: HeadlineInput = { ...ifru, name: 'sisa', label: 'SISA', paramRelErr: NaN, notComparable: 'an ensemble', exact: true, shards: 4, shardsRetrained: 1 };
    const rows = headlineRows([retrain, sisa, ifru], ctx);
    expect(distanceText(rows[1])).toBe('not comparable (an ensemble; exact)');
    expect(distanceText(rows[2])).toBe('0.37');
    expect(headlineSentence(rows, 'u14')).toMatch(/^IFRU came closest .*distance 0\.37; no update: 1\)/);
  });
});

describe('twinNotes', () => {
  const report: TwinReport = {
    forgotten: 30,
    removedUsers: 1,
    prepMs: 30,
    original: { recall20: 0.737, asTrained: { recall20: 0.7398 } },
    methods: { retrain: { label: 'Retrain', recall20: 0.7393, ms: 221, firstRequestMs: 221 }, ifru: { label: 'IFRU', recall20: 0.738, ms: 26, firstRequestMs: 56 } },
    reference: { noiseFloor: { recall20: 0.7435 } },
  };

  it('says why the table’s Original differs from the Train panel, quoting both', () => {
    const [n] = twinNotes(report, 'u14', 0.7398);
    expect(n.key).toBe('original-recall');
    expect(n.text).toContain('0.7370');
    expect(n.text).toContain("The Train panel masks every training interaction: 0.7398.");
    expect(n.text).toContain("u14's 30 forgotten items compete with the test items");
    // Equal figures need no note.
    expect(twinNotes({ ...report, original: { recall20: 0.7398, asTrained: { recall20: 0.7398 } } }, 'u14', 0.7398).map((x) => x.key)).not.toContain('original-recall');
  });

  it('names the cached methods and reads the noise floor against the original as trained', () => {
    const notes = twinNotes(report, 'u14', 0.7398);
    expect(notes.find((n) => n.key === 'times')?.text).toMatch(/\(30\.0 ms\) is included for IFRU,/);
    expect(notes.find((n) => n.key === 'noise-floor')?.text).toContain('two seeds differ by 0.0037');
    expect(notes.find((n) => n.key === 'noise-floor')?.text).toContain('Retrain is 0.0023 above the original scored as the methods are: within what another seed alone changes.');
  });
});
