import type { UnlearningMethod } from '../context';
import { influenceUnlearn } from '../influence';

/** IF: classic influence function, direct influence of D_f only (graph unchanged in g and H). */
export const influenceDirect: UnlearningMethod = {
  name: 'if',
  label: 'IF (direct)',
  usesPrep: true,
  run: (ctx) => influenceUnlearn(ctx, { spillover: false, pruned: false }),
};

/** IFRU: direct + spillover influence, all rows. */
export const ifru: UnlearningMethod = {
  name: 'ifru',
  label: 'IFRU',
  usesPrep: true,
  run: (ctx) => influenceUnlearn(ctx, { spillover: true, pruned: false }),
};

/** IFRU with importance-based pruning: only rows above the importance quantile move. */
export const ifruPruned: UnlearningMethod = {
  name: 'ifru-pruned',
  label: 'IFRU (pruned)',
  usesPrep: true,
  run: (ctx) => influenceUnlearn(ctx, { spillover: true, pruned: true }),
};

/** IFRU with the IFRU authors' fast Hessian: the loss on the raw rows, without the propagation. */
export const ifruFast: UnlearningMethod = {
  name: 'ifru-fast',
  label: 'IFRU (fast Hessian)',
  usesPrep: true,
  run: (ctx) => influenceUnlearn(ctx, { spillover: true, pruned: false, hessian: 'fast' }),
};
