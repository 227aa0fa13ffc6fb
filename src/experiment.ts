/**
 * The whole experiment as ONE typed object, declared once as a list of fields, that round-trips through
 * the URL hash (after TensorFlow Playground's state.ts). Opening such a URL reproduces the experiment.
 */
import { DEFAULT_LIGHTGCN } from './core/types';
import { DEMO_METHODS } from './core/unlearn/defaults';
import { readForgetSpec } from './core/common/forgetSpec';
import { DEFAULT_BACKEND_ORDER } from './core/backendOrder';
import { DATA_PRESETS } from './presets';
import { parseFileDataId } from './fileStore';

export interface Experiment {
  data: string; // preset id
  epochs: number;
  dim: number;
  layers: number;
  lr: number;
  reg: number;
  batch: number;
  seed: number;
  testFraction: number;
  threshold: number | undefined;
  kCore: number | undefined;
  /** Forget request: "user:ID", "items:USER:ITEM,ITEM" or "random:FRACTION" (ids as in the file). */
  forget: string;
  methods: string[];
  backend: string;
  /** Epochs of the transformer recommender (its original model and Retrain). */
  transformerEpochs: number;
  /** Class mode: larger text and marks for a projector, the lesson's figures first, diagnostics folded.
   *  How the page shows the experiment, not what it computes: changing it reruns nothing. */
  class: boolean;
  /** SISA's and RecEraser's shards k; undefined: the data set's default (core/unlearn/defaults.ts). */
  shards: number | undefined;
}

type Field = (
  | { name: keyof Experiment; type: 'number'; min?: number; max?: number; integer?: boolean; optional?: boolean }
  /** `check`: why a value cannot be used (it is then ignored and reported), or null. */
  | { name: keyof Experiment; type: 'string'; check?: (value: string) => string | null }
  | { name: keyof Experiment; type: 'list' }
  | { name: keyof Experiment; type: 'flag' }
) & {
  /** How the page shows the experiment, not what it computes. */
  view?: true;
};

const BACKEND_CHOICES = ['auto', ...DEFAULT_BACKEND_ORDER];

export const FIELDS: Field[] = [
  {
    name: 'data',
    type: 'string',
    check: (v) =>
      DATA_PRESETS.some((p) => p.id === v) || parseFileDataId(v)
        ? null
        : `names no bundled data set (${DATA_PRESETS.map((p) => p.id).join(', ')}) and no file (file:SHA-256:SIZE:NAME)`,
  },
  { name: 'epochs', type: 'number', min: 1, max: 500, integer: true },
  { name: 'dim', type: 'number', min: 2, max: 256, integer: true },
  { name: 'layers', type: 'number', min: 0, max: 6, integer: true },
  { name: 'lr', type: 'number', min: 1e-5, max: 1 },
  { name: 'reg', type: 'number', min: 0, max: 1 },
  { name: 'batch', type: 'number', min: 16, max: 65536, integer: true },
  { name: 'seed', type: 'number', min: 0, integer: true },
  { name: 'testFraction', type: 'number', min: 0.05, max: 0.5 },
  { name: 'threshold', type: 'number', optional: true },
  { name: 'kCore', type: 'number', min: 1, integer: true, optional: true },
  {
    name: 'forget',
    type: 'string',
    check: (v) => {
      if (v === '') return null;
      try {
        readForgetSpec(v);
        return null;
      } catch (err) {
        return `is not a forget request (${err instanceof Error ? err.message : String(err)})`;
      }
    },
  },
  { name: 'methods', type: 'list' },
  { name: 'backend', type: 'string', check: (v) => (BACKEND_CHOICES.includes(v) ? null : `names no backend (${BACKEND_CHOICES.join(', ')})`) },
  { name: 'transformerEpochs', type: 'number', min: 1, max: 50, integer: true },
  { name: 'class', type: 'flag', view: true },
  { name: 'shards', type: 'number', min: 2, max: 16, integer: true, optional: true },
];

/** The bounds of a numeric field, declared once in FIELDS: the URL check and the page's inputs use them. */
export function bounds(name: keyof Experiment): { min?: number; max?: number } {
  const f = FIELDS.find((x) => x.name === name);
  return f?.type === 'number' ? { min: f.min, max: f.max } : {};
}

/** The page opens on the quick class demo: the small preset trains to a useful model in seconds. The
 *  LightGCN paper's lr 1e-3 / batch 2048 take a hundred epochs on a graph of 5k edges, so the demo uses
 *  lr 0.01 and batch 1024 (the CLI keeps the paper's defaults). */
export const DEFAULT_EXPERIMENT: Experiment = {
  data: 'synthetic-small',
  epochs: DEFAULT_LIGHTGCN.epochs,
  dim: DEFAULT_LIGHTGCN.dim,
  layers: DEFAULT_LIGHTGCN.layers,
  lr: 0.01,
  reg: DEFAULT_LIGHTGCN.reg,
  batch: 1024,
  seed: DEFAULT_LIGHTGCN.seed,
  testFraction: 0.2,
  threshold: undefined,
  kCore: undefined,
  forget: '',
  methods: [...DEMO_METHODS],
  backend: 'auto',
  transformerEpochs: 8,
  class: false,
  shards: undefined,
};

/** Serialises the fields that differ from the defaults (short, readable links). */
export function toHash(e: Experiment): string {
  const params = new URLSearchParams();
  for (const f of FIELDS) {
    const v = e[f.name];
    const d = DEFAULT_EXPERIMENT[f.name];
    if (f.type === 'flag') {
      if (v !== d) params.set(f.name, v ? '1' : '0');
    } else if (f.type === 'list') {
      const s = (v as string[]).join(',');
      if (s !== (d as string[]).join(',')) params.set(f.name, s);
    } else if (v !== d && v !== undefined && v !== '') {
      params.set(f.name, String(v));
    }
  }
  const s = params.toString();
  return s ? `#${s}` : '';
}

/** What a link is checked against beyond its fields' declarations: the engine's method names (the page
 *  asks the engine once it runs; without them, method names are taken as written). */
export interface LinkContext {
  methods?: readonly string[];
}

/** Shown for a value the page replaced: the default, or "none" for an empty one. */
const shown = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v === '' || v === undefined ? 'none' : String(v));

/** Parses a hash back; unknown keys and unusable values are ignored and each is reported, never thrown. */
export function fromHash(hash: string, known: LinkContext = {}): { experiment: Experiment; problems: string[] } {
  const e: Experiment = { ...DEFAULT_EXPERIMENT, methods: [...DEFAULT_EXPERIMENT.methods] };
  const problems: string[] = [];
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const rec = e as unknown as Record<string, unknown>;
  for (const [key, raw] of params) {
    const f = FIELDS.find((x) => x.name === key);
    if (!f) {
      problems.push(`unknown setting "${key}"`);
      continue;
    }
    if (f.type === 'string') {
      const why = f.check?.(raw);
      if (why) problems.push(`"${key}=${raw}" ${why}; using ${shown(rec[key])}`);
      else rec[key] = raw;
    } else if (f.type === 'flag') {
      if (raw === '1' || raw === 'true') rec[key] = true;
      else if (raw === '0' || raw === 'false') rec[key] = false;
      else problems.push(`"${key}=${raw}" is not 1 or 0; using ${rec[key] ? 1 : 0}`);
    } else if (f.type === 'list') rec[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else {
      const v = Number(raw);
      const bad =
        !Number.isFinite(v) ||
        (f.integer && !Number.isInteger(v)) ||
        (f.min !== undefined && v < f.min) ||
        (f.max !== undefined && v > f.max);
      if (raw === '' && f.optional) rec[key] = undefined;
      else if (bad) problems.push(`"${key}=${raw}" is out of range; using ${f.optional && rec[key] === undefined ? 'the default' : String(rec[key])}`);
      else rec[key] = v;
    }
  }
  if (known.methods && params.has('methods')) {
    const { methods, problems: why } = knownMethods(e.methods, known.methods);
    e.methods = methods;
    if (why.length) problems.push(`"methods=${params.get('methods')}": ${why.join('; ')}`);
  }
  return { experiment: e, problems };
}

/** The listed methods the engine knows, in the link's order, once each; when none is left of a
 *  non-empty list, the page's defaults. */
function knownMethods(listed: string[], known: readonly string[]): { methods: string[]; problems: string[] } {
  const methods: string[] = [];
  const problems: string[] = [];
  const unknown = listed.filter((m) => !known.includes(m));
  if (unknown.length) problems.push(`${unknown.map((m) => `"${m}"`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} no method here (known: ${known.join(', ')})`);
  for (const m of listed) {
    if (!known.includes(m)) continue;
    if (methods.includes(m)) problems.push(`${m} is listed twice`);
    else methods.push(m);
  }
  if (listed.length && !methods.length) {
    methods.push(...DEFAULT_EXPERIMENT.methods);
    problems.push(`using ${shown(methods)}`);
  }
  return { methods, problems };
}

/** Whether two experiments compute the same thing (they may differ in how the page shows them). */
export function sameRun(a: Experiment, b: Experiment): boolean {
  const strip = (e: Experiment) => toHash({ ...e, ...Object.fromEntries(FIELDS.filter((f) => f.view).map((f) => [f.name, DEFAULT_EXPERIMENT[f.name]])) });
  return strip(a) === strip(b);
}
