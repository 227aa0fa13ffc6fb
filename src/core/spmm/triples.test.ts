import { describe, expect, it } from 'vitest';
import { tripleKernels } from './triples';

// rawHvp itself is checked against the float64 loop in hostObjective.test.ts (fastHessian).
describe('triple kernels (WebAssembly SIMD, the fast Hessian)', () => {
  it('gives each instance its own memory, and reused memory comes back zeroed', () => {
    const a = tripleKernels()!, b = tripleKernels()!;
    const pa = a.alloc(4), pb = b.alloc(4);
    a.f32(pa, 4).fill(7);
    expect(Array.from(b.f32(pb, 4))).toEqual([0, 0, 0, 0]);
    a.reset();
    expect(Array.from(a.f32(a.alloc(4), 4))).toEqual([0, 0, 0, 0]);
  });

  it('refuses rows whose width is not a multiple of 4 lanes', () => {
    const k = tripleKernels()!;
    const z = k.alloc(4);
    expect(() => k.rawHvp([z, z, z], [z, z, z], [z, z, z], z, z, 1, 6)).toThrow(/d % 4/);
  });
});
