export { DataError } from './errors';
export type { RawInteractions, ParseStats, DataFormat, LineNote } from './raw';
export { InteractionTableBuilder } from './raw';
export { detectLayout, type Layout, type Delimiter, type ColumnOptions } from './detect';
export { createInteractionParser, parseInteractions, type InteractionParser, type ParseOptions } from './parse';
export { kCore, type KCoreResult } from './kcore';
export { splitPerUser, type Split, type SplitOptions } from './split';
export { buildDataset, type BuildOptions, type DatasetStats } from './pipeline';
export { generateSynthetic, formatUData, SYNTHETIC_PRESETS, type SyntheticConfig, type SyntheticPreset, type SyntheticData } from './generate';
