/**
 * `npm run bench`: LightGCN training speed and quality, measured side by side in one run.
 *  1. the CLI on each CPU backend of Node (cpu, wasm) on the default data set → the fastest;
 *  2. a PyTorch LightGCN script (--torch-reference FILE: args DATA --epochs N --lr X --threads T, last
 *     stdout line JSON with epoch_s_median and recall20) on the same file and epochs, where
 *     `/usr/bin/python3 -c "import torch"` works → ratios of epoch time and Recall@20;
 *  3. the epoch time per backend in headless Chromium (the built app's worker).
 * Prints one JSON object per line. Flags: --epochs N (default 20), --lr X (default 0.005), --skip-browser,
 * --browser-only, --browser-epochs N (default 2), --torch-reference FILE; for the browser part: --gpu (a real
 * GPU: Chromium without the SwiftShader flags, with Vulkan), --forget SPEC (IFRU's request, default
 * user:u24), --browser-data PRESET (synthetic-ml100k; synthetic-small for a quick check), --port P (4179). In Chromium it prints per backend the epoch time and IFRU's request and
 * first-request time, then the webgpu/wasm ratios with the adapter's description.
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
    gpu: { type: 'boolean', default: false },
    forget: { type: 'string', default: 'user:u24' },
    'browser-data': { type: 'string', default: 'synthetic-ml100k' },
    port: { type: 'string', default: '4179' },
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

/**
 * Chromium flags for a machine with a real GPU: the playwright.config flags without the ones that
 * force SwiftShader, with Vulkan and the GPU blocklist off.
 */
function gpuArgs(base: string[]): string[] {
  const drop = new Set(['--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader']);
  return [...base.filter((a) => !drop.has(a)), '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan', '--ignore-gpu-blocklist', '--enable-gpu'];
}

/**
 * Per backend in headless Chromium (the built app's worker, driven through its engine): median epoch
 * time of training on the default data and one IFRU request on the trained model — its request ms,
 * the per-model cache (prepMs), the first-request ms (cache charged; the once-per-page warm-up
 * excluded and printed) — then the webgpu/wasm ratios, with the WebGPU adapter's description.
 * --gpu launches Chromium for a real GPU (gpuArgs); without it WebGPU runs on SwiftShader.
 */
async function browserBench(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    emit({ bench: 'browser', skipped: `no Chromium at ${chromium}` });
    return;
  }
  if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const port = Number(values.port);
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
    const args = values.gpu ? gpuArgs(CHROMIUM_ARGS) : CHROMIUM_ARGS;
    const browser = await pw.launch({ executablePath: chromium, args });
    const page = await browser.newPage();
    await page.goto(base);
    // Let the page finish its own start-up (backend benchmark, preset load) before driving the engine.
    await page.waitForSelector('[data-testid=dataset-summary]', { timeout: 120_000 });
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<any> } }).gpu; // eslint-disable-line @typescript-eslint/no-explicit-any
      const a = await gpu?.requestAdapter();
      if (!a) return null;
      const info = a.info ?? (await a.requestAdapterInfo?.());
      return info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : {};
    });
    emit({ bench: 'browser-adapter', mode: values.gpu ? 'gpu (Vulkan)' : 'SwiftShader', args, adapter });
    const rows: Record<string, { epochMs: number; ifruMs: number; ifruFirstRequestMs: number }> = {};
    for (const backend of ['webgpu', 'wasm', 'webgl', 'cpu']) {
      const res = await page.evaluate(
        async ({ backend, epochs, lr, forget, preset }) => {
          const eng = (globalThis as unknown as { __engine: any }).__engine; // eslint-disable-line @typescript-eslint/no-explicit-any
          const info = await eng.init(backend);
          if (info.backend !== backend) return { backend, skipped: info.reason as string };
          await eng.loadPreset(preset, `/data/${preset}.tsv`, { testFraction: 0.2, seed: 2024 });
          const t = await eng.train({ dim: 64, layers: 3, lr, reg: 1e-4, batch: 2048, epochs, seed: 2024, initStd: 0.1, evalEvery: 0 });
          const u = await eng.unlearn(forget, ['ifru']);
          const m = u.report.methods.ifru;
          return {
            backend,
            adapter: info.adapter as string | undefined,
            epochMs: t.msPerEpochMedian as number,
            recall20: t.metrics.recall as number,
            ifruMs: m.ms as number,
            ifruFirstRequestMs: m.firstRequestMs as number,
            ifruEpochsFirst: m.epochEquivalentsFirst as number,
            prepMs: u.report.prepMs as number,
            warmUpMs: u.report.warmUpMs as number | null,
            ifruPhases: m.phases as Record<string, number>,
            onTensors: (m.notes as string[]).some((n) => n.includes('as tensors')),
          };
        },
        { backend, epochs: Number(values['browser-epochs']), lr: Number(lr), forget: values.forget!, preset: values['browser-data']! },
      );
      emit({ bench: 'browser-train', ...res });
      if (!('skipped' in res)) rows[backend] = res;
    }
    const g = rows.webgpu;
    const w = rows.wasm;
    emit({
      bench: 'browser-ratio',
      adapter,
      webgpuOverWasmEpoch: g && w ? g.epochMs / w.epochMs : null,
      webgpuOverWasmIfru: g && w ? g.ifruMs / w.ifruMs : null,
      webgpuOverWasmIfruFirst: g && w ? g.ifruFirstRequestMs / w.ifruFirstRequestMs : null,
    });
    await browser.close();
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}
