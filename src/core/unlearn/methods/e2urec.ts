/**
 * E2URec as one of the unlearning engine's methods on LightGCN, so that it runs beside Retrain
 * and IFRU on the same charts and in the CLI (the training loop itself is model-agnostic, in e2urec/).
 */
import { PALETTE } from '../../palette';
import { resetRemovedUsers, type UnlearningMethod } from '../context';
import { DEFAULT_E2UREC_LIGHTGCN, e2urecLightGCN, type E2URecLightGCNOptions } from '../../e2urec/lightgcn';

/** Builds the method with other settings (the registered `e2urec` uses the defaults). */
export function makeE2URecMethod(opts: Partial<E2URecLightGCNOptions> = {}): UnlearningMethod {
  return {
    name: 'e2urec',
    label: 'E2URec',
    hint: 'LoRA student with forgetting and remembering teachers',
    colour: PALETTE.vermillion,
    quick: false,
    diagnostics: { trainableParams: 'LoRA parameters trained' },
    async run(ctx) {
      const { prep, req } = ctx;
      const o = { ...DEFAULT_E2UREC_LIGHTGCN, seed: prep.cfg.seed, ...opts };
      const r = await e2urecLightGCN({ E0: prep.theta, dim: prep.cfg.dim, layers: prep.cfg.layers }, prep.ds, req.split, o, {
        token: ctx.token,
        graphs: { old: prep.gtOld, new: req.gtNew },
        onStep: (s) => ctx.onProgress?.({ stage: 'e2urec', fraction: (s.step + 1) / s.steps, message: `training the LoRA student, step ${s.step + 1} of ${s.steps}` }),
      });
      const last = r.history[r.history.length - 1];
      const notes = [
        `LoRA rank ${o.rank} on E⁽⁰⁾: ${r.trainableParams} trainable parameters of ${r.fullParams} (${((100 * r.trainableParams) / r.fullParams).toFixed(1)}%)`,
        `augmented model: ${o.augSteps} steps on D_f (${r.augMs.toFixed(0)} ms); α ${o.alpha}, w ${o.w}, ${o.epochs} epochs × ${o.stepsPerEpoch} steps, AdamW lr ${o.lr}`,
      ];
      if (last) notes.push(`forget KL ${r.history[0].forgetKl.toExponential(2)} → ${last.forgetKl.toExponential(2)}`);
      resetRemovedUsers(ctx, r.E0, notes);
      return { E0: r.E0, ms: r.ms + req.graphMs, rowsTouched: prep.ds.nUsers + prep.ds.nItems, trainableParams: r.trainableParams, notes };
    },
  };
}

export const e2urec: UnlearningMethod = makeE2URecMethod();
