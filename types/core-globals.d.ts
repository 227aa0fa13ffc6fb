/**
 * The few platform globals the core uses that Node and browsers both have but that the Node type
 * definitions leave out, declared for tsconfig.core.json only (which has no DOM library, so any other
 * browser API in src/core is a compile error).
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  function validate(bytes: BufferSource): boolean;
}

type BufferSource = ArrayBufferView | ArrayBuffer;

/** In a browser worker the core yields through a MessageChannel (train.ts); Node's ports have onmessage too. */
declare module 'worker_threads' {
  interface MessagePort {
    onmessage: ((event: unknown) => void) | null;
  }
}
