/**
 * One experiment, three ways in: the core's Session, the worker's engine (File reading, comlink-free)
 * and the CLI (a child process). Every figure that does not measure time must be the same.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Engine } from './engine';
import { Session } from '../src/core/session';
import { DEFAULT_LIGHTGCN } from '../src/core/types';

const lines = ['userId,movieId,rating,timestamp'];
for (let u = 1; u <= 40; u++) for (let k = 0; k < 12; k++) lines.push(`${u},${(u * 7 + k * 3) % 70},4,0`);
const text = lines.join('\n');
const file = join(mkdtempSync(join(tmpdir(), 'parity-')), 'ratings.csv');
writeFileSync(file, text);

const cfg = { ...DEFAULT_LIGHTGCN, dim: 8, epochs: 3, lr: 0.01, batch: 128, seed: 7, evalEvery: 0 };
const methods = ['retrain', 'if', 'ifru', 'ifru-pruned'];
const forget = 'user:5';

/** The report without what measures time (it differs run to run), through JSON as the CLI prints it. */
function figures(report: unknown): unknown {
  const timing = /(^ms$|Ms$|speedup|phases|epochEquivalents)/;
  return JSON.parse(JSON.stringify(report, (key, v) => (timing.test(key) ? undefined : v)));
}

function cli(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    execFile('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 180_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr)) : resolve(JSON.parse(stdout.trim().split('\n').pop()!)),
    ),
  );
}

describe('one experiment through the session, the worker engine and the CLI', () => {
  it('gives the same figures', async () => {
    await tf.setBackend('cpu');
    const session = new Session();
    await session.load('ratings.csv', [text], { testFraction: 0.2, seed: cfg.seed });
    await session.train(cfg);
    const direct = (await session.forget(forget, methods)).report;
    session.dispose();

    const engine = new Engine();
    await engine.init('cpu');
    await engine.loadFile(new File([text], 'ratings.csv'), { testFraction: 0.2, seed: cfg.seed });
    await engine.train(cfg);
    const steps: string[] = [];
    const landings: { landed: string[]; pending: string[]; complete: boolean; steps: number }[] = [];
    const viaWorker = (
      await engine.unlearn(
        forget,
        methods,
        (p) => steps.push(`${p.step}/${p.steps} ${p.method ?? p.stage}`),
        (v) => landings.push({ landed: v.methods.map((m) => m.name), pending: v.report.pending, complete: v.report.complete, steps: steps.length }),
      )
    ).report;
    engine.session.dispose();

    expect(figures(viaWorker)).toEqual(figures(direct));
    // Phases in order: the cache, the quick methods, the reference and the first measures, Retrain, the noise floor.
    const order = [...new Set(steps)];
    expect(order).toEqual(['1/8 preparing', '2/8 if', '3/8 ifru', '4/8 ifru-pruned', '5/8 reference', '6/8 metrics', '7/8 retrain', '8/8 noise floor']);
    // Results land as they come: the quick methods with the reference before Retrain starts, then Retrain
    // before the noise floor; the complete result is the promise's.
    expect(landings.map(({ landed, pending, complete }) => ({ landed, pending, complete }))).toEqual([
      { landed: ['if', 'ifru', 'ifru-pruned'], pending: ['retrain', 'noise floor'], complete: false },
      { landed: ['retrain', 'if', 'ifru', 'ifru-pruned'], pending: ['noise floor'], complete: false },
    ]);
    // No Retrain progress before the first landing.
    expect(landings[0].steps).toBeLessThanOrEqual(steps.indexOf('7/8 retrain'));
    expect(viaWorker.complete).toBe(true);
    expect(viaWorker.pending).toEqual([]);

    const out = await cli([
      'unlearn', '--data', file, '--forget', forget, '--methods', methods.join(','), '--backend', 'cpu', '--quiet',
      '--epochs', '3', '--dim', '8', '--lr', '0.01', '--batch', '128', '--seed', '7',
    ]);
    const viaCli = figures(out) as Record<string, unknown>;
    const want = figures(direct) as Record<string, unknown> & { methods: Record<string, unknown> };
    expect(viaCli.original).toEqual(want.original);
    expect(viaCli.reference).toEqual(want.reference);
    for (const m of methods) expect(viaCli[m]).toEqual(want.methods[m]);
  }, 300_000);
});
