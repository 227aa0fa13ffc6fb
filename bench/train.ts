/**
 * `npm run bench`: LightGCN training speed and quality, measured side by side in one run.
 *  1. the CLI on each CPU backend of Node (cpu, wasm) on the default data set → the fastest;
 *  2. a PyTorch LightGCN script (--torch-reference FILE: args DATA --epochs N --lr X --threads T, last
 *     stdout line JSON with epoch_s_median and recall20) on the same file and epochs, where
 *     `/usr/bin/python3 -c "import torch"` works → ratios of epoch time and Recall@20;
 *  3. the epoch time per backend in headless Chromium (the built app's worker).
 * Prints one JSON object per line. Flags: --epochs N (default 20), --lr X (default 0.005), --skip-browser,
 * --browser-only, --browser-epochs N (default 2), --torch-reference FILE.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '20' },
    lr: { type: 'string', default: '0.005' },
    data: { type: 'string', default: 'public/data/synthetic-ml100k.tsv' },
    'skip-browser': { type: 'boolean', default: false },
    'browser-only': { type: 'boolean', default: false },
    'browser-epochs': { type: 'string', default: '2' },
    'torch-reference': { type: 'string' },
  },
});
const epochs = Number(values.epochs);
const lr = values.lr!;
const data = resolve(values.data!);
const reference = values['torch-reference'] ? resolve(values['torch-reference']) : null;

function emit(obj: Record<string, unknown>): void {
  console.log(JSON.stringify(obj));
}

function lastJsonLine(out: string): Record<string, number | string> {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON line in output:\n${out.slice(-2000)}`);
  return JSON.parse(line);
}

function runCli(backend: string): Record<string, number | string> {
  const out = execFileSync('npx', ['tsx', 'src/cli/main.ts', 'train', '--data', data, '--epochs', String(epochs), '--lr', lr, '--backend', backend, '--quiet'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  return lastJsonLine(out);
}

if (values['browser-only']) {
  await browserBench();
  process.exit(0);
}

const cli: Record<string, Record<string, number | string>> = {};
for (const backend of ['cpu', 'wasm']) {
  cli[backend] = runCli(backend);
  emit({ bench: 'cli-train', ...cli[backend] });
}
const fastest = Object.values(cli).reduce((a, b) => (Number(a.epochMs) <= Number(b.epochMs) ? a : b));
emit({ bench: 'cli-fastest-cpu-backend', backend: fastest.backend, epochMs: fastest.epochMs, recall20: fastest.recall20 });

const hasTorch = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!reference || !hasTorch || !existsSync(reference)) {
  const why = !reference ? 'no --torch-reference FILE given' : hasTorch ? `missing ${reference}` : 'python3-torch not installed (apt-get install -y python3-torch)';
  emit({ bench: 'reference', skipped: why });
} else {
  const out = execFileSync('/usr/bin/python3', [reference, data, '--epochs', String(epochs), '--lr', lr, '--threads', '2'], { encoding: 'utf8' });
  const ref = lastJsonLine(out);
  emit({ bench: 'reference', ...ref });
  const refEpochMs = Number(ref.epoch_s_median) * 1000;
  emit({
    bench: 'ratio-playground-vs-reference',
    backend: fastest.backend,
    epochs,
    epochMsPlayground: Number(fastest.epochMs),
    epochMsReference: refEpochMs,
    epochTimeRatio: Number(fastest.epochMs) / refEpochMs,
    recall20Playground: Number(fastest.recall20),
    recall20Reference: Number(ref.recall20),
    recall20Ratio: Number(fastest.recall20) / Number(ref.recall20),
  });
}

if (!values['skip-browser']) {
  await browserBench();
}

async function browserBench(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    emit({ bench: 'browser', skipped: `no Chromium at ${chromium}` });
    return;
  }
  if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const port = 4179;
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  try {
    const { chromium: pw } = await import('playwright');
    const { CHROMIUM_ARGS } = await import('../playwright.config');
    const base = `http://127.0.0.1:${port}/`;
    for (let i = 0; i < 50; i++) {
      try {
        if ((await fetch(base)).ok) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = await pw.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await page.goto(base);
    // Let the page finish its own start-up (backend benchmark, preset load) before driving the engine.
    await page.waitForSelector('[data-testid=dataset-summary]', { timeout: 120_000 });
    for (const backend of ['webgpu', 'wasm', 'webgl', 'cpu']) {
      const res = await page.evaluate(
        async ({ backend, epochs, lr }) => {
          const eng = (globalThis as unknown as { __engine: any }).__engine; // eslint-disable-line @typescript-eslint/no-explicit-any
          const info = await eng.init(backend);
          if (info.backend !== backend) return { backend, skipped: info.reason };
          await eng.loadPreset('synthetic-ml100k', '/data/synthetic-ml100k.tsv', { testFraction: 0.2, seed: 2024 });
          const t = await eng.train({ dim: 64, layers: 3, lr, reg: 1e-4, batch: 2048, epochs, seed: 2024, initStd: 0.1, evalEvery: 0 });
          return { backend, epochMs: t.msPerEpochMedian, recall20: t.metrics.recall };
        },
        { backend, epochs: Number(values['browser-epochs']), lr: Number(lr) },
      );
      emit({ bench: 'browser-train', ...res });
    }
    await browser.close();
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}
