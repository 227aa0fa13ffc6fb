/** `cli unlearn --model transformer`: the small causal transformer recommender (the in-browser stand-in
 *  for an LLM recommender) with Retrain, Fine-tune, NegGrad and E2URec. */
import { UsageError, type Command } from './args';
import { runTransformerUnlearning, TRANSFORMER_METHODS, type TransformerMethod } from '../core/transformer';
import type { ForgetRequest } from '../core/unlearn';
import type { Dataset } from '../core/types';

export async function transformerCommand(
  cmd: Command,
  dataset: Dataset,
  request: ForgetRequest,
  methods: string[],
  backend: string,
  say: (m: string) => void,
): Promise<Record<string, unknown>> {
  const known = TRANSFORMER_METHODS as readonly string[];
  const unsupported = methods.filter((m) => !known.includes(m));
  if (unsupported.length) say(`the transformer runs ${known.join(', ')}; skipping ${unsupported.join(', ')} (LightGCN-only)`);
  const chosen = methods.filter((m) => known.includes(m)) as TransformerMethod[];
  if (chosen.length === 0) throw new UsageError(`--model transformer needs one of ${known.join(', ')} in --methods`);
  let last = '';
  const report = await runTransformerUnlearning(dataset, request, {
    methods: chosen,
    seed: cmd.cfg.seed,
    epochs: cmd.cfg.epochs,
    onProgress: (p) => {
      if (p.stage !== last) say(`» ${p.stage}: ${p.message}`);
      last = p.stage;
    },
  });
  return { command: 'unlearn', data: dataset.name, cliBackend: backend, ...report };
}
