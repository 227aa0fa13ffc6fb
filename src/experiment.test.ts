import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, fromHash, toHash, type Experiment } from './experiment';

describe('experiment URL state', () => {
  it('round-trips every field', () => {
    const e: Experiment = {
      data: 'synthetic-ml100k',
      epochs: 7,
      dim: 32,
      layers: 2,
      lr: 0.005,
      reg: 0.001,
      batch: 1024,
      seed: 42,
      testFraction: 0.3,
      threshold: 4,
      kCore: 5,
      forget: 'items:u12:i3,i9',
      methods: ['retrain', 'ifru'],
      backend: 'wasm',
      transformerEpochs: 12,
    };
    const back = fromHash(toHash(e));
    expect(back.problems).toEqual([]);
    expect(back.experiment).toEqual(e);
  });

  it('writes nothing for the defaults and restores them', () => {
    expect(toHash(DEFAULT_EXPERIMENT)).toBe('');
    expect(fromHash('').experiment).toEqual(DEFAULT_EXPERIMENT);
  });

  it('ignores and reports bad values instead of throwing', () => {
    const { experiment, problems } = fromHash('#epochs=-3&dim=abc&nope=1&seed=5');
    expect(experiment.epochs).toBe(DEFAULT_EXPERIMENT.epochs);
    expect(experiment.dim).toBe(DEFAULT_EXPERIMENT.dim);
    expect(experiment.seed).toBe(5);
    expect(problems).toHaveLength(3);
  });
});
