/**
 * `cli lesson convergence|size|horizon`: a lesson of "When do influence functions work?" for one
 * request (docs/method.md). Progress on stderr; the last stdout line is one JSON object
 * { lesson, request, points: [ { epochs | forgotten | mu, recall20?, stationarity?, fidelity } ] },
 * each fidelity entry { paramRelErr, paramCos, scoreRelErr } per method and baseline.
 */
import { UsageError, type Command } from './args';
import type { LessonKind, Session } from '../core/session';
import { DEFAULT_UNLEARN_OPTIONS, type UnlearnOptions } from '../core/unlearn';
import type { LessonPoint } from '../core/unlearn';

type Say = (m: string) => void;

export async function lessonCommand(cmd: Command, session: Session, backend: string, say: Say): Promise<Record<string, unknown>> {
  const kind = cmd.positionals[1] as LessonKind;
  if (!cmd.forget) throw new UsageError('lesson needs --forget user:ID|items:USER:ITEM,ITEM|random:FRACTION');
  const ds = session.dataset;
  const cfg = { ...cmd.cfg };
  let request;
  try {
    request = session.request(cmd.forget, cfg.seed);
  } catch (err) {
    throw new UsageError(`--forget: ${(err as Error).message}`);
  }
  const options: UnlearnOptions = {
    ...DEFAULT_UNLEARN_OPTIONS,
    ...(cmd.mu !== undefined ? { damping: cmd.mu } : {}),
    ...(cmd.cgIters !== undefined ? { cgIters: cmd.cgIters } : {}),
    ...(cmd.cgTol !== undefined ? { cgTol: cmd.cgTol } : {}),
  };
  let recall20: number | undefined;
  if (kind !== 'convergence') {
    say(`training the model: ${cfg.epochs} epochs, lr ${cfg.lr} on ${backend}`);
    const trained = await session.train(cfg, (r) => say(`  epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)}`));
    recall20 = trained.metrics.recall;
    say(`recall@20 ${recall20.toFixed(4)}`);
  } else {
    say(`training ${cfg.epochs} × 2 epochs (lr ${cfg.lr}) with checkpoints, then a reference and the methods at each`);
  }
  let shown = -1;
  let last = '';
  const points = (await session.lesson(kind, request, {
    cfg: kind === 'convergence' ? cfg : undefined,
    options,
    onProgress: (p) => {
      const step = Math.floor(p.fraction * 20);
      const head = (p.message ?? '').split(':')[0];
      if (step !== shown || head !== last) say(`» ${(p.fraction * 100).toFixed(0)} % ${p.message ?? ''}`);
      shown = step;
      last = head;
    },
  })) as (LessonPoint & Record<string, unknown>)[];
  session.dispose();
  return {
    lesson: kind,
    request: cmd.forget,
    data: ds.name,
    users: ds.nUsers,
    items: ds.nItems,
    train: ds.train.u.length,
    backend,
    epochs: cfg.epochs,
    lr: cfg.lr,
    seed: cfg.seed,
    ...(recall20 !== undefined ? { recall20 } : {}),
    points: points.map(({ fidelity, ...rest }) => ({
      ...rest,
      fidelity: Object.fromEntries(
        Object.entries(fidelity).map(([name, f]) => [name, { paramRelErr: f.paramRelErr, paramCos: f.paramCos, scoreRelErr: f.scoreRelErr }]),
      ),
    })),
  };
}
