/** Command-line flags shared by the CLI commands, parsed with node:util's parseArgs. */
import { parseArgs } from 'node:util';
import { DEFAULT_LIGHTGCN, type LightGCNConfig } from '../core/types';

export class UsageError extends Error {}

const numberFlags = ['epochs', 'seed', 'dim', 'layers', 'lr', 'batch', 'reg', 'threshold', 'kcore', 'test-fraction', 'mu', 'cg-iters', 'cg-tol', 'shards'] as const;

export function parseCommand(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      backend: { type: 'string' },
      forget: { type: 'string' },
      methods: { type: 'string' },
      model: { type: 'string' },
      reference: { type: 'string' },
      partition: { type: 'string' },
      'eval-every': { type: 'string' },
      threads: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...Object.fromEntries(numberFlags.map((f) => [f, { type: 'string' as const }])),
    },
  });
  const num = (name: string): number | undefined => {
    const raw = (values as Record<string, unknown>)[name];
    if (raw === undefined) return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new UsageError(`--${name} expects a number, got "${String(raw)}"`);
    return v;
  };
  const cfg: LightGCNConfig = {
    ...DEFAULT_LIGHTGCN,
    epochs: num('epochs') ?? DEFAULT_LIGHTGCN.epochs,
    seed: num('seed') ?? DEFAULT_LIGHTGCN.seed,
    dim: num('dim') ?? DEFAULT_LIGHTGCN.dim,
    layers: num('layers') ?? DEFAULT_LIGHTGCN.layers,
    lr: num('lr') ?? DEFAULT_LIGHTGCN.lr,
    batch: num('batch') ?? DEFAULT_LIGHTGCN.batch,
    reg: num('reg') ?? DEFAULT_LIGHTGCN.reg,
    evalEvery: num('eval-every') ?? 0,
  };
  for (const [k, v] of Object.entries({ epochs: cfg.epochs, dim: cfg.dim, batch: cfg.batch })) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${k} must be a positive integer`);
  }
  if (!Number.isInteger(cfg.layers) || cfg.layers < 0) throw new UsageError('--layers must be an integer ≥ 0');
  if (!(cfg.lr > 0)) throw new UsageError('--lr must be > 0');
  if (!(cfg.reg >= 0)) throw new UsageError('--reg must be ≥ 0');
  const threadsRaw = (values.threads as string | undefined) ?? 'auto';
  const threads = threadsRaw === 'auto' ? 'auto' : Number(threadsRaw);
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1 && threads <= 32)) {
    throw new UsageError(`--threads must be auto or an integer 1…32, got "${threadsRaw}"`);
  }
  const reference = (values.reference as string | undefined) ?? 'proximal';
  if (reference !== 'proximal' && reference !== 'converged') throw new UsageError(`--reference must be proximal or converged, got "${reference}"`);
  const mu = num('mu');
  if (mu !== undefined && !(mu > 0)) throw new UsageError('--mu must be > 0');
  const cgIters = num('cg-iters');
  if (cgIters !== undefined && !(Number.isInteger(cgIters) && cgIters >= 1)) throw new UsageError('--cg-iters must be a positive integer');
  const cgTol = num('cg-tol');
  if (cgTol !== undefined && !(cgTol > 0 && cgTol < 1)) throw new UsageError('--cg-tol must be in (0, 1)');
  const shards = num('shards');
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 2)) throw new UsageError('--shards must be an integer ≥ 2');
  const partition = (values.partition as string | undefined) ?? 'user';
  if (partition !== 'user' && partition !== 'interaction') throw new UsageError(`--partition must be user or interaction, got "${partition}"`);
  return {
    command: positionals[0],
    positionals,
    data: values.data as string | undefined,
    backend: values.backend as string | undefined,
    forget: values.forget as string | undefined,
    methods: values.methods as string | undefined,
    model: values.model as string | undefined,
    reference: reference as 'proximal' | 'converged',
    /** μ of the influence methods and of the proximal reference (default: DEFAULT_UNLEARN_OPTIONS.damping). */
    mu,
    /** The influence methods' CG cap and relative-residual stop (default: DEFAULT_UNLEARN_OPTIONS). */
    cgIters,
    cgTol,
    /** Threads for the WebAssembly kernels, the calling thread included ('auto': one per core). */
    threads: threads as number | 'auto',
    /** SISA and RecEraser's shards (default: the data set's, defaults.ts) and RecEraser's partition. */
    shards,
    partition: partition as 'user' | 'interaction',
    quiet: Boolean(values.quiet),
    help: Boolean(values.help),
    threshold: num('threshold'),
    kCore: num('kcore'),
    testFraction: num('test-fraction') ?? 0.2,
    cfg,
  };
}

export type Command = ReturnType<typeof parseCommand>;
