import { useStore } from '../store';
import { fmtMs } from '../viz/stats';

/**
 * One polite live region, mounted from the start (a region that appears with its text is often not read):
 * says when a model is trained and when results are ready, in a sentence.
 */
export function Announcer() {
  const summary = useStore((s) => s.summary);
  const result = useStore((s) => s.result);
  const phase = useStore((s) => s.phase);
  const status = useStore((s) => s.resultStatus);
  let text = '';
  const times = () => result!.methods.map((m) => `${m.label} ${fmtMs(result!.report.methods[m.name].ms)}`).join(', ');
  if (result && status === 'running') {
    // One announcement per landing: the text changes only when another result lands.
    const waiting = result.report.pending.length;
    text = `First results: forgot ${result.report.request}. Landed: ${times() || 'the reference'}. ${waiting} more to come; the charts fill in as they land.`;
  } else if (phase === 'idle' && result && status !== 'complete') {
    text = `Stopped: the ${result.methods.length} results that landed stay on the page; ${result.report.pending.length} were not run.`;
  } else if (phase === 'idle' && result) {
    const r = result.report;
    text = `Results ready: forgot ${r.request}, ${r.forgotten} interactions. Time per method: ${times()}. The charts follow the Results heading.`;
  } else if (phase === 'idle' && summary?.metrics) {
    text = `Model trained: Recall@20 ${summary.metrics.recall.toFixed(3)}. Pick a user on the map or by id, then Forget.`;
  }
  return (
    <div className="sr-only" aria-live="polite" data-testid="announcer">
      {text}
    </div>
  );
}
