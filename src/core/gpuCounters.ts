/**
 * Counts what a WebGPU device is asked to do — the calls tfjs's webgpu backend makes — by wrapping
 * the methods of one GPUDevice, its queue and the encoders, passes and buffers it creates:
 *  - dispatches: computePass.dispatchWorkgroups(Indirect)
 *  - submits: queue.submit (command buffers in `commandBuffers`)
 *  - uploads: host → GPU copies of data — a buffer created mappedAtCreation (tfjs writes tensor values
 *    there, or into such a staging buffer) unmapped for the first time, a MAP_WRITE mapping unmapped,
 *    queue.writeBuffer into a non-uniform buffer, queue.writeTexture
 *  - uniformWrites: queue.writeBuffer into a UNIFORM buffer (tfjs writes each program's shape uniforms)
 *  - downloads: mapAsync(READ) — a readback the host waits for
 *  - copies: encoder.copyBufferToBuffer (GPU-side, also the staging step of uploads and downloads)
 * The counts are what the code asks of any device: SwiftShader and a real GPU see the same calls.
 */

export interface GpuCounts {
  dispatches: number;
  submits: number;
  commandBuffers: number;
  uploads: number;
  uploadBytes: number;
  uniformWrites: number;
  downloads: number;
  downloadBytes: number;
  copies: number;
}

export const ZERO_COUNTS: GpuCounts = {
  dispatches: 0,
  submits: 0,
  commandBuffers: 0,
  uploads: 0,
  uploadBytes: 0,
  uniformWrites: 0,
  downloads: 0,
  downloadBytes: 0,
  copies: 0,
};

/** a − b, field by field. */
export function countsBetween(a: GpuCounts, b: GpuCounts): GpuCounts {
  const out = { ...ZERO_COUNTS };
  for (const k of Object.keys(out) as (keyof GpuCounts)[]) out[k] = a[k] - b[k];
  return out;
}

// WebGPU's numeric flags (GPUBufferUsage, GPUMapMode), without the DOM's globals.
const UNIFORM_USAGE = 0x40;
const MAP_READ = 0x1;
const MAP_WRITE = 0x2;

type Fn = (...args: never[]) => unknown;
type AnyObject = Record<string, unknown>;

/** The parts of a GPUDevice the counter wraps (a real one, or a test double). */
export interface GpuDeviceLike {
  queue: AnyObject;
  createCommandEncoder: Fn;
  createBuffer: Fn;
}

export interface GpuCounter {
  /** The running totals since install (a copy). */
  counts(): GpuCounts;
  /** Puts the device's own methods back. */
  uninstall(): void;
}

/** Wraps `device` (once: a second call returns the first counter). */
export function countGpuCalls(device: GpuDeviceLike): GpuCounter {
  const existing = installed.get(device as object);
  if (existing) return existing;
  const c: GpuCounts = { ...ZERO_COUNTS };
  const restore: (() => void)[] = [];
  /** Replaces obj[name] with wrap(original) on the object itself (restorable). */
  const patch = (obj: AnyObject, name: string, wrap: (orig: Fn) => Fn) => {
    const own = Object.prototype.hasOwnProperty.call(obj, name);
    const before = obj[name];
    const orig = (before as Fn).bind(obj);
    obj[name] = wrap(orig);
    restore.push(() => {
      if (own) obj[name] = before;
      else delete obj[name];
    });
  };
  const bufferInfo = new WeakMap<object, { usage: number; size: number }>();
  const watchBuffer = (buffer: AnyObject, desc: { size?: number; usage?: number; mappedAtCreation?: boolean }) => {
    const size = Number(desc.size ?? buffer.size ?? 0);
    bufferInfo.set(buffer, { usage: Number(desc.usage ?? 0), size });
    // Buffers live on after uninstall; their wrappers count only while installed.
    let writable = Boolean(desc.mappedAtCreation);
    const origMap = (buffer.mapAsync as Fn).bind(buffer);
    const origUnmap = (buffer.unmap as Fn).bind(buffer);
    buffer.mapAsync = (mode: number, ...rest: unknown[]) => {
      if (live) {
        if (mode & MAP_READ) {
          c.downloads++;
          c.downloadBytes += size;
        }
        if (mode & MAP_WRITE) writable = true;
      }
      return (origMap as (...a: unknown[]) => unknown)(mode, ...rest);
    };
    buffer.unmap = () => {
      if (live && writable) {
        c.uploads++;
        c.uploadBytes += size;
      }
      writable = false;
      return origUnmap();
    };
  };
  const watchPass = (pass: AnyObject) => {
    for (const name of ['dispatchWorkgroups', 'dispatchWorkgroupsIndirect']) {
      if (typeof pass[name] !== 'function') continue;
      const orig = (pass[name] as Fn).bind(pass);
      pass[name] = (...a: never[]) => {
        if (live) c.dispatches++;
        return orig(...a);
      };
    }
  };
  const watchEncoder = (enc: AnyObject) => {
    const begin = (enc.beginComputePass as Fn).bind(enc);
    enc.beginComputePass = (...a: never[]) => {
      const pass = begin(...a) as AnyObject;
      watchPass(pass);
      return pass;
    };
    const copy = (enc.copyBufferToBuffer as Fn).bind(enc);
    enc.copyBufferToBuffer = (...a: never[]) => {
      if (live) c.copies++;
      return copy(...a);
    };
  };
  let live = true;
  const d = device as unknown as AnyObject;
  patch(d, 'createCommandEncoder', (orig) => (...a) => {
    const enc = orig(...a) as AnyObject;
    watchEncoder(enc);
    return enc;
  });
  patch(d, 'createBuffer', (orig) => (...a) => {
    const buffer = orig(...a) as AnyObject;
    const desc = (a[0] ?? {}) as { size?: number; usage?: number; mappedAtCreation?: boolean };
    watchBuffer(buffer, desc);
    return buffer;
  });
  const q = device.queue;
  patch(q, 'submit', (orig) => (...a) => {
    c.submits++;
    c.commandBuffers += (a[0] as unknown as unknown[] | undefined)?.length ?? 0;
    return orig(...a);
  });
  patch(q, 'writeBuffer', (orig) => (...a) => {
    const [buffer, , data, , size] = a as unknown as [object, number, ArrayBufferView | ArrayBuffer, number?, number?];
    const info = bufferInfo.get(buffer);
    if (info && info.usage & UNIFORM_USAGE) c.uniformWrites++;
    else {
      c.uploads++;
      c.uploadBytes += size ?? (data as ArrayBuffer).byteLength ?? 0;
    }
    return orig(...a);
  });
  if (typeof q.writeTexture === 'function') {
    patch(q, 'writeTexture', (orig) => (...a) => {
      c.uploads++;
      return orig(...a);
    });
  }
  const counter: GpuCounter = {
    counts: () => ({ ...c }),
    uninstall() {
      live = false;
      installed.delete(device as object);
      for (const r of restore.splice(0).reverse()) r();
    },
  };
  installed.set(device as object, counter);
  return counter;
}

const installed = new WeakMap<object, GpuCounter>();
