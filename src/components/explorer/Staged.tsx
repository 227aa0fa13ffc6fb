import { startTransition, useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Draws figures one at a time instead of all in one task: when a value (a landed result) changes, every
 * <Staged> that shows it queues its update, and the queue hands out one update at a time, in mount order
 * (top to bottom), each in a task of its own as a transition (React renders it in slices, yielding to the
 * browser), the next only after the previous one has committed. Between figures the browser paints and
 * answers input, so a new result never freezes the page; a figure shows the previous value until its turn.
 * The children should be memoised components, so a figure whose value has not changed skips its render.
 */
interface Turn {
  run: () => void;
  owner: object;
}
const queue: Turn[] = [];
let current: Turn | null = null;

/** How many figures still wait for their turn, on the document (for tests and curious users). */
function mark(): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.figuresPending = String(queue.length + (current ? 1 : 0));
}

function pump(): void {
  mark();
  if (current) return;
  const next = queue.shift();
  if (!next) return;
  current = next;
  mark();
  setTimeout(() => startTransition(next.run), 0);
}

/** The turn of `owner` is over (committed, cancelled or unmounted): the next one may start. */
function finish(owner: object): void {
  if (current?.owner !== owner) return;
  current = null;
  pump();
}

export function Staged<T>({ value, children, placeholder }: { value: T; children: (value: T) => ReactNode; placeholder?: ReactNode }) {
  const [shown, setShown] = useState<{ value: T } | null>(null);
  const owner = useRef({}).current;
  useEffect(() => {
    let live = true;
    queue.push({ owner, run: () => (live ? setShown({ value }) : finish(owner)) });
    pump();
    return () => {
      live = false;
      const k = queue.findIndex((t) => t.owner === owner);
      if (k >= 0) queue.splice(k, 1);
      finish(owner);
    };
  }, [value, owner]);
  // Committed: hand the turn on.
  useEffect(() => {
    if (shown) finish(owner);
  }, [shown, owner]);
  if (!shown) return <>{placeholder ?? <div className="panel figure figure-placeholder" aria-hidden="true" />}</>;
  return <>{children(shown.value)}</>;
}
