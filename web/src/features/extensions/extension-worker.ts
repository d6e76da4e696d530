// One garden extension in its own Web Worker: the page stops it from outside (terminate) when a
// call runs past its time budget, so a module spinning in a loop or growing its memory freezes
// nothing but this thread. The Extism plugin runs in this thread's foreground (Extism's own
// background worker needs cross-origin isolation), with no WASI, no allowed hosts and the
// server's short list of host functions, each answering nothing a browser could leak.
import createPlugin, { type CallContext, type Plugin } from '@extism/extism';
import { capMemory } from '../../../../domain/extensions/module-memory.ts';
import type { WorkerReply, WorkerRequest } from './extension-protocol.ts';

/**
 * The module's memory may grow to 32 MiB here, as on the server (extensions/host): the maximum
 * is written into the module, so a memory bomb fails at once instead of taking the page's memory.
 */
const maxPages = 512;

let plugin: Plugin | undefined;
let memory: WebAssembly.Memory | undefined;

const reply = (message: WorkerReply): void => self.postMessage(message);

/** WASI's "not capable": no files, sockets, clocks or anything else for a module in the browser. */
const notCapable = 76;

type HostFunction = (context: CallContext, ...args: (number | bigint)[]) => unknown;

/** An AssemblyScript string (UTF-16, its byte length just before it), for abort's message. */
function assemblyScriptString(pointer: number): string {
  if (!memory || pointer < 4 || pointer > memory.buffer.byteLength) return '';
  const length = Math.min(
    new DataView(memory.buffer).getUint32(pointer - 4, true),
    2000,
    memory.buffer.byteLength - pointer,
  );
  return new TextDecoder('utf-16le').decode(new Uint8Array(memory.buffer, pointer, length));
}

function hostFunctions(module: WebAssembly.Module): Record<string, Record<string, HostFunction>> {
  const wasi = WebAssembly.Module.imports(module).filter(
    (entry) => entry.module === 'wasi_snapshot_preview1',
  );
  return {
    'extism:host/user': {
      log_line: () => undefined,
      // The browser has no garden settings to give: an empty object, as for a garden that publishes none.
      garden_settings: (context) => context.store('{}'),
    },
    env: {
      abort: (_context, message) => {
        throw new Error(`abort: ${assemblyScriptString(Number(message))}`);
      },
    },
    'extism:host/env': {
      http_request: () => 0n,
      http_status_code: () => 0,
      http_headers: () => 0n,
      get_log_level: () => 4, // errors only: the browser keeps no log
    },
    wasi_snapshot_preview1: Object.fromEntries(wasi.map((entry) => [entry.name, () => notCapable])),
  };
}

async function load(wasm: ArrayBuffer): Promise<void> {
  try {
    const module = await WebAssembly.compile(capMemory(new Uint8Array(wasm), maxPages));
    plugin = await createPlugin(
      { wasm: [{ module }] },
      {
        useWasi: false,
        runInWorker: false,
        allowedHosts: [],
        config: {},
        functions: hostFunctions(module),
      },
    );
    const instance = await plugin.getInstance();
    memory = instance.exports.memory as WebAssembly.Memory | undefined;
    reply({ type: 'ready' });
  } catch (err) {
    reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}

async function call(id: number, exportName: string, input: string): Promise<void> {
  if (!plugin) {
    reply({ type: 'failed', id, message: 'The module is not loaded.' });
    return;
  }
  try {
    const output = await plugin.call(exportName, input);
    reply({ type: 'result', id, output: output?.text() ?? '' });
  } catch (err) {
    reply({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    // Extism numbers its memory blocks: without a reset an instance fails after 16,383 calls.
    await plugin.reset();
  }
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'load') void load(request.wasm);
  else void call(request.id, request.exportName, request.input);
});
