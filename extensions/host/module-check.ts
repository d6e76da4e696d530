// What the host checks in a module's bytes before it ever runs (the rollout's static checks use
// the same): the imports it asks for, the hooks it exports, and its linear memory, whose maximum
// is written into the module itself, since Extism JS 1.0.3 ignores a manifest's memory.maxPages
// (measured, see README): the engine then refuses any memory.grow past it.

import { capMemory } from '../../domain/extensions/module-memory.ts';

export { capMemory, ModuleRefused, pageBytes } from '../../domain/extensions/module-memory.ts';

/** The host functions a module may import, by namespace. WASI is there but answers "not capable". */
export const allowedImports: Record<string, 'any' | readonly string[]> = {
  // The Extism kernel (input, output, memory blocks, logs, config, vars; http_request is refused).
  'extism:host/env': [
    'alloc',
    'free',
    'length',
    'length_unsafe',
    'load_u8',
    'load_u64',
    'store_u8',
    'store_u64',
    'input_offset',
    'input_length',
    'input_load_u8',
    'input_load_u64',
    'output_set',
    'error_set',
    'config_get',
    'var_get',
    'var_set',
    'http_request',
    'http_status_code',
    'http_headers',
    'get_log_level',
    'log_trace',
    'log_info',
    'log_warn',
    'log_debug',
    'log_error',
  ],
  // Ours, reviewed: one log line; the garden's published settings (JSON).
  'extism:host/user': ['log_line', 'garden_settings'],
  // AssemblyScript's abort (a trap with its message).
  env: ['abort'],
  // Go's runtime imports a dozen of these: each is answered without touching files, sockets or
  // the environment (see wasi.ts).
  wasi_snapshot_preview1: 'any',
};

export interface ModuleReport {
  /** Imports outside allowedImports, as "namespace.name". */
  forbiddenImports: string[];
  /** Hook functions asked for but not exported. */
  missingExports: string[];
  /** Problems with the module's memory (none, shared, 64-bit, imported, too large at start). */
  memoryProblems: string[];
  sizeBytes: number;
}

/** The static checks, on a compiled module and its bytes. */
export function inspectModule(
  bytes: Uint8Array,
  exportsWanted: readonly string[],
  maxPages: number,
): ModuleReport {
  const module = new WebAssembly.Module(bytes);
  const forbiddenImports = WebAssembly.Module.imports(module)
    .filter((entry) => {
      const allowed = allowedImports[entry.module];
      return !allowed || entry.kind !== 'function' || (allowed !== 'any' && !allowed.includes(entry.name));
    })
    .map((entry) => `${entry.module}.${entry.name}`);
  const exported = new Set(
    WebAssembly.Module.exports(module)
      .filter((entry) => entry.kind === 'function')
      .map((entry) => entry.name),
  );
  const memoryProblems: string[] = [];
  try {
    capMemory(bytes, maxPages);
  } catch (err) {
    memoryProblems.push(err instanceof Error ? err.message : String(err));
  }
  return {
    forbiddenImports,
    missingExports: exportsWanted.filter((name) => !exported.has(name)),
    memoryProblems,
    sizeBytes: bytes.byteLength,
  };
}
