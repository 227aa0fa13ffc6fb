import { PALETTE } from '../../palette';
import type { UnlearningMethod } from '../context';
import { influenceUnlearn } from './influence';

/** What every influence method reports beside its figures. */
export const influenceDiagnostics: UnlearningMethod['diagnostics'] = {
  hessian: 'Hessian used (exact or fast)',
  hvps: 'Hessian-vector products',
  cgIters: 'conjugate-gradient iterations',
  cgResidual: 'relative residual of the solve',
  negativeCurvature: 'the solve met negative curvature',
  damping: 'damping μ used',
  interactionsTouched: 'interactions the Hessian products read',
  phases: 'time per phase (ms)',
};

/** IF: classic influence function, direct influence of D_f only (graph unchanged in g and H). */
export const influenceDirect: UnlearningMethod = {
  name: 'if',
  label: 'IF (direct)',
  usesPrep: true,
  hint: 'influence function, direct effect only',
  colour: PALETTE.sky,
  quick: true,
  diagnostics: influenceDiagnostics,
  run: (ctx) => influenceUnlearn(ctx, { spillover: false, pruned: false }),
};

/** IFRU: direct + spillover influence, all rows. */
export const ifru: UnlearningMethod = {
  name: 'ifru',
  label: 'IFRU',
  usesPrep: true,
  hint: 'influence function + spillover through the graph (exact Hessian)',
  colour: PALETTE.blue,
  quick: true,
  diagnostics: influenceDiagnostics,
  run: (ctx) => influenceUnlearn(ctx, { spillover: true, pruned: false }),
};

/** IFRU with importance-based pruning: only rows above the importance quantile move. */
export const ifruPruned: UnlearningMethod = {
  name: 'ifru-pruned',
  label: 'IFRU (pruned)',
  usesPrep: true,
  hint: 'IFRU on the most affected rows only',
  colour: PALETTE.green,
  quick: true,
  diagnostics: influenceDiagnostics,
  run: (ctx) => influenceUnlearn(ctx, { spillover: true, pruned: true }),
};

/** IFRU with the IFRU authors' fast Hessian: the loss on the raw rows, without the propagation. */
export const ifruFast: UnlearningMethod = {
  name: 'ifru-fast',
  label: 'IFRU (fast Hessian)',
  usesPrep: true,
  hint: "IFRU with the authors' fast Hessian (raw rows, no propagation)",
  colour: PALETTE.orange,
  quick: true,
  diagnostics: influenceDiagnostics,
  run: (ctx) => influenceUnlearn(ctx, { spillover: true, pruned: false, hessian: 'fast' }),
};
