// One extension instance in its own worker thread, so that the host can stop it from outside
// (worker.terminate()) when a call runs past its time budget: Extism JS 1.0.3 has no timeout.
// The Extism plugin runs in the foreground of this thread, with our WASI (nothing granted), no
// allowed hosts, and the kernel's allocations counted against the call's limits.
import { parentPort } from 'node:worker_threads';
import createPlugin, { type CallContext, type Plugin } from '@extism/extism';
import { pageBytes } from './module-check.ts';
import type { CallMessage, FailureKind, InitMessage, InstanceLimits, WorkerReply } from './protocol.ts';
import { deniedWasi, ProcExit } from './wasi.ts';

class Refused extends Error {
  readonly kind: FailureKind;
  constructor(kind: FailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

let plugin: Plugin | undefined;
let memory: WebAssembly.Memory | undefined;
let limits: InstanceLimits;
let settings = '{}';
let logs: string[] = [];
let kernelBytes = 0;

const reply = (message: WorkerReply): void => parentPort!.postMessage(message);

function log(line: string): void {
  if (logs.length < limits.logLines) logs.push(line.length > 1000 ? `${line.slice(0, 1000)}…` : line);
}

/** An AssemblyScript string (UTF-16, its byte length just before it), for abort's message. */
function assemblyScriptString(pointer: number): string {
  if (!memory || !pointer) return '';
  const bytes = new Uint8Array(memory.buffer);
  if (pointer < 4 || pointer > bytes.length) return '';
  const length = Math.min(
    new DataView(memory.buffer).getUint32(pointer - 4, true),
    2000,
    bytes.length - pointer,
  );
  return new TextDecoder('utf-16le').decode(bytes.subarray(pointer, pointer + length));
}

const memoryMiB = () => ((memory?.buffer.byteLength ?? 0) / 2 ** 20).toFixed(1);

/** Whether the module's linear memory is near its maximum: a trap then is most likely a failed grow. */
const memoryNearLimit = () => (memory?.buffer.byteLength ?? 0) >= (limits.maxPages * pageBytes) / 2;

type HostFunction = (context: CallContext, ...args: (number | bigint)[]) => unknown;

function hostFunctions(module: WebAssembly.Module): Record<string, Record<string, HostFunction>> {
  const wasiImports = WebAssembly.Module.imports(module)
    .filter((entry) => entry.module === 'wasi_snapshot_preview1')
    .map((entry) => entry.name);
  const wasi = deniedWasi(wasiImports, { memory: () => memory, output: (text) => log(text.trimEnd()) });
  return {
    'extism:host/user': {
      log_line: (context, address) => log(context.read(BigInt(address))?.text() ?? ''),
      garden_settings: (context) => context.store(settings),
    },
    env: {
      abort: (_context, message, file, line, column) => {
        throw new Refused(
          memoryNearLimit() ? 'memory' : 'trap',
          `abort: ${assemblyScriptString(Number(message))} (${assemblyScriptString(Number(file))}:${line}:${column}), memory ${memoryMiB()} MiB`,
        );
      },
    },
    // Replaces the kernel's own functions of the same names (Extism merges these into its env).
    'extism:host/env': {
      alloc: (context, size) => {
        const bytes = Number(size);
        if (bytes > Math.max(limits.outputBytes, limits.inputBytes)) {
          throw new Refused(
            'output-too-large',
            `The module asked for a block of ${bytes} bytes; output is limited to ${limits.outputBytes}.`,
          );
        }
        kernelBytes += bytes;
        if (kernelBytes > limits.kernelBytes) {
          throw new Refused(
            'memory',
            `The module took over ${limits.kernelBytes} bytes of host memory in one call.`,
          );
        }
        return context.alloc(bytes);
      },
      http_request: () => {
        log('http_request refused: extensions have no network.');
        return 0n;
      },
      http_status_code: () => 0,
      // Imported by go-pdk v1.1.3 but missing from Extism JS 1.0.3's kernel (the module would not load).
      http_headers: () => 0n,
      get_log_level: () => 2, // info
      log_trace: (context, address) => log(context.read(BigInt(address))?.text() ?? ''),
    },
    wasi_snapshot_preview1: Object.fromEntries(
      Object.entries(wasi).map(([name, fn]) => [name, (_context, ...args) => fn(...args)]),
    ),
  };
}

async function init(message: InitMessage): Promise<void> {
  limits = message.limits;
  logs = [];
  const sink = (...parts: unknown[]) => log(parts.map(String).join(' '));
  try {
    plugin = await createPlugin(
      { wasm: [{ module: message.module }] },
      {
        useWasi: false,
        allowedHosts: [],
        allowedPaths: {},
        config: {},
        functions: hostFunctions(message.module),
        logger: { info: sink, warn: sink, error: sink, debug: sink } as unknown as Console,
      },
    );
    const instance = await plugin.getInstance();
    memory = instance.exports.memory as WebAssembly.Memory;
    // Go (and other WASI reactors) must run their initialiser once, before any export.
    const initialize = instance.exports._initialize;
    if (typeof initialize === 'function') (initialize as () => void)();
    reply({ type: 'ready' });
  } catch (err) {
    reply({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) });
  }
}

function classify(err: unknown): { kind: FailureKind; message: string } {
  if (err instanceof Refused) return { kind: err.kind, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Plugin-originated error')) return { kind: 'module-error', message };
  const kind: FailureKind = memoryNearLimit() ? 'memory' : 'trap';
  const prefix = err instanceof ProcExit ? '' : `${err instanceof Error ? err.name : 'Error'}: `;
  return { kind, message: `${prefix}${message} (memory ${memoryMiB()} MiB)` };
}

async function call(message: CallMessage): Promise<void> {
  if (message.settings !== undefined) settings = message.settings;
  logs = [];
  kernelBytes = 0;
  try {
    const output = await plugin!.call(message.export, message.input);
    const bytes = output?.bytes().byteLength ?? 0;
    if (bytes > limits.outputBytes) {
      reply({
        type: 'failed',
        kind: 'output-too-large',
        message: `The output is ${bytes} bytes; the limit is ${limits.outputBytes}.`,
        logs,
      });
    } else {
      reply({ type: 'output', output: output?.text() ?? '', logs });
    }
  } catch (err) {
    reply({ type: 'failed', ...classify(err), logs });
  } finally {
    // The kernel numbers its memory blocks; without a reset, the 16,384th call fails (measured).
    await plugin!.reset();
  }
}

parentPort!.on('message', (message: InitMessage | CallMessage) => {
  void (message.type === 'init' ? init(message) : call(message));
});
