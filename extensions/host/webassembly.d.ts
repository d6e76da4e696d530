// Node runs WebAssembly, but TypeScript types it only in its DOM library, which the back end does
// not load: the part of the WebAssembly namespace that the extension host (and Extism) use.
declare namespace WebAssembly {
  type ImportExportKind = 'function' | 'global' | 'memory' | 'table' | 'tag';
  interface ModuleImportDescriptor {
    module: string;
    name: string;
    kind: ImportExportKind;
  }
  interface ModuleExportDescriptor {
    name: string;
    kind: ImportExportKind;
  }
  type ImportValue = unknown;
  type Imports = Record<string, Record<string, ImportValue>>;
  type Exports = Record<string, unknown>;
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static imports(module: Module): ModuleImportDescriptor[];
    static exports(module: Module): ModuleExportDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class RuntimeError extends Error {}
  function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
}

// ES2025's spin-wait hint (Node 24+), not in TypeScript's es2024 library: the host and its
// workers watch the call channel a few microseconds before sleeping (host.ts, instance-worker.ts).
interface Atomics {
  pause(iterationNumber?: number): void;
}
