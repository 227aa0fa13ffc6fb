/**
 * Writes the embedded default data sets:                      npx tsx scripts/gen-data.ts [seed]
 * or one data set of your own, the default's generator with other parameters (data the project has
 * never seen, to check a claim on):
 *   npx tsx scripts/gen-data.ts --out FILE [--seed S] [--users N] [--items N] [--interactions N]
 *                               [--groups G] [--min-per-user M] [--popularity P]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatUData, generateSynthetic, SYNTHETIC_PRESETS, type SyntheticConfig, type SyntheticPreset } from '../src/core/data/generate';

const numeric = ['seed', 'users', 'items', 'interactions', 'groups', 'min-per-user', 'popularity'] as const;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, ...Object.fromEntries(numeric.map((k) => [k, { type: 'string' as const }])) },
});
// Every numeric flag given, as a number; a bad one stops here with its name.
const given = new Map(numeric.flatMap((k) => ((values as Record<string, string | undefined>)[k] === undefined ? [] : [[k, (values as Record<string, string>)[k]] as const])));
for (const [k, raw] of given) {
  if (!(Number(raw) > 0 && Number.isFinite(Number(raw)))) {
    console.error(`error: --${k} expects a positive number, got "${raw}"`);
    process.exit(2);
  }
}
const num = (k: (typeof numeric)[number]): number | undefined => (given.has(k) ? Number(given.get(k)) : undefined);
const seed = num('seed') ?? Number(positionals[0] ?? 2024);

if (values.out) {
  // The default data's parameters, with the flags given in place of theirs.
  const field: Record<string, keyof SyntheticConfig> = { users: 'users', items: 'items', interactions: 'interactions', groups: 'groups', 'min-per-user': 'minPerUser', popularity: 'popularity' };
  const config: SyntheticConfig = { ...SYNTHETIC_PRESETS['synthetic-ml100k'] };
  for (const [flag, key] of Object.entries(field)) if (given.has(flag as (typeof numeric)[number])) Object.assign(config, { [key]: num(flag as (typeof numeric)[number]) });
  const { raw } = generateSynthetic(config, seed);
  writeFileSync(values.out, formatUData(raw));
  console.log(
    `${values.out}: ${raw.userIds.length} users, ${raw.itemIds.length} items, ${raw.users.length} interactions ` +
      `(seed ${seed}, ${config.groups} groups, popularity ${config.popularity}, ≥ ${config.minPerUser} per user)`,
  );
} else {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data');
  mkdirSync(out, { recursive: true });
  for (const preset of Object.keys(SYNTHETIC_PRESETS) as SyntheticPreset[]) {
    const { raw } = generateSynthetic(preset, seed);
    const file = join(out, `${preset}.tsv`);
    writeFileSync(file, formatUData(raw));
    console.log(`${file}: ${raw.userIds.length} users, ${raw.itemIds.length} items, ${raw.users.length} interactions (seed ${seed})`);
  }
}
