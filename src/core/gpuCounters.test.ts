import { describe, expect, it } from 'vitest';
import { countGpuCalls, countsBetween, type GpuDeviceLike } from './gpuCounters';

/** A stand-in GPUDevice that records nothing itself: only the counter counts. */
function fakeDevice(): GpuDeviceLike & { log: string[] } {
  const log: string[] = [];
  const buffer = (desc: { size: number; usage: number; mappedAtCreation?: boolean }) => ({
    size: desc.size,
    usage: desc.usage,
    mapAsync: async (mode: number) => void log.push(`map ${mode}`),
    unmap: () => void log.push('unmap'),
    getMappedRange: () => new ArrayBuffer(desc.size),
  });
  return {
    log,
    queue: {
      submit: (cbs: unknown[]) => void log.push(`submit ${cbs.length}`),
      writeBuffer: () => void log.push('writeBuffer'),
    },
    createBuffer: buffer,
    createCommandEncoder: () => ({
      beginComputePass: () => ({ dispatchWorkgroups: () => void log.push('dispatch'), setPipeline() {}, end() {} }),
      copyBufferToBuffer: () => void log.push('copy'),
      finish: () => ({}),
    }),
  } as unknown as GpuDeviceLike & { log: string[] };
}

const STORAGE = 0x80, COPY_SRC = 0x4, COPY_DST = 0x8, MAP_READ_U = 0x1, MAP_WRITE_U = 0x2, UNIFORM = 0x40;

describe('countGpuCalls', () => {
  it('counts a known sequence exactly, and stops counting once uninstalled', async () => {
    const dev = fakeDevice();
    const counter = countGpuCalls(dev);
    const d = dev as unknown as {
      createBuffer(x: object): { mapAsync(m: number): Promise<void>; unmap(): void };
      createCommandEncoder(): { beginComputePass(): { dispatchWorkgroups(x: number): void }; copyBufferToBuffer(): void; finish(): object };
      queue: { submit(c: object[]): void; writeBuffer(b: object, o: number, data: ArrayBuffer, off?: number, size?: number): void };
    };
    // An upload the way tfjs makes one: a staging buffer mapped at creation, filled, unmapped, copied.
    const staging = d.createBuffer({ size: 400, usage: MAP_WRITE_U | COPY_SRC, mappedAtCreation: true });
    staging.unmap();
    staging.unmap(); // a second unmap uploads nothing
    const target = d.createBuffer({ size: 400, usage: STORAGE | COPY_SRC | COPY_DST });
    const enc = d.createCommandEncoder();
    enc.copyBufferToBuffer();
    const pass = enc.beginComputePass();
    for (let k = 0; k < 5; k++) pass.dispatchWorkgroups(1);
    const uniform = d.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
    d.queue.writeBuffer(uniform, 0, new ArrayBuffer(16));
    d.queue.writeBuffer(target, 0, new ArrayBuffer(64), 0, 64);
    d.queue.submit([enc.finish(), enc.finish()]);
    // A readback: copy to a MAP_READ buffer, submit, map for reading.
    const read = d.createBuffer({ size: 32, usage: MAP_READ_U | COPY_DST });
    const enc2 = d.createCommandEncoder();
    enc2.copyBufferToBuffer();
    d.queue.submit([enc2.finish()]);
    await read.mapAsync(1);
    read.unmap(); // unmapping a read mapping uploads nothing
    const before = counter.counts();
    expect(before).toEqual({
      dispatches: 5,
      submits: 2,
      commandBuffers: 3,
      uploads: 2,
      uploadBytes: 464,
      uniformWrites: 1,
      downloads: 1,
      downloadBytes: 32,
      copies: 2,
    });
    // A MAP_WRITE mapping unmapped is an upload too.
    const w = d.createBuffer({ size: 8, usage: MAP_WRITE_U | COPY_SRC });
    await w.mapAsync(2);
    w.unmap();
    expect(countsBetween(counter.counts(), before)).toMatchObject({ uploads: 1, uploadBytes: 8, downloads: 0 });
    expect(countGpuCalls(dev)).toBe(counter); // installed once
    counter.uninstall();
    const after = counter.counts();
    pass.dispatchWorkgroups(1);
    d.queue.submit([]);
    await read.mapAsync(1);
    d.createCommandEncoder().beginComputePass().dispatchWorkgroups(1);
    expect(counter.counts()).toEqual(after);
    // The device's own methods are back (the log saw every call, counted or not).
    expect(dev.log.filter((l) => l === 'dispatch')).toHaveLength(7);
  });
});
