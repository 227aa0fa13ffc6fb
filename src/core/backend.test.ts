import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { benchmarkBackends, chooseBackend, selectBackend, selfCheck } from './backend';

describe('selectBackend', () => {
  it('skips webgpu in Node with a reason and lands on wasm', async () => {
    const sel = await selectBackend();
    expect(sel.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(sel.tried[0]).toMatchObject({ name: 'webgpu', ok: false });
    expect(sel.tried[0].error).toMatch(/WebGPU/);
    expect(sel.reason).toMatch(/webgpu failed/);
    expect(await selfCheck()).toBe(true);
  });

  it('honours a forced choice', async () => {
    const start = tf.memory().numTensors;
    const sel = await selectBackend(['cpu', 'wasm']);
    expect(sel.backend).toBe('cpu');
    expect(sel.reason).toMatch(/first choice/);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('reports a backend without sparse kernels as failed', async () => {
    const sel = await selectBackend(['nonexistent', 'cpu']);
    expect(sel.backend).toBe('cpu');
    expect(sel.tried[0].ok).toBe(false);
  });
});

describe('benchmarkBackends', () => {
  it('times each usable backend, leaks nothing, and restores the current one', async () => {
    await tf.setBackend('cpu');
    const start = tf.memory().numTensors;
    const b = await benchmarkBackends(['webgpu', 'cpu', 'wasm'], { nnz: 20_000, dim: 16, repeats: 1 });
    expect(tf.getBackend()).toBe('cpu');
    expect(b.results.map((r) => r.name).sort()).toEqual(['cpu', 'wasm', 'webgpu']);
    expect(b.results.filter((r) => r.ok).every((r) => r.msPerSpmm! > 0)).toBe(true);
    expect(b.results[0].msPerStep!).toBeGreaterThan(0);
    for (const r of b.results.slice(1)) if (r.msPerStep !== undefined) expect(r.msPerStep).toBeGreaterThanOrEqual(b.results[0].msPerStep!);
    expect(b.results[2]).toMatchObject({ name: 'webgpu', ok: false });
    // The one it names is the one with the shortest step, and the reason says so with the numbers.
    const stepped = b.results.filter((r) => r.ok && r.msPerStep !== undefined);
    expect(stepped.length).toBeGreaterThan(0);
    expect(b.fastest).toBe(stepped.reduce((x, y) => (y.msPerStep! < x.msPerStep! ? y : x)).name);
    expect(b.reason).toMatch(new RegExp(`^${b.fastest} is fastest: ${b.fastest} [\\d.]+ ms/step`));
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('chooseBackend', () => {
  it("names tfjs's wasm build and threads on wasm (Node: its single-threaded build, 1 thread), and ours", async () => {
    const info = await chooseBackend('wasm');
    expect(info.backend).toBe('wasm');
    expect(info.tfjsThreaded).toBe(false);
    expect(info.tfjsThreads).toBe(1);
    expect(info.threads?.threads).toBeGreaterThanOrEqual(1);
    const cpu = await chooseBackend('cpu');
    expect(cpu.tfjsThreaded).toBeUndefined();
    expect(cpu.tfjsThreads).toBeUndefined();
  });
});
