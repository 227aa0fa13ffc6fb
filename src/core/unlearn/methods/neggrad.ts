import * as tf from '@tensorflow/tfjs';
import { bprLoss, propagate } from '../../lightgcn';
import { PALETTE } from '../../palette';
import { makeRng } from '../../rng';
import { throwIfCancelled } from '../../types';
import { resetRemovedUsers, type UnlearningMethod } from '../context';
import { tripleTensors } from '../objective/objective';
import { makeYielder } from '../../common/yielder';

/**
 * NegGrad: Adam steps on  mean BPR(D_r batch) − mean BPR(D_f)  on the new graph: ascent on the
 * forget set, held in place by descent on a seeded batch of the remaining data each step.
 */
export const neggrad: UnlearningMethod = {
  name: 'neggrad',
  label: 'NegGrad',
  hint: 'gradient ascent on the forgotten data',
  colour: PALETTE.yellow,
  quick: false,
  diagnostics: {},
  async run(ctx) {
    const { prep, req, options } = ctx;
    const t0 = performance.now();
    const d = prep.cfg.dim;
    const n = prep.theta.length / d;
    const theta = tf.tidy(() => tf.variable(tf.tensor2d(prep.theta, [n, d]), true));
    const opt = tf.train.adam(options.neggradLr, 0.9, 0.999, 1e-8);
    const rng = makeRng(`neggrad:${prep.cfg.seed}`);
    const m = req.remain.users.length;
    const b = Math.min(prep.cfg.batch, m);
    const pause = makeYielder();
    try {
      for (let step = 0; step < options.neggradSteps; step++) {
        throwIfCancelled(ctx.token);
        const idx = Int32Array.from({ length: b }, () => rng.int(m));
        const batch = tripleTensors({
          users: idx.map((k) => req.remain.users[k]),
          pos: idx.map((k) => req.remain.pos[k]),
          neg: idx.map((k) => req.remain.neg[k]),
        });
        tf.tidy(() => {
          opt.minimize(() => {
            const E = propagate(req.gtNew, theta, prep.cfg.layers);
            const f = req.forgetT;
            const keep = bprLoss(E, theta, prep.ds.nUsers, batch.users, batch.pos, batch.neg, prep.cfg.reg);
            const forget = bprLoss(E, theta, prep.ds.nUsers, f.users, f.pos, f.neg, 0);
            return tf.sub(keep, forget) as tf.Scalar;
          }, false, [theta]);
        });
        batch.dispose();
        ctx.onProgress?.({ stage: 'neggrad', fraction: (step + 1) / options.neggradSteps, message: `pushing the forgotten data away, step ${step + 1} of ${options.neggradSteps}` });
        await pause();
      }
      const E0 = Float32Array.from((await theta.data()) as Float32Array);
      const notes = [`${options.neggradSteps} steps, lr ${options.neggradLr}`];
      resetRemovedUsers(ctx, E0, notes);
      return { E0, ms: performance.now() - t0 + req.graphMs, rowsTouched: n, notes };
    } finally {
      theta.dispose();
      opt.dispose();
    }
  },
};
