/** The forget request as the URL and the CLI write it: user:ID, items:USER:ITEM,ITEM or random:FRACTION. */
export type ForgetChoice =
  | { mode: 'user'; user: string }
  | { mode: 'items'; user: string; items: string[] }
  | { mode: 'random'; fraction: number }
  | { mode: 'none' };

export function parseForget(spec: string): ForgetChoice {
  const [kind, a, b] = spec.split(':');
  if (kind === 'user' && a) return { mode: 'user', user: a };
  if (kind === 'items' && a) return { mode: 'items', user: a, items: (b ?? '').split(',').filter(Boolean) };
  if (kind === 'random' && Number(a) > 0 && Number(a) < 1) return { mode: 'random', fraction: Number(a) };
  return { mode: 'none' };
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
