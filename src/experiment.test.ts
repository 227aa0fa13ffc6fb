import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, fromHash, sameRun, toHash, type Experiment } from './experiment';

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
      class: true,
      shards: 6,
    };
    const back = fromHash(toHash(e));
    expect(back.problems).toEqual([]);
    expect(back.experiment).toEqual(e);
  });

  it('writes nothing for the defaults and restores them', () => {
    expect(toHash(DEFAULT_EXPERIMENT)).toBe('');
    expect(fromHash('').experiment).toEqual(DEFAULT_EXPERIMENT);
  });

  it('shards: the data set’s default unless the link says, 2 to 16', () => {
    expect(fromHash('#shards=5').experiment.shards).toBe(5);
    expect(fromHash('').experiment.shards).toBeUndefined();
    for (const bad of ['1', '2.5', '17']) expect(fromHash(`#shards=${bad}`).problems).toEqual([`"shards=${bad}" is out of range; using the default`]);
  });

  it('ignores and reports bad values instead of throwing', () => {
    const { experiment, problems } = fromHash('#epochs=-3&dim=abc&nope=1&seed=5');
    expect(experiment.epochs).toBe(DEFAULT_EXPERIMENT.epochs);
    expect(experiment.dim).toBe(DEFAULT_EXPERIMENT.dim);
    expect(experiment.seed).toBe(5);
    expect(problems).toHaveLength(3);
  });

  it('puts class mode in the link without making it another experiment', () => {
    const e = { ...DEFAULT_EXPERIMENT, forget: 'user:u14' };
    const shown = { ...e, class: true };
    expect(toHash(shown)).toBe('#forget=user%3Au14&class=1');
    expect(fromHash('#forget=user%3Au14&class=1').experiment).toEqual(shown);
    expect(fromHash('#class=yes').problems).toHaveLength(1);
    expect(sameRun(e, shown)).toBe(true);
    expect(sameRun(e, { ...shown, seed: 7 })).toBe(false);
  });
});

describe('a link names every value it ignored', () => {
  const known = ['retrain', 'finetune', 'neggrad', 'if', 'ifru', 'ifru-pruned', 'ifru-fast', 'e2urec'];

  it('an unknown data set: the default data, named with the bundled ones', () => {
    const { experiment, problems } = fromHash('#data=nosuchpreset', { methods: known });
    expect(experiment.data).toBe(DEFAULT_EXPERIMENT.data);
    expect(problems).toEqual([expect.stringMatching(/^"data=nosuchpreset" names no bundled data set \(synthetic-small, synthetic-ml100k\).*; using synthetic-small$/)]);
    // A file link and the other preset pass.
    const file = `file:${'a'.repeat(64)}:120:ratings.csv`;
    expect(fromHash(`#data=${encodeURIComponent(file)}`).experiment.data).toBe(file);
    expect(fromHash('#data=synthetic-ml100k').problems).toEqual([]);
  });

  it('method names the engine does not have, prototype keys included; none left: the defaults', () => {
    const a = fromHash('#methods=__proto__,constructor', { methods: known });
    expect(a.experiment.methods).toEqual(DEFAULT_EXPERIMENT.methods);
    expect(a.problems).toEqual([`"methods=__proto__,constructor": "__proto__", "constructor" are no method here (known: ${known.join(', ')}); using retrain, if, ifru, ifru-pruned`]);
    const b = fromHash('#methods=ifru,bogus,ifru', { methods: known });
    expect(b.experiment.methods).toEqual(['ifru']);
    expect(b.problems).toEqual([`"methods=ifru,bogus,ifru": "bogus" is no method here (known: ${known.join(', ')}); ifru is listed twice`]);
    // Known names pass; an empty list stays empty (every method unticked); without the engine's names, as written.
    expect(fromHash('#methods=retrain,e2urec', { methods: known })).toEqual({ experiment: { ...DEFAULT_EXPERIMENT, methods: ['retrain', 'e2urec'] }, problems: [] });
    expect(fromHash('#methods=', { methods: known }).experiment.methods).toEqual([]);
    expect(fromHash('#methods=ifru,bogus').experiment.methods).toEqual(['ifru', 'bogus']);
  });

  it('a forget request the grammar refuses, with the reason the CLI gives', () => {
    const { experiment, problems } = fromHash('#forget=random%3A5');
    expect(experiment.forget).toBe('');
    expect(problems).toEqual(['"forget=random:5" is not a forget request (random fraction must be in (0, 1), got 5); using none']);
    expect(fromHash('#forget=user%3A').problems).toEqual(['"forget=user:" is not a forget request (user: needs a user id); using none']);
    for (const ok of ['user:u1', 'items:u1:i2,i3', 'items:u1:', 'random:0.1']) expect(fromHash(`#forget=${encodeURIComponent(ok)}`).problems).toEqual([]);
  });

  it('a backend that does not exist', () => {
    const { experiment, problems } = fromHash('#backend=tpu');
    expect(experiment.backend).toBe('auto');
    expect(problems).toEqual(['"backend=tpu" names no backend (auto, webgpu, wasm, webgl, cpu); using auto']);
  });
});
