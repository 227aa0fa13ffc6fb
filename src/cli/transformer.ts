/** `cli unlearn --model transformer`: the small causal transformer recommender (the in-browser stand-in
 *  for an LLM recommender) with Retrain, Fine-tune, NegGrad and E2URec. */
import { UsageError, type Command } from './args';
import { TRANSFORMER_METHODS } from '../core/transformer';
import type { Session } from '../core/session';
import type { ForgetRequest } from '../core/unlearn';

export async function transformerCommand(
  cmd: Command,
  session: Session,
  request: ForgetRequest,
  methods: string[],
  backend: string,
  say: (m: string) => void,
): Promise<Record<string, unknown>> {
  const known = TRANSFORMER_METHODS as readonly string[];
  const unsupported = methods.filter((m) => !known.includes(m));
  if (unsupported.length) say(`the transformer runs ${known.join(', ')}; skipping ${unsupported.join(', ')} (LightGCN-only)`);
  if (unsupported.length === methods.length) throw new UsageError(`--model transformer needs one of ${known.join(', ')} in --methods`);
  let last = '';
  const report = await session.transformer(request, methods, cmd.cfg.epochs, (p) => {
    if (p.stage !== last) say(`» ${p.stage}: ${p.message}`);
    last = p.stage;
  });
  return { command: 'unlearn', data: session.dataset.name, cliBackend: backend, ...report };
}
