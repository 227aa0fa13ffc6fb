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
import { chooseBackend } from '../core/backend';
import { LESSON_KINDS, Session, type LessonKind } from '../core/session';
import { startNodeThreads } from '../core/spmm/nodeThreads';
import type { ThreadStatus } from '../core/spmm/threads';
import { DataError } from '../core/data';
import { DEFAULT_METHODS } from '../core/unlearn/defaults';
import { METHOD_NAMES } from '../core/unlearn/registry';

const USAGE = `usage:
  npm run cli -- train --data FILE|default|small [--epochs N] [--seed S] [--dim D] [--layers K]
                       [--lr X] [--batch B] [--reg R] [--threshold T] [--kcore K] [--backend cpu|wasm]
                       [--threads N|auto (the WebAssembly kernels' threads; auto: one per core)]
  npm run cli -- unlearn --data FILE|default|small --forget user:ID|items:USER:ITEM,ITEM|random:FRACTION
                       [--methods NAME,NAME (default ${DEFAULT_METHODS.join(',')}; known: ${METHOD_NAMES.join(',')})]
                       [--model lightgcn|transformer]
                       [--reference proximal|converged] [--mu M] [--cg-iters N] [--cg-tol T]
                       [--shards K (SISA, RecEraser; default per data set)] [--partition user|interaction (RecEraser)]
                       [--epochs N] [--seed S] …
  npm run cli -- lesson convergence|size|horizon --data FILE|default|small --forget user:ID|items:USER:ITEM,ITEM|random:FRACTION
                       [--epochs N] [--lr X] [--seed S] [--mu M] …
                       (convergence: trained again for 2 × N epochs with checkpoints; size: nested deletions of
                       the request's user and random fractions; horizon: μ from 1e-3 to 1e-6)
FILE: MovieLens u.data / ratings.dat / ratings.csv, RecBole .inter, or CSV/TSV with a header.`;

const log = (quiet: boolean) => (msg: string) => {
  if (!quiet) process.stderr.write(`${msg}\n`);
};

/** Node has cpu and wasm: both use the same JS SpMM kernels, so measure and take the faster. */
async function backendFor(cmd: Command, say: (m: string) => void): Promise<string> {
  try {
    const info = await chooseBackend(cmd.backend, ['wasm', 'cpu'], true);
    say(`backend ${info.reason}`);
    return info.backend;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Loads --data into a new session, starts the kernels' threads and picks the backend: what every command starts with. */
async function open(cmd: Command, say: (m: string) => void): Promise<{ session: Session; backend: string; threads: ThreadStatus }> {
  if (!cmd.data) throw new UsageError(`${cmd.command} needs --data FILE`);
  const session = new Session();
  const summary = await loadData(session, cmd.data, { threshold: cmd.threshold, kCore: cmd.kCore, testFraction: cmd.testFraction, seed: cmd.cfg.seed });
  for (const note of summary.notes) say(note);
  const threads = await startNodeThreads(cmd.threads);
  say(`kernels: ${threads.reason}`);
  return { session, backend: await backendFor(cmd, say), threads };
}

async function train(cmd: Command, session: Session, backend: string, say: (m: string) => void): Promise<Record<string, unknown>> {
  const dataset = session.dataset;
  const cfg = { ...cmd.cfg };
  const result = await session.train(cfg, (r) => {
    const m = r.metrics ? ` recall@20 ${r.metrics.recall.toFixed(4)} ndcg@20 ${r.metrics.ndcg.toFixed(4)}` : '';
    say(`epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} ${r.ms.toFixed(0)} ms${m}`);
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
    if (cmd.command !== 'train' && cmd.command !== 'unlearn' && cmd.command !== 'lesson') throw new UsageError(`unknown command "${cmd.command}"`);
    if (cmd.command === 'lesson' && !LESSON_KINDS.includes(cmd.positionals[1] as LessonKind)) {
      throw new UsageError(`lesson must be one of ${LESSON_KINDS.join(', ')}, got "${cmd.positionals[1] ?? ''}"`);
    }
    if (cmd.command === 'unlearn' && !cmd.forget) throw new UsageError('unlearn needs --forget user:ID|items:USER:ITEM,ITEM|random:FRACTION');
    const say = log(cmd.quiet);
    const { session, backend, threads } = await open(cmd, say);
    const out =
      cmd.command === 'train'
        ? await train(cmd, session, backend, say)
        : cmd.command === 'lesson'
          ? await (await import('./lesson')).lessonCommand(cmd, session, backend, say)
          : await (await import('./unlearn')).unlearnCommand(cmd, session, backend, say);
    process.stdout.write(`${JSON.stringify({ ...out, threads: threads.threads, threadsReason: threads.reason })}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`error: ${err.message}\n`);
    else if (err instanceof DataError) process.stderr.write(`error: ${err.message}\n`);
    else process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
