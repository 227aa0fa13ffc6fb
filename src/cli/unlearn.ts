/** `cli unlearn`: train the original model, forget a request with each method, report side by side. */
import { UsageError, type Command } from './args';
import type { Session } from '../core/session';
import { DEFAULT_METHODS, METHOD_NAMES, summarizeReport } from '../core/unlearn';

type Say = (m: string) => void;

export async function unlearnCommand(cmd: Command, session: Session, backend: string, say: Say): Promise<Record<string, unknown>> {
  const methods = (cmd.methods ?? DEFAULT_METHODS.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
  const model = cmd.model ?? 'lightgcn';
  if (model !== 'lightgcn' && model !== 'transformer') throw new UsageError(`--model must be lightgcn or transformer, got "${model}"`);
  const dataset = session.dataset;
  let request;
  try {
    request = session.request(cmd.forget!);
  } catch (err) {
    throw new UsageError(`--forget: ${(err as Error).message}`);
  }
  if (model === 'transformer') {
    const { transformerCommand } = await import('./transformer');
    return transformerCommand(cmd, session, request, methods, backend, say);
  }
  const unknown = methods.filter((m) => !METHOD_NAMES.includes(m));
  if (unknown.length) throw new UsageError(`unknown method(s) ${unknown.join(', ')} (known: ${METHOD_NAMES.join(', ')})`);
  const cfg = { ...cmd.cfg };
  say(`training the original model: ${cfg.epochs} epochs on ${backend}`);
  const trained = await session.train(cfg, (r) => say(`  epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} ${r.ms.toFixed(0)} ms`));
  say(`original: recall@20 ${trained.metrics.recall.toFixed(4)} ndcg@20 ${trained.metrics.ndcg.toFixed(4)}`);
  const prep = await session.prepare();
  say(`cached the original model (${prep.ms.toFixed(0)} ms) and warmed up the influence kernels (${(prep.warmUpMs ?? 0).toFixed(0)} ms)`);
  let lastStage = '';
  const said = new Set<string>();
  if (cmd.reference === 'converged') say('reference: the converged paired retrain (μ = 0, L-BFGS to 1e-4 × ‖g‖); on large data this takes minutes');
  const run = await session.forget(request, methods, {
    ...(cmd.mu !== undefined ? { damping: cmd.mu } : {}),
    ...(cmd.cgIters !== undefined ? { cgIters: cmd.cgIters } : {}),
    ...(cmd.cgTol !== undefined ? { cgTol: cmd.cgTol } : {}),
    ...(cmd.shards !== undefined ? { shards: cmd.shards } : {}),
    receraserPartition: cmd.partition,
    reference: { kind: cmd.reference },
    onProgress: (e) => {
      const stage = `${e.method ?? ''} ${e.stage}`.trim();
      if (stage !== lastStage) say(`» ${e.step}/${e.steps} ${stage}${e.message ? `: ${e.message}` : ''}`);
      lastStage = stage;
    },
    // Each result as it lands (the same landings the page draws).
    onResult: ({ report }) => {
      for (const [name, m] of Object.entries(report.methods)) {
        if (said.has(name)) continue;
        said.add(name);
        const fid = m.notComparable
          ? ', fidelity to the reference not comparable (a sharded ensemble)'
          : Number.isFinite(m.fidelity.paramRelErr)
            ? `, parameter error ${m.fidelity.paramRelErr.toFixed(3)} vs the reference`
            : '';
        const shards = m.shards ? `, exact: retrained ${m.shardsRetrained} of ${m.shards} shards (all ${m.shards} trained once per model in ${((m.shardTrainMs ?? 0) / 1000).toFixed(1)} s)` : '';
        say(`  landed: ${m.label} in ${m.ms.toFixed(0)} ms, recall@20 ${m.recall20.toFixed(4)}${fid}${shards}`);
      }
      if (report.reference?.noiseFloor && !said.has('noise floor')) {
        said.add('noise floor');
        say(`  landed: the noise floor (a second seed), recall@20 ${report.reference.noiseFloor.recall20.toFixed(4)}`);
      }
    },
  });
  session.dispose();
  return {
    command: 'unlearn',
    data: dataset.name,
    users: dataset.nUsers,
    items: dataset.nItems,
    train: dataset.train.u.length,
    backend,
    epochs: cfg.epochs,
    lr: cfg.lr,
    originalRecall20: trained.metrics.recall,
    ...summarizeReport(run.report),
  };
}
