/**
 * The headline a class reads in ten seconds: one row per method (time, forgotten or not, distance to
 * the deletion's effect, Recall@20 against Retrain's), the proximal reference's own row, and one plain
 * sentence computed from the rows. Every figure is one the metrics table and the charts also show.
 */
import { forgottenShare, paidCache, type HeadlineContext, type HeadlineMethod } from './captions';
import { fmt, fmtMs, fmtRatio } from './stats';

/** What a method contributes to the headline; undefined fields mean "not measured (yet)". */
export interface HeadlineInput extends HeadlineMethod {
  name: string;
  recall20: number;
  /** Its result has not landed yet (results stream in method by method), and what to say instead
   *  ("running… 42% · about 8 s left", "waiting", "not run"). */
  pending?: boolean;
  pendingText?: string;
}

/** A method that has not landed: its name and what it is doing, no figures. */
export function pendingInput(name: string, label: string, pendingText?: string): HeadlineInput {
  return { name, label, pending: true, pendingText, ms: NaN, speedup: NaN, forgetInTop20: NaN, forgetMeanRank: NaN, miaAuc: NaN, recall20: NaN };
}

export interface HeadlineRow {
  name: string;
  label: string;
  kind: 'retrain' | 'method' | 'reference';
  pending: boolean;
  /** The time shown: a method's first request (its one-off cache included), Retrain's training. */
  ms: number;
  /** Retrain's ms / ms (NaN for Retrain itself and without Retrain). */
  speedup: number;
  time: string;
  /** 'like Retrain' | 'partly' | 'no' | '–' and the share of Retrain's push on the forgotten items' rank. */
  forgot: string;
  forgotShare: number;
  /** Parameter relative error against the proximal reference (0 = its own update, 1 = no update). */
  distance: number;
  /** Another model family (a sharded ensemble, exact by construction): no distance to measure. */
  notComparable?: boolean;
  recall20: number;
  /** Recall@20 / Retrain's. */
  recallShare: number;
}

export interface HeadlineReference {
  ms: number;
  recall20: number;
  forgetMeanRank: number;
}

/** How far a method's forgetting went, in words, from the share of Retrain's push (captions.ts). */
export function forgotWord(share: number): string {
  if (!Number.isFinite(share)) return '–';
  return share >= 0.8 ? 'like Retrain' : share >= 0.3 ? 'partly' : 'no';
}

export function headlineRows(methods: HeadlineInput[], ctx: HeadlineContext, reference?: HeadlineReference): HeadlineRow[] {
  const retrain = methods.find((m) => m.name === 'retrain' && !m.pending);
  const rows = methods.map((m): HeadlineRow => {
    const isRetrain = m.name === 'retrain';
    const ms = !isRetrain && paidCache(m) ? m.firstRequestMs! : m.ms;
    const speedup = retrain && !isRetrain ? retrain.ms / ms : NaN;
    const share = isRetrain ? 1 : forgottenShare(m, ctx);
    return {
      name: m.name,
      label: m.label,
      kind: isRetrain ? 'retrain' : 'method',
      pending: !!m.pending,
      ms,
      speedup,
      time: m.pending ? (m.pendingText ?? 'pending…') : isRetrain ? `${fmtMs(ms)} · the yardstick` : `${fmtMs(ms)}${Number.isFinite(speedup) ? ` · ${speedup >= 1 ? `${fmtRatio(speedup)} faster` : `${fmtRatio(1 / speedup)} slower`}` : ''}`,
      forgot: m.pending ? 'pending…' : isRetrain ? 'yes (the yardstick)' : forgotWord(share),
      forgotShare: share,
      distance: m.pending ? NaN : (m.paramRelErr ?? NaN),
      ...(m.notComparable && !m.pending ? { notComparable: true } : {}),
      recall20: m.pending ? NaN : m.recall20,
      recallShare: retrain && !m.pending ? m.recall20 / retrain.recall20 : NaN,
    };
  });
  if (reference) {
    const share = forgottenShare(reference, ctx);
    rows.push({
      name: 'reference',
      label: 'Proximal reference',
      kind: 'reference',
      pending: false,
      ms: reference.ms,
      speedup: NaN,
      time: `${fmtMs(reference.ms)} · a yardstick, not a method`,
      forgot: forgotWord(share),
      forgotShare: share,
      distance: 0,
      recall20: reference.recall20,
      recallShare: retrain ? reference.recall20 / retrain.recall20 : NaN,
    });
  }
  return rows;
}

/** "0.7380 (99.8%)": Recall@20 and its share of Retrain's. */
export function recallText(r: HeadlineRow): string {
  if (r.pending) return 'pending…';
  return `${fmt(r.recall20, 4)}${Number.isFinite(r.recallShare) ? ` (${fmt(100 * r.recallShare, 1)}%)` : ''}`;
}

/** "0.37", or for Retrain its distance and that it is another solution. */
export function distanceText(r: HeadlineRow): string {
  if (r.pending) return 'pending…';
  if (r.kind === 'reference') return '0 (itself)';
  if (r.notComparable) return 'not comparable (an ensemble; exact)';
  if (!Number.isFinite(r.distance)) return '–';
  return r.kind === 'retrain' ? `${fmt(r.distance, r.distance >= 10 ? 0 : 2)} (another solution)` : fmt(r.distance, 2);
}

/**
 * One plain sentence from the rows: the method closest to what the deletion does, whether it forgot,
 * the utility it kept and its time against Retrain's. Says what is missing instead of guessing.
 */
export function headlineSentence(rows: HeadlineRow[], user: string): string {
  const methods = rows.filter((r) => r.kind === 'method' && !r.pending && Number.isFinite(r.distance));
  const pending = rows.filter((r) => r.pending).map((r) => r.label);
  const waiting = pending.length ? ` (still waiting for ${pending.join(', ')})` : '';
  if (methods.length === 0) return pending.length ? `Results are coming in${waiting}.` : 'No method besides Retrain ran: nothing to compare with the deletion’s effect.';
  const best = methods.reduce((a, b) => (b.distance < a.distance ? b : a));
  const others = methods.filter((r) => r !== best).map((r) => `${r.label} ${fmt(r.distance, 2)}`);
  const retrain = rows.find((r) => r.kind === 'retrain' && !r.pending);
  const forgot =
    best.forgot === 'like Retrain'
      ? `forgot ${user}'s data as Retrain did`
      : best.forgot === 'partly'
        ? `forgot ${user}'s data partly (${fmt(100 * best.forgotShare, 0)}% of Retrain's push on the forgotten items' rank)`
        : best.forgot === 'no'
          ? `did not forget ${user}'s data as Retrain did (${fmt(100 * best.forgotShare, 0)}% of its push)`
          : '';
  const parts = [
    `${best.label} came closest to what the deletion does (distance ${fmt(best.distance, 2)}${others.length ? `; ${others.join(', ')}` : ''}; no update: 1)`,
    forgot,
    Number.isFinite(best.recallShare) ? `kept ${fmt(100 * best.recallShare, 1)}% of Retrain's Recall@20` : '',
    retrain && Number.isFinite(best.speedup)
      ? `took ${fmtMs(best.ms)} against Retrain's ${fmtMs(retrain.ms)} (${best.speedup >= 1 ? `${fmtRatio(best.speedup)} faster` : `${fmtRatio(1 / best.speedup)} slower`})`
      : `took ${fmtMs(best.ms)}`,
  ].filter(Boolean);
  const last = parts.pop()!;
  return `${parts.join(', ')} and ${last}${waiting}.`;
}
