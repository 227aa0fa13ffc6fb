/**
 * The playground's core on the command line (Node, cpu or wasm backend).
 *   npm run cli -- train --data FILE [--epochs N --seed S --dim D --layers K --lr X --batch B --reg R]
 * Progress goes to stderr; the last stdout line is one JSON object. Bad input: exit code 1 and a
 * one-line message on stderr.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseCommand, UsageError, type Command } from './args';
import { loadData } from './load';
import { selectBackend, benchmarkBackends } from '../core/backend';
import { trainLightGCN } from '../core/train';
import { DataError } from '../core/data';
import { DEFAULT_METHODS } from '../core/unlearn/defaults';
import { METHOD_NAMES } from '../core/unlearn/registry';

const USAGE = `usage:
  npm run cli -- train --data FILE|default|small [--epochs N] [--seed S] [--dim D] [--layers K]
                       [--lr X] [--batch B] [--reg R] [--threshold T] [--kcore K] [--backend cpu|wasm]
  npm run cli -- unlearn --data FILE|default|small --forget user:ID|items:USER:ITEM,ITEM|random:FRACTION
                       [--methods NAME,NAME (default ${DEFAULT_METHODS.join(',')}; known: ${METHOD_NAMES.join(',')})]
                       [--model lightgcn|transformer]
                       [--reference proximal|converged] [--mu M] [--epochs N] [--seed S] …
FILE: MovieLens u.data / ratings.dat / ratings.csv, RecBole .inter, or CSV/TSV with a header.`;

const log = (quiet: boolean) => (msg: string) => {
  if (!quiet) process.stderr.write(`${msg}\n`);
};

/** Node has cpu and wasm: both use the same JS SpMM kernels, so measure and take the faster. */
async function chooseBackend(cmd: Command, say: (m: string) => void): Promise<string> {
  if (cmd.backend) {
    const sel = await selectBackend([cmd.backend]);
    if (sel.backend !== cmd.backend) throw new UsageError(`backend ${cmd.backend} is not available: ${sel.reason}`);
    return sel.backend;
  }
  const bench = await benchmarkBackends(['wasm', 'cpu']);
  const sel = await selectBackend(bench.fastest ? [bench.fastest] : ['wasm', 'cpu']);
  say(`backend ${sel.backend}: ${bench.reason}`);
  return sel.backend;
}

async function train(cmd: Command): Promise<Record<string, unknown>> {
  const say = log(cmd.quiet);
  if (!cmd.data) throw new UsageError('train needs --data FILE');
  const { dataset, stats } = await loadData(cmd.data, { threshold: cmd.threshold, kCore: cmd.kCore, testFraction: cmd.testFraction, seed: cmd.cfg.seed });
  for (const note of stats.notes) say(note);
  const backend = await chooseBackend(cmd, say);
  const cfg = { ...cmd.cfg };
  const result = await trainLightGCN(dataset, cfg, {
    onEpoch: (r) => {
      const m = r.metrics ? ` recall@20 ${r.metrics.recall.toFixed(4)} ndcg@20 ${r.metrics.ndcg.toFixed(4)}` : '';
      say(`epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} ${r.ms.toFixed(0)} ms${m}`);
    },
  });
  return {
    command: 'train',
    data: dataset.name,
    users: dataset.nUsers,
    items: dataset.nItems,
    train: dataset.train.u.length,
    test: dataset.test.u.length,
    backend,
    epochs: result.reports.length,
    epochMs: result.msPerEpochMedian,
    recall20: result.metrics.recall,
    ndcg20: result.metrics.ndcg,
    auc: result.metrics.auc,
    loss: result.reports.at(-1)?.loss,
    config: cfg,
    tfjs: tf.version.tfjs,
  };
}

async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message} (see --help)\n`);
    return 2;
  }
  if (cmd.help || !cmd.command) {
    process.stdout.write(`${USAGE}\n`);
    return cmd.help ? 0 : 2;
  }
  try {
    let out: Record<string, unknown>;
    if (cmd.command === 'train') out = await train(cmd);
    else if (cmd.command === 'unlearn') out = await (await import('./unlearn')).unlearnCommand(cmd, log(cmd.quiet), chooseBackend);
    else throw new UsageError(`unknown command "${cmd.command}"`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`error: ${err.message}\n`);
    else if (err instanceof DataError) process.stderr.write(`error: ${err.message}\n`);
    else process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
