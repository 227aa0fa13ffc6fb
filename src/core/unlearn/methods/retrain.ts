import { trainEmbeddings } from '../../train';
import { PALETTE } from '../../palette';
import type { UnlearningMethod } from '../context';

/** Retrain: from scratch on D_r, same seed, hyper-parameters and epochs — the gold standard. */
export const retrain: UnlearningMethod = {
  name: 'retrain',
  label: 'Retrain',
  hint: 'the gold standard: train from scratch without the data',
  colour: PALETTE.grey,
  quick: false,
  diagnostics: {},
  async run(ctx) {
    const { prep, req } = ctx;
    const t0 = performance.now();
    const r = await trainEmbeddings(req.dsR, { ...prep.cfg, evalEvery: 0 }, {
      token: ctx.token,
      onEpoch: (e) => ctx.onProgress?.({ stage: 'retrain', fraction: e.epoch / e.epochs, message: `training from scratch without the data, epoch ${e.epoch} of ${e.epochs}` }),
    });
    return {
      E0: r.E0,
      ms: performance.now() - t0,
      exact: true,
      rowsTouched: prep.graphOld.n,
      notes: [`${prep.cfg.epochs} epochs from the seeded initialisation`],
    };
  },
};
