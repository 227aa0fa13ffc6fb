import { trainEmbeddings } from '../../train';
import { PALETTE } from '../../palette';
import { resetRemovedUsers, type UnlearningMethod } from '../context';

/** Fine-tune: continue training the original model on D_r (fresh Adam state). */
export const finetune: UnlearningMethod = {
  name: 'finetune',
  label: 'Fine-tune',
  hint: 'continue training on what remains',
  colour: PALETTE.purple,
  quick: false,
  diagnostics: {},
  async run(ctx) {
    const { prep, req, options } = ctx;
    const t0 = performance.now();
    const r = await trainEmbeddings(req.dsR, { ...prep.cfg, epochs: options.finetuneEpochs, evalEvery: 0 }, {
      token: ctx.token,
      init: prep.theta,
      graph: req.graphNew,
      onEpoch: (e) => ctx.onProgress?.({ stage: 'finetune', fraction: e.epoch / e.epochs, message: `training on the remaining data, epoch ${e.epoch} of ${e.epochs}` }),
    });
    const notes = [`${options.finetuneEpochs} epoch(s) on D_r from the original model`];
    resetRemovedUsers(ctx, r.E0, notes);
    return { E0: r.E0, ms: performance.now() - t0 + req.graphMs, rowsTouched: prep.graphOld.n, notes };
  },
};
