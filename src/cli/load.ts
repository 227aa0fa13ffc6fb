/** Loads a data set for the CLI: a file streamed from disk, or a built-in synthetic preset by name. */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { buildDataset, createInteractionParser, generateSynthetic, SYNTHETIC_PRESETS, DataError, type DatasetStats } from '../core/data';
import type { Dataset } from '../core/types';

export interface LoadOptions {
  threshold?: number;
  kCore?: number;
  testFraction: number;
  seed: number;
}

export async function loadData(spec: string, opts: LoadOptions): Promise<{ dataset: Dataset; stats: DatasetStats }> {
  const build = { threshold: opts.threshold, kCore: opts.kCore, testFraction: opts.testFraction, seed: opts.seed };
  if (spec in SYNTHETIC_PRESETS || spec === 'default' || spec === 'small') {
    const preset = spec === 'default' ? 'synthetic-ml100k' : spec === 'small' ? 'synthetic-small' : spec;
    const { raw } = generateSynthetic(preset as keyof typeof SYNTHETIC_PRESETS, 2024);
    return buildDataset(raw, { name: preset, ...build });
  }
  const name = basename(spec);
  try {
    const st = statSync(spec);
    if (!st.isFile()) throw new DataError(name, 0, 'is not a file');
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(name, 0, `cannot read ${spec} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const parser = createInteractionParser(name, { threshold: opts.threshold });
  const stream = createReadStream(spec, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) parser.push(chunk as string);
  return buildDataset(parser.finish(), { name, ...build });
}
