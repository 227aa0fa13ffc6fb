/** Loads a data set into the CLI's session: a file streamed from disk, or a built-in synthetic preset by name. */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { buildDataset, generateSynthetic, SYNTHETIC_PRESETS, DataError } from '../core/data';
import type { DataOptions, DatasetSummary, Session } from '../core/session';

export async function loadData(session: Session, spec: string, opts: DataOptions): Promise<DatasetSummary> {
  if (spec in SYNTHETIC_PRESETS || spec === 'default' || spec === 'small') {
    const preset = spec === 'default' ? 'synthetic-ml100k' : spec === 'small' ? 'synthetic-small' : spec;
    const { raw } = generateSynthetic(preset as keyof typeof SYNTHETIC_PRESETS, 2024);
    const { dataset, stats } = buildDataset(raw, { name: preset, ...opts });
    session.setDataset(dataset);
    return { name: preset, users: dataset.nUsers, items: dataset.nItems, train: dataset.train.u.length, test: dataset.test.u.length, notes: stats.notes };
  }
  const name = basename(spec);
  try {
    const st = statSync(spec);
    if (!st.isFile()) throw new DataError(name, 0, 'is not a file');
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(name, 0, `cannot read ${spec} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return session.load(name, createReadStream(spec, { encoding: 'utf8', highWaterMark: 1 << 20 }), opts);
}
