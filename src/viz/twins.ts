/**
 * Numbers with a twin elsewhere on the page (or in the exports) that differ from it for a reason: each
 * note is computed from both figures and says why, so the page and the exports say the same thing.
 */
import { fmt, fmtMs } from './stats';

/** The report fields the notes read (a subset of UnlearnReport). */
export interface TwinReport {
  forgotten: number;
  removedUsers: number;
  prepMs: number;
  original: { recall20: number; asTrained: { recall20: number } };
  methods: Record<string, { label: string; recall20: number; ms: number; firstRequestMs: number }>;
  reference: { noiseFloor: { recall20: number } | null } | null;
}

export interface TwinNote {
  key: 'original-recall' | 'times' | 'noise-floor';
  text: string;
}

/**
 * `trainPanelRecall`: the Recall@20 the Train panel shows (the trained model's last evaluation), when
 * known. `user`: the forgotten user's id.
 */
export function twinNotes(report: TwinReport, user: string, trainPanelRecall?: number): TwinNote[] {
  const notes: TwinNote[] = [];
  const o = report.original;
  const whose = report.removedUsers > 0 ? `${user}'s ${report.forgotten} forgotten items` : `the ${report.forgotten} forgotten interactions`;
  const panel = trainPanelRecall !== undefined && Number.isFinite(trainPanelRecall) ? trainPanelRecall : o.asTrained.recall20;
  const same = (a: number, b: number) => Math.abs(a - b) < 5e-5;
  if (!same(o.recall20, panel)) {
    const agrees = same(panel, o.asTrained.recall20);
    notes.push({
      key: 'original-recall',
      text:
        `“Original (before)” scores the trained model as every method is scored after the deletion: only the remaining training interactions are masked, so ${whose} compete with the test items — Recall@20 ${fmt(o.recall20, 4)}. ` +
        `The Train panel masks every training interaction: ${fmt(panel, 4)}` +
        (agrees ? '.' : ` (the same model scored that way here: ${fmt(o.asTrained.recall20, 4)}; the panel shows the last evaluation during training).`),
    });
  }
  const cached = Object.entries(report.methods).filter(([, m]) => m.firstRequestMs > m.ms + 0.5);
  if (cached.length) {
    notes.push({
      key: 'times',
      text: `Times are first requests: the model's one-off cache (${fmtMs(report.prepMs)}) is included for ${cached.map(([, m]) => m.label).join(', ')}, in the headline and the time chart alike; this table gives first request / cached.`,
    });
  }
  const noise = report.reference?.noiseFloor;
  if (noise) {
    const spread = Math.abs(noise.recall20 - o.asTrained.recall20);
    const retrain = report.methods.retrain;
    const gap = retrain ? o.recall20 - retrain.recall20 : NaN;
    notes.push({
      key: 'noise-floor',
      text:
        `The noise floor is a second scratch model on all the data (seed + 1), scored as the Train panel scores: Recall@20 ${fmt(noise.recall20, 4)} against the original's ${fmt(o.asTrained.recall20, 4)}, so two seeds differ by ${fmt(spread, 4)}.` +
        (Number.isFinite(gap)
          ? ` Retrain is ${fmt(Math.abs(gap), 4)} ${gap >= 0 ? 'below' : 'above'} the original scored as the methods are: ${Math.abs(gap) <= spread ? 'within' : 'beyond'} what another seed alone changes.`
          : ''),
    });
  }
  return notes;
}
