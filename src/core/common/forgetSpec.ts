/**
 * The forget request as text — `user:ID`, `items:USER:ITEM,ITEM` or `random:FRACTION`, ids as written
 * in the data file — declared once for the URL, the page's picker and the CLI. request.ts resolves the
 * ids against a data set.
 */
export type ForgetChoice =
  | { mode: 'user'; user: string }
  | { mode: 'items'; user: string; items: string[] }
  | { mode: 'random'; fraction: number }
  | { mode: 'none' };

const USAGE = 'use user:ID, items:USER:ITEM,ITEM or random:FRACTION';

/** Reads the text form, or throws with the reason. `items:USER:` (no item yet) reads as an empty list. */
export function readForgetSpec(spec: string): Exclude<ForgetChoice, { mode: 'none' }> {
  const [kind, ...rest] = spec.split(':');
  if (kind === 'user' && rest.length === 1) {
    if (!rest[0]) throw new Error('user: needs a user id');
    return { mode: 'user', user: rest[0] };
  }
  if (kind === 'items' && (rest.length === 1 || rest.length === 2)) {
    if (!rest[0]) throw new Error('items: needs a user id');
    return { mode: 'items', user: rest[0], items: (rest[1] ?? '').split(',').filter((s) => s !== '') };
  }
  if (kind === 'random' && rest.length === 1) {
    const fraction = Number(rest[0]);
    if (rest[0] === '' || !Number.isFinite(fraction)) throw new Error(`bad fraction "${rest[0]}"`);
    if (!(fraction > 0 && fraction < 1)) throw new Error(`random fraction must be in (0, 1), got ${fraction}`);
    return { mode: 'random', fraction };
  }
  throw new Error(`bad forget spec "${spec}": ${USAGE}`);
}

/** The page's reading: anything that is not a valid spec is no choice yet. */
export function parseForget(spec: string): ForgetChoice {
  try {
    return readForgetSpec(spec);
  } catch {
    return { mode: 'none' };
  }
}

export function formatForget(c: ForgetChoice): string {
  switch (c.mode) {
    case 'user':
      return `user:${c.user}`;
    case 'items':
      return `items:${c.user}:${c.items.join(',')}`;
    case 'random':
      return `random:${c.fraction}`;
    case 'none':
      return '';
  }
}

/** Whether the choice is complete enough to run. */
export function runnable(c: ForgetChoice): boolean {
  return c.mode === 'user' || c.mode === 'random' || (c.mode === 'items' && c.items.length > 0);
}
