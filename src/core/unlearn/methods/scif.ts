/**
 * SCIF (Li et al. 2023, "Selective and Collaborative Influence Function for Efficient Recommendation
 * Unlearning"; docs/method.md#methods), as the IFRU authors' code runs it on LightGCN as a baseline:
 * the influence of D_f on the raw embedding rows only —
 *  - selective: the rows updated are D_f's own users and items, scored by (their forgotten
 *    interactions) / degree and kept at or above the 0.4 quantile (no spreading to neighbours);
 *  - the loss is written on the raw rows: no propagation in the gradient nor in the Hessian (the fast
 *    Hessian restricted to those rows, over the interactions of D that touch them);
 *  - Δ = (H + μI)⁻¹ g solved with the project's CG at the influence methods' μ and stop (the authors
 *    minimise the same quadratic with Adam).
 * The authors' code also relabels each forgotten sample with the user's mean label in the remaining
 * data (the "collaborative" part, for their 0/1-labelled data). BPR on implicit positives has no label
 * to replace — every kept interaction is a positive, so that mean is 1 and the relabelled term equals
 * the removed one — so here the forgotten interactions are removed, as IF removes them. Their code adds
 * n·∇L_D(θ̂) to the right-hand side as well, a correction for a model that is not at a minimum; it is
 * left out, as for IF and IFRU, whose fidelity is read against the proximal reference (a deletion at μ,
 * without the trained model's own drift).
 */
import { PALETTE } from '../../palette';
import type { UnlearningMethod } from '../context';
import { influenceUnlearn } from './influence';
import { influenceDiagnostics } from './influenceMethods';

export const scif: UnlearningMethod = {
  name: 'scif',
  label: 'SCIF',
  usesPrep: true,
  hint: 'influence on the raw rows of the forgotten data’s own users and items (no propagation)',
  colour: PALETTE.rose,
  quick: true,
  diagnostics: influenceDiagnostics,
  run: (ctx) => influenceUnlearn(ctx, { spillover: false, pruned: false, hessian: 'fast', selective: true }),
};
