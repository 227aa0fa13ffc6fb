/**
 * Results land as they come: the quick methods with the reference first, each slower method when it
 * finishes, the noise floor last. A landed method's figures are measured once and never change; the
 * figures that compare with Retrain appear when Retrain lands; a cancel keeps what landed.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLightGCN } from '../train';
import { CancelFlag, isCancelled } from '../types';
import { prepareUnlearning, type UnlearnPrep } from './context';
import { landingOrder, runUnlearning, type UnlearnRun } from './run';
import { heldOutTiny } from './tiny.fixture';

const { ds, cfg } = heldOutTiny();
const request = { kind: 'user', user: 3 } as const;
let trained: { E0: Float32Array };
let prep: UnlearnPrep;

beforeAll(async () => {
  await tf.setBackend('cpu');
  trained = await trainLightGCN(ds, cfg);
  prep = await prepareUnlearning(ds, trained, cfg);
});

/** The figures of a method that do not measure time. */
function figures(m: object): unknown {
  return JSON.parse(JSON.stringify(m, (key, v) => (/(^ms$|Ms$|speedup|phases|epochEquivalents|recallRatio|top20Overlap|scoreCorr)/.test(key) ? undefined : v)));
}

describe('results land as they come', () => {
  it('orders the landings: quick methods, the reference, the first measures, slower methods, the noise floor', () => {
    expect(landingOrder(['retrain', 'ifru', 'finetune', 'if'], true, true)).toEqual(['ifru', 'if', 'reference', 'metrics', 'retrain', 'finetune', 'noise floor']);
    expect(landingOrder(['retrain'], false, false)).toEqual(['metrics', 'retrain']);
  });

  it('reports each landing with what is still to come; landed figures do not change; Retrain fills in the ratios', async () => {
    const landings: UnlearnRun[] = [];
    const final = await runUnlearning(ds, trained, cfg, request, {
      prep,
      methods: ['retrain', 'ifru', 'finetune'],
      noiseE0: trained.E0.map((x, k) => x + 1e-3 * Math.sin(k)),
      onResult: (r) => landings.push(r),
    });
    expect(landings.map((r) => [Object.keys(r.report.methods), r.report.pending, r.report.complete])).toEqual([
      [['ifru'], ['retrain', 'finetune', 'noise floor'], false],
      [['retrain', 'ifru'], ['finetune', 'noise floor'], false],
      [['retrain', 'ifru', 'finetune'], ['noise floor'], false],
      [['retrain', 'ifru', 'finetune'], [], true],
    ]);
    expect(landings.at(-1)).toBe(final);
    const first = landings[0].report;
    // The reference and fidelity are there at the first landing; Retrain's ratios are not yet.
    expect(first.reference?.baselines.graphOnly.fidelity.paramRelErr).toBe(1);
    expect(first.methods.ifru.fidelity.paramRelErr).toBeLessThan(1);
    expect(first.methods.ifru.recallRatio).toBeNaN();
    expect(first.methods.ifru.speedup).toBeNaN();
    expect(first.methods.ifru.top20Overlap).toBeNaN();
    expect(first.reference?.noiseFloor).toBeNull();
    // Once Retrain lands, the earlier method's comparisons with it are filled in from Retrain's model.
    const r = final.report.methods;
    expect(r.retrain.recall20).toBeGreaterThan(0);
    expect(r.ifru.recallRatio).toBeCloseTo(r.ifru.recall20 / r.retrain.recall20, 12);
    expect(r.ifru.speedup).toBeCloseTo(r.retrain.ms / r.ifru.ms, 12);
    expect(r.retrain.top20Overlap).toBe(1);
    expect(Number.isFinite(r.ifru.top20Overlap)).toBe(true);
    expect(final.report.reference?.noiseFloor?.fidelity.paramRelErr).toBeGreaterThan(0);
    // A landed method is measured once: its own figures are the same in every later landing.
    for (const l of landings) expect(figures(l.report.methods.ifru)).toEqual(figures(r.ifru));
    expect(figures(landings[1].report.methods.retrain)).toEqual(figures(r.retrain));
    expect(landings[0].detail.methods.ifru.norms).toEqual(final.detail.methods.ifru.norms);
  });

  it('a cancel after the first landing keeps what landed and runs nothing more', async () => {
    const token = new CancelFlag();
    const landings: UnlearnRun[] = [];
    const run = runUnlearning(ds, trained, cfg, request, {
      prep,
      token,
      methods: ['ifru', 'retrain'],
      noiseFloor: false,
      onResult: (r) => {
        landings.push(r);
        token.cancelled = true;
      },
    });
    await expect(run).rejects.toSatisfy(isCancelled);
    expect(landings).toHaveLength(1);
    expect(Object.keys(landings[0].report.methods)).toEqual(['ifru']);
    expect(landings[0].report.pending).toEqual(['retrain']);
  });

  it('without Retrain, utility reads against the original model on the remaining data', async () => {
    const run = await runUnlearning(ds, trained, cfg, request, { prep, methods: ['ifru'], noiseFloor: false });
    expect(run.report.complete).toBe(true);
    expect(run.report.original.recall20).toBeGreaterThan(0);
    expect(run.report.methods.ifru.recallRatio).toBeCloseTo(run.report.methods.ifru.recall20 / run.report.original.recall20, 12);
  });
});
