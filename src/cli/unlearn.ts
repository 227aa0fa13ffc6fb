/** `cli unlearn`: train the original model, forget a request with each method, report side by side. */
import { UsageError, type Command } from './args';
import { loadData } from './load';
import { trainLightGCN } from '../core/train';
import { DEFAULT_METHODS, METHOD_NAMES, parseForgetSpec, prepareUnlearning, runUnlearning, summarizeReport, warmUpInfluence } from '../core/unlearn';

type Say = (m: string) => void;
type ChooseBackend = (cmd: Command, say: Say) => Promise<string>;

export async function unlearnCommand(cmd: Command, say: Say, chooseBackend: ChooseBackend): Promise<Record<string, unknown>> {
  if (!cmd.data) throw new UsageError('unlearn needs --data FILE');
  if (!cmd.forget) throw new UsageError('unlearn needs --forget user:ID|items:USER:ITEM,ITEM|random:FRACTION');
  const methods = (cmd.methods ?? DEFAULT_METHODS.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
  const model = cmd.model ?? 'lightgcn';
  if (model !== 'lightgcn' && model !== 'transformer') throw new UsageError(`--model must be lightgcn or transformer, got "${model}"`);
  const { dataset } = await loadData(cmd.data, { threshold: cmd.threshold, kCore: cmd.kCore, testFraction: cmd.testFraction, seed: cmd.cfg.seed });
  let request;
  try {
    request = parseForgetSpec(cmd.forget, dataset, cmd.cfg.seed);
  } catch (err) {
    throw new UsageError(`--forget: ${(err as Error).message}`);
  }
  const backend = await chooseBackend(cmd, say);
  if (model === 'transformer') {
    const { transformerCommand } = await import('./transformer');
    return transformerCommand(cmd, dataset, request, methods, backend, say);
  }
  const unknown = methods.filter((m) => !METHOD_NAMES.includes(m));
  if (unknown.length) throw new UsageError(`unknown method(s) ${unknown.join(', ')} (known: ${METHOD_NAMES.join(', ')})`);
  const cfg = { ...cmd.cfg };
  say(`training the original model: ${cfg.epochs} epochs on ${backend}`);
  const trained = await trainLightGCN(dataset, cfg, {
    onEpoch: (r) => say(`  epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} ${r.ms.toFixed(0)} ms`),
  });
  say(`original: recall@20 ${trained.metrics.recall.toFixed(4)} ndcg@20 ${trained.metrics.ndcg.toFixed(4)}`);
  const prep = await prepareUnlearning(dataset, { ...trained, epochMs: trained.msPerEpochMean }, cfg);
  const warmMs = await warmUpInfluence(prep);
  say(`cached the original model (${prep.ms.toFixed(0)} ms) and warmed up the influence kernels (${warmMs.toFixed(0)} ms)`);
  let lastStage = '';
  if (cmd.reference === 'converged') say('reference: the converged paired retrain (μ = 0, L-BFGS to 1e-4 × ‖g‖); on large data this takes minutes');
  const run = await runUnlearning(dataset, trained, cfg, request, {
    methods,
    prep,
    ...(cmd.mu !== undefined ? { damping: cmd.mu } : {}),
    reference: { kind: cmd.reference },
    onProgress: (e) => {
      const stage = `${e.method ?? ''} ${e.stage}`.trim();
      if (stage !== lastStage) say(`» ${stage}${e.message ? `: ${e.message}` : ''}`);
      lastStage = stage;
    },
  });
  prep.dispose();
  return {
    command: 'unlearn',
    data: dataset.name,
    users: dataset.nUsers,
    items: dataset.nItems,
    train: dataset.train.u.length,
    backend,
    epochs: cfg.epochs,
    originalRecall20: trained.metrics.recall,
    ...summarizeReport(run.report),
  };
}
