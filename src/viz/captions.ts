/**
 * Captions computed from the data on screen (never written ahead of the result): the top-20 lists and
 * the result headline, one line per method.
 */
import { fmt, fmtMs, fmtRatio } from './stats';

/** "Forgotten items in the top-20 (struck through): before 5 of 20; Retrain 1; IFRU 4." */
export function forgottenCaption(lists: [string, string[]][], forgotten: Set<string>): string {
  const counts = lists.map(([label, items]) => `${label} ${items.filter((i) => forgotten.has(i)).length}`);
  const k = lists[0]?.[1].length ?? 0;
  return `Forgotten items in the top-${k} (struck through): ${counts.join('; ')}.`;
}

export interface SeriesList {
  label: string;
  top: string[];
  entered: boolean[];
}

/**
 * "Items that entered u12's top-20 (marked +): paired reference 3; Retrain 11; IFRU 3, 2 of them the
 * reference's." Each series counts against its own list before (the paired reference against its run
 * on all data), so the figures say how far each method changed this neighbour's list.
 */
export function enteredCaption(user: string, series: SeriesList[], reference?: SeriesList): string {
  const refNew = new Set(reference ? reference.top.filter((_, k) => reference.entered[k]) : []);
  const parts = series.map((s) => {
    const mine = s.top.filter((_, k) => s.entered[k]);
    const shared = mine.filter((i) => refNew.has(i)).length;
    return reference && s !== reference && mine.length > 0 ? `${s.label} ${mine.length} (${shared} of them also under the reference)` : `${s.label} ${mine.length}`;
  });
  const k = series[0]?.top.length ?? 0;
  return `Items that entered ${user}'s top-${k} (marked +): ${parts.join('; ')}.`;
}

/** The report fields a headline line reads. The speed and fidelity fields are optional: they are shown
 *  when the run measured them and said to be missing when it did not. */
export interface HeadlineMethod {
  label: string;
  ms: number;
  speedup: number;
  forgetInTop20: number;
  forgetInTop20Count?: number;
  forgetMeanRank: number;
  miaAuc: number;
  firstRequestMs?: number;
  speedupFirst?: number;
  epochEquivalents?: number;
  epochEquivalentsFirst?: number;
  paramRelErr?: number;
  paramCos?: number;
  scoreRelErr?: number;
  /** Why fidelity is not comparable (a sharded ensemble), and what makes it exact. */
  notComparable?: string;
  exact?: boolean;
  shards?: number;
  shardsRetrained?: number;
}

export interface HeadlineContext {
  /** Retrain's figures (the reference for speed and forgetting), when Retrain ran. */
  retrain?: HeadlineMethod;
  /** Retrain was asked for and has not landed yet: the comparisons with it come when it does. */
  retrainPending?: boolean;
  original: { forgetMeanRank: number; miaAuc: number; forgetInTop20Count?: number };
  /** Per-model cache time (not in `ms`), when reported. */
  prepMs?: number;
  /** Epochs Retrain trained (the original recipe's), when known: the cost in epochs is a unit of time. */
  epochs?: number;
  /** Fidelity of the baselines, when reported: read a method's error against these. */
  baselines?: { label: string; paramRelErr?: number }[];
}

export interface HeadlineLine {
  label: string;
  time: string;
  fidelity: string;
  forgot: string;
  /** true: forgot about as Retrain did; false: partly or not at all; null: no Retrain to compare. */
  forgotten: boolean | null;
}

/** Whether a method's first request cost more than its cached one (it paid the model's one-off cache):
 *  then both figures are shown, here and in the metrics table. */
export function paidCache(m: { ms: number; firstRequestMs?: number }): boolean {
  return m.firstRequestMs !== undefined && Number.isFinite(m.firstRequestMs) && m.firstRequestMs > m.ms + 0.5;
}

function timePart(m: HeadlineMethod, ctx: HeadlineContext, isRetrain: boolean): string {
  const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
  // Epochs as a unit of time (the original training's mean epoch), not a count of epochs run.
  const epochs = (x: number | undefined) => (ok(x) ? `, the time of ${fmt(x, x < 1 ? 2 : 1)} epochs of the original training` : '');
  if (isRetrain) {
    const ran = ok(ctx.epochs) ? ` — a unit of time, not a count: it ran ${ctx.epochs} epochs` : '';
    return `${fmtMs(m.ms)} (training from scratch without the data${epochs(m.epochEquivalents)}${ran}; the 1× reference)`;
  }
  // A speed-up below 1 (a tiny data set, where Retrain itself takes milliseconds) reads as slower.
  const ratio = (x: number) => (x >= 1 ? `${fmtRatio(x)} faster than Retrain` : `${fmtRatio(1 / x)} slower than Retrain`);
  const faster = (x: number | undefined) => (ok(x) ? `, ${ratio(x)}` : '');
  if (paidCache(m)) {
    const warm = ok(m.speedup) ? `, ${m.speedup >= 1 ? fmtRatio(m.speedup) : ratio(m.speedup)}` : '';
    const oneOff = m.shards ? `the ${m.shards} shards' one-off training` : "the model's one-off cache";
    return `${fmtMs(m.firstRequestMs!)} on a first request, ${oneOff} included${faster(m.speedupFirst)}${epochs(m.epochEquivalentsFirst)}; ${fmtMs(m.ms)} once ${m.shards ? 'trained' : 'cached'}${warm}`;
  }
  if (ok(m.firstRequestMs)) return `${fmtMs(m.ms)} (the whole request)${faster(m.speedup)}${epochs(m.epochEquivalents)}`;
  const prep = ok(ctx.prepMs) && ctx.prepMs > 0 ? `; the model's one-off cache, ${fmtMs(ctx.prepMs)}, not included` : '';
  return `${fmtMs(m.ms)} (the request alone${prep})${faster(m.speedup)}${epochs(m.epochEquivalents)}`;
}

function fidelityPart(m: HeadlineMethod, ctx: HeadlineContext): string {
  if (m.notComparable) {
    const shards = m.shards ? `retrained ${m.shardsRetrained} of ${m.shards} shards, ` : '';
    return `exact (${shards}as training without the data); closeness to the reference: not comparable — an ensemble of shard models, not one LightGCN`;
  }
  if (m.paramRelErr === undefined || !Number.isFinite(m.paramRelErr)) return 'closeness to the reference: not measured in this run';
  const bits = [`closeness to the reference: parameter error ${fmt(m.paramRelErr, 2)}`];
  if (m.paramCos !== undefined && Number.isFinite(m.paramCos)) bits.push(`cosine ${fmt(m.paramCos, 2)}`);
  if (m.scoreRelErr !== undefined && Number.isFinite(m.scoreRelErr)) bits.push(`score error ${fmt(m.scoreRelErr, 2)}`);
  const base = (ctx.baselines ?? []).filter((b) => b.paramRelErr !== undefined && Number.isFinite(b.paramRelErr));
  const against = base.length ? ` (baselines: ${base.map((b) => `${b.label} ${fmt(b.paramRelErr, 2)}`).join(', ')})` : '';
  return `${bits.join(', ')}${against}`;
}

/** How much of the way from the original model to Retrain a method moved the forgotten data's rank. */
export function forgottenShare(m: { forgetMeanRank: number }, ctx: HeadlineContext): number {
  if (!ctx.retrain) return NaN;
  const span = ctx.retrain.forgetMeanRank - ctx.original.forgetMeanRank;
  if (!(Math.abs(span) > 0)) return NaN;
  return (m.forgetMeanRank - ctx.original.forgetMeanRank) / span;
}

function forgotPart(m: HeadlineMethod, ctx: HeadlineContext, isRetrain: boolean): { text: string; forgotten: boolean | null } {
  const rank = (v: number) => fmt(v, 0);
  const mia = `membership-inference AUC ${fmt(m.miaAuc, 2)}`;
  if (isRetrain) return { text: `forgotten items' mean rank ${rank(m.forgetMeanRank)} (before ${rank(ctx.original.forgetMeanRank)}), ${mia}`, forgotten: true };
  if (!ctx.retrain) {
    const why = ctx.retrainPending ? 'Retrain is still running: compared when it lands' : 'no Retrain to compare';
    return { text: `forgotten items' mean rank ${rank(m.forgetMeanRank)} (before ${rank(ctx.original.forgetMeanRank)}), ${mia}; ${why}`, forgotten: null };
  }
  const share = forgottenShare(m, ctx);
  // Retrain's push on the forgotten items' rank is the yardstick: 80% of it or more reads as forgotten like
  // Retrain, under 30% as not forgotten (the forgotten data still stand out), in between as partly.
  const level = Number.isFinite(share) ? share : m.forgetMeanRank >= ctx.retrain.forgetMeanRank ? 1 : 0;
  const forgotten = level >= 0.8;
  const how = forgotten ? 'forgot like Retrain' : level >= 0.3 ? 'forgot partly' : 'did not forget';
  const pct = Number.isFinite(share) ? `, ${fmt(100 * share, 0)}% of Retrain's push` : '';
  return {
    text: `${how}: forgotten items' mean rank ${rank(m.forgetMeanRank)} vs Retrain's ${rank(ctx.retrain.forgetMeanRank)} (before ${rank(ctx.original.forgetMeanRank)}${pct}); ${mia} vs Retrain's ${fmt(ctx.retrain.miaAuc, 2)}`,
    forgotten,
  };
}

/** One line per method: time and speed-up (saying what they include), fidelity, and whether it forgot. */
export function headlineLine(name: string, m: HeadlineMethod, ctx: HeadlineContext): HeadlineLine {
  const isRetrain = name === 'retrain';
  const f = forgotPart(m, ctx, isRetrain);
  return {
    label: m.label,
    time: timePart(m, ctx, isRetrain),
    fidelity: isRetrain ? 'the reference for forgetting and utility' : fidelityPart(m, ctx),
    forgot: f.text,
    forgotten: f.forgotten,
  };
}

/** What the tour's last step reads for one method: mean movement per hop and, when measured, the relative
 *  error of its score change against the reference's for the users within two hops. */
export interface SpilloverFigures {
  perHop?: number[];
  scoreRelErr?: number;
}

/**
 * The tour's last step: does the spillover term visibly matter for this user? Compares IF-direct with
 * IFRU on the score change of the users within two hops (when measured) and on hop 2's mean movement (the
 * users who share the forgotten items), and says plainly when the two barely differ.
 */
export function spilloverSentence(f: { if?: SpilloverFigures; ifru?: SpilloverFigures; reference?: number[] }): string {
  const a = f.if?.perHop?.[1];
  const b = f.ifru?.perHop?.[1];
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) {
    return 'Choose both IF (direct) and IFRU in “4 · Forget” to compare them: IFRU adds the spillover term.';
  }
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  const ref = f.reference?.[1];
  const refText = ref !== undefined && Number.isFinite(ref) ? ` (the reference: ${fmt(ref, 4)})` : '';
  const hopGap = Math.abs(a - b) / Math.max(a, b);
  const parts = [`at hop 2 (the users who share the forgotten items) IF-direct moves them by ${fmt(a, 4)} on average and IFRU by ${fmt(b, 4)}${refText}`];
  const sa = f.if?.scoreRelErr;
  const sb = f.ifru?.scoreRelErr;
  const scores = sa !== undefined && sb !== undefined && Number.isFinite(sa) && Number.isFinite(sb);
  if (scores) parts.unshift(`the change in the scores of the users within two hops is off the reference's by ${pct(sa)} under IF-direct and ${pct(sb)} under IFRU`);
  const matters = hopGap >= 0.1 || (scores && Math.abs(sa - sb) >= 0.1);
  const text = parts.join('; ');
  return matters
    ? `Here the spillover term matters: ${text}.`
    : `Here the spillover term barely matters: ${text}. Another user may show it more.`;
}
