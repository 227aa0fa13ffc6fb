import { test, expect, openApp } from './fixtures';

/**
 * The webgpu path of an unlearning request end to end (here WebGPU runs on SwiftShader): the small
 * preset trained on webgpu, IFRU as tensors on the GPU (gradient, Hessian-vector products, CG,
 * update), then the same request on the same trained model on wasm (typed arrays): the two updates
 * must agree to float tolerance.
 */
test('IFRU on webgpu equals IFRU on wasm for the same trained model', async ({ page, watched }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await expect(page.getByTestId('dataset-summary')).toContainText('synthetic-small');
  const r = await page.evaluate(async () => {
    const eng = (globalThis as unknown as { __engine: any }).__engine; // eslint-disable-line @typescript-eslint/no-explicit-any
    const gpu = await eng.init('webgpu');
    if (gpu.backend !== 'webgpu') return { skipped: String(gpu.reason) };
    await eng.train({ dim: 64, layers: 3, lr: 0.01, reg: 1e-4, batch: 1024, epochs: 1, seed: 2024, initStd: 0.1, evalEvery: 0 });
    const pick = (x: any) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
      perHop: Array.from(x.report.methods.ifru.movementPerHop as number[]),
      recall: x.report.methods.ifru.recall20 as number,
      arrows: Array.from(x.arrows.after.ifru as Float32Array),
      notes: x.report.methods.ifru.notes as string[],
      cgIters: x.report.methods.ifru.cgIters as number,
    });
    const onGpu = pick(await eng.unlearn('user:u1', ['ifru']));
    const wasm = await eng.init('wasm');
    const onWasm = pick(await eng.unlearn('user:u1', ['ifru']));
    return { onGpu, onWasm, wasm: wasm.backend as string };
  });
  expect(r.skipped).toBeUndefined();
  const { onGpu, onWasm } = r as Exclude<typeof r, { skipped: string }>;
  expect(onGpu.notes.join(' ')).toContain('on webgpu as tensors');
  expect(onWasm.notes.join(' ')).not.toContain('as tensors');
  expect(onGpu.cgIters).toBe(onWasm.cgIters);
  const rel = (a: number[], b: number[]) => Math.max(...a.map((x, k) => Math.abs(x - b[k]))) / Math.max(...b.map(Math.abs));
  expect(onGpu.perHop.every((x) => x > 0)).toBe(true);
  expect(rel(onGpu.perHop, onWasm.perHop)).toBeLessThan(1e-3);
  expect(rel(onGpu.arrows, onWasm.arrows)).toBeLessThan(1e-3);
  expect(Math.abs(onGpu.recall - onWasm.recall)).toBeLessThan(1e-6 + 0.01 * onWasm.recall);
  expect(watched.errors).toEqual([]);
  expect(watched.foreign).toEqual([]);
});
