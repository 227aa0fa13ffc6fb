import { useStore } from '../store';

/** What the page is for, shown until a model exists. */
export function Welcome() {
  const summary = useStore((s) => s.summary);
  const phase = useStore((s) => s.phase);
  if (summary || phase === 'training') return null;
  return (
    <section className="panel welcome" aria-labelledby="welcome-h">
      <h2 id="welcome-h">What happens when a recommender forgets someone?</h2>
      <ol>
        <li>
          <strong>Train</strong> LightGCN on the data (left) — it runs here, in your browser.
        </li>
        <li>
          <strong>Pick a user</strong> on the embedding map or by id, and <strong>forget</strong> them.
        </li>
        <li>
          <strong>Compare</strong> retraining from scratch with influence-function unlearning (IFRU): how long each takes, what it does
          to the recommendations, and how the deletion <em>spills over</em> to the user&apos;s items, the users who share those items, and
          beyond.
        </li>
      </ol>
      <p className="muted">New here? The guided tour (top left) walks through it in four clicks.</p>
    </section>
  );
}
