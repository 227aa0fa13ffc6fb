import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, generateSynthetic } from '../../data';
import { trainLightGCN } from '../../train';
import { DEFAULT_LIGHTGCN, type Dataset, type LightGCNConfig } from '../../types';
import { prepareRequest, prepareUnlearning } from '../context';
import { DEFAULT_UNLEARN_OPTIONS } from '../run';
import { makeE2URecMethod } from './e2urec';
import { propagateCpu } from '../../lightgcn';
import type { Edges, Graph } from '../../types';

let ds: Dataset;
let cfg: LightGCNConfig;
let E0: Float32Array;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const { raw } = generateSynthetic(
    { ...generateSynthetic('synthetic-small').config, users: 50, items: 100, interactions: 1400, groups: 4 },
    8,
  );
  ds = buildDataset(raw, { name: 'tiny', seed: 8 }).dataset;
  cfg = { ...DEFAULT_LIGHTGCN, dim: 16, layers: 2, epochs: 15, batch: 512, lr: 1e-2, evalEvery: 0, seed: 8 };
  E0 = (await trainLightGCN(ds, cfg)).E0;
});

describe('E2URec as an unlearning-engine method', () => {
  it('returns the unlearned E⁽⁰⁾ through the engine’s context, leaving θ̂ untouched', async () => {
    // The cache makes its tensors on first use (inside the method): count across its whole life.
    const start = tf.memory().numTensors;
    const prep = await prepareUnlearning(ds, { E0 }, cfg);
    const theta = prep.theta.slice();
    const user = ds.train.u[0];
    const req = prepareRequest(prep, { kind: 'items', user, items: [ds.train.i[0], ds.train.i[1]] });
    const fractions: number[] = [];
    const method = makeE2URecMethod({ epochs: 2, stepsPerEpoch: 5, rank: 4, augSteps: 5 });
    const r = await method.run({
      prep,
      req,
      options: DEFAULT_UNLEARN_OPTIONS,
      onProgress: (e) => fractions.push(e.fraction),
    });
    // The forget set's logits fall, beyond what the graph change alone does (the student starts as the
    // original on Â'), while the remaining pairs' hardly move: measured 1.60 → 1.27 and 0.8895 → 0.8890.
    const { forgotten, remaining } = req.split;
    const start0 = meanLogit(theta, req.graphNew, forgotten), after = meanLogit(r.E0, req.graphNew, forgotten);
    expect(start0).toBeLessThan(meanLogit(theta, prep.graphOld, forgotten));
    expect(after).toBeLessThan(0.9 * start0);
    expect(Math.abs(meanLogit(r.E0, req.graphNew, remaining) - meanLogit(theta, req.graphNew, remaining))).toBeLessThan(0.05 * (start0 - after));
    req.dispose();
    prep.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(method.name).toBe('e2urec');
    expect(prep.theta).toEqual(theta);
    expect(r.E0).toHaveLength(theta.length);
    expect(r.E0).not.toEqual(theta);
    expect(r.ms).toBeGreaterThan(0);
    expect(fractions).toHaveLength(10);
    expect(fractions[9]).toBe(1);
    expect(r.notes[0]).toContain(`${4 * (ds.nUsers + ds.nItems + 16)} trainable parameters of ${(ds.nUsers + ds.nItems) * 16}`);
  });

  it('resets a deleted user’s row to its seeded initialisation, as the other methods do', async () => {
    const prep = await prepareUnlearning(ds, { E0 }, cfg);
    const user = ds.train.u[ds.train.u.length - 1];
    const req = prepareRequest(prep, { kind: 'user', user });
    const r = await makeE2URecMethod({ epochs: 1, stepsPerEpoch: 2, augSteps: 2 }).run({ prep, req, options: DEFAULT_UNLEARN_OPTIONS });
    const d = cfg.dim;
    expect(r.E0.slice(user * d, user * d + d)).toEqual(prep.init.slice(user * d, user * d + d));
    req.dispose();
    prep.dispose();
  });
});

/** Mean score e_u · e_i of the pairs, on the model E⁽⁰⁾ propagated over `graph`. */
function meanLogit(E0x: Float32Array, graph: Graph, pairs: Edges): number {
  const d = cfg.dim;
  const E = propagateCpu(graph, E0x, d, cfg.layers);
  let s = 0;
  for (let k = 0; k < pairs.u.length; k++) for (let c = 0; c < d; c++) s += E[pairs.u[k] * d + c] * E[(ds.nUsers + pairs.i[k]) * d + c];
  return s / pairs.u.length;
}
