/** Writes the embedded default data sets: npx tsx scripts/gen-data.ts [seed] */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUData, generateSynthetic, SYNTHETIC_PRESETS, type SyntheticPreset } from '../src/core/data/generate';

const seed = Number(process.argv[2] ?? 2024);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data');
mkdirSync(out, { recursive: true });
for (const preset of Object.keys(SYNTHETIC_PRESETS) as SyntheticPreset[]) {
  const { raw } = generateSynthetic(preset, seed);
  const file = join(out, `${preset}.tsv`);
  writeFileSync(file, formatUData(raw));
  console.log(`${file}: ${raw.userIds.length} users, ${raw.itemIds.length} items, ${raw.users.length} interactions (seed ${seed})`);
}
