/** Embedded data sets, served from public/data (generated, freely redistributable). */
export interface DataPreset {
  id: string;
  label: string;
  file: string;
  description: string;
  /** The guided tour's user: where IFRU's spillover term visibly matters (measured with the page's
   *  default settings; see the tour's last step, which says so from the result either way). */
  tourUser?: string;
}

export const DATA_PRESETS: DataPreset[] = [
  {
    id: 'synthetic-small',
    label: 'Small (≈150 users)',
    file: 'synthetic-small.tsv',
    description: 'Quick demos and classes: trains in seconds.',
    // Whole-user deletion, 20 epochs, seed 2024, lr 0.01, batch 1024: hop-2 movement IF-direct 0.0333,
    // IFRU 0.0265, paired reference 0.0254 (u39, the heaviest: 0.0321 / 0.0285 / 0.0296).
    tourUser: 'u54',
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
