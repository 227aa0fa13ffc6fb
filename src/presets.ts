/** Embedded data sets, served from public/data (generated, freely redistributable). */
export interface DataPreset {
  id: string;
  label: string;
  file: string;
  description: string;
}

export const DATA_PRESETS: DataPreset[] = [
  {
    id: 'synthetic-small',
    label: 'Small (≈150 users)',
    file: 'synthetic-small.tsv',
    description: 'Quick demos and classes: trains in seconds.',
  },
  {
    id: 'synthetic-ml100k',
    label: 'Default (MovieLens-100K scale)',
    file: 'synthetic-ml100k.tsv',
    description: '943 users × 1,682 items, ≈100k interactions with community structure.',
  },
];

export function presetUrl(p: DataPreset): string {
  return `${import.meta.env.BASE_URL}data/${p.file}`;
}
