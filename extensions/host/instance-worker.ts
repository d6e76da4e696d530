// One extension instance in its own worker thread, so that the host can stop it from outside
// (worker.terminate()) when a call runs past its time budget: Extism JS 1.0.3 has no timeout.
// The Extism plugin runs in the foreground of this thread, with our WASI (nothing granted), no
// allowed hosts, and the kernel's allocations counted against the call's limits.
import { parentPort } from 'node:worker_threads';
import createPlugin, { type CallContext, type Plugin } from '@extism/extism';
import { pageBytes } from './module-check.ts';
import {
  channelHeaderBytes,
  channelState,
  extraMaxBytes,
  slot,
  type FailureKind,
  type InitMessage,
  type InstanceLimits,
  type ResponseExtra,
  type WorkerReply,
} from './protocol.ts';
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
let settingsBytes = 2;
let logs: string[] = [];
let kernelBytes = 0;
let control: Int32Array;
let data: Uint8Array;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const reply = (message: WorkerReply): void => parentPort!.postMessage(message);

function log(line: string): void {
  if (logs.length < limits.logLines) logs.push(line.length > 1000 ? `${line.slice(0, 1000)}…` : line);
}

/** What the module wrote to stdout or stderr and not yet as a whole line. */
let pendingOutput = '';
/** The first line the module wrote in this call (a Go panic's message), for the failure. */
let firstOutputLine: string | undefined;

function writeOutput(text: string): void {
  pendingOutput += text;
  let newline: number;
  while ((newline = pendingOutput.indexOf('\n')) >= 0) {
    const line = pendingOutput.slice(0, newline).trimEnd();
    pendingOutput = pendingOutput.slice(newline + 1);
    if (line) {
      firstOutputLine ??= line;
      log(line);
    }
  }
  if (pendingOutput.length > 4000) writeOutput('\n');
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

/** Counts the Extism kernel's memory a call takes (its blocks live outside the module's memory). */
function takeKernelBytes(bytes: number): void {
  kernelBytes += bytes;
  if (kernelBytes > limits.kernelBytes) {
    throw new Refused(
      'memory',
      `The module took over ${limits.kernelBytes} bytes of host memory in one call.`,
    );
  }
}

type HostFunction = (context: CallContext, ...args: (number | bigint)[]) => unknown;

function hostFunctions(module: WebAssembly.Module): Record<string, Record<string, HostFunction>> {
  const wasiImports = WebAssembly.Module.imports(module)
    .filter((entry) => entry.module === 'wasi_snapshot_preview1')
    .map((entry) => entry.name);
  const wasi = deniedWasi(wasiImports, { memory: () => memory, output: writeOutput });
  return {
    'extism:host/user': {
      log_line: (context, address) => log(context.read(BigInt(address))?.text() ?? ''),
      garden_settings: (context) => {
        takeKernelBytes(settingsBytes);
        return context.store(settings);
      },
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
        takeKernelBytes(bytes);
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
  control = new Int32Array(message.channel, 0, channelHeaderBytes / 4);
  data = new Uint8Array(message.channel, channelHeaderBytes);
  logs = [];
  const sink = (...parts: unknown[]) => log(parts.map(String).join(' '));
  try {
    plugin = await createPlugin(
      { wasm: [{ module: message.module, name: 'main' }] },
      {
        useWasi: false,
        allowedHosts: [],
        allowedPaths: {},
        config: {},
        functions: hostFunctions(message.module),
        logger: { info: sink, warn: sink, error: sink, debug: sink } as unknown as Console,
      },
    );
    const instance = await plugin.getInstance('main');
    memory = instance.exports.memory as WebAssembly.Memory;
    // Go (and other WASI reactors) must run their initialiser once, before any export.
    const initialize = instance.exports._initialize;
    if (typeof initialize === 'function') (initialize as () => void)();
  } catch (err) {
    reply({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  reply({ type: 'ready' });
  await serve();
}

function classify(err: unknown): { kind: FailureKind; message: string } {
  if (err instanceof Refused) return { kind: err.kind, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Plugin-originated error')) return { kind: 'module-error', message };
  const kind: FailureKind = memoryNearLimit() ? 'memory' : 'trap';
  const prefix = err instanceof ProcExit ? '' : `${err instanceof Error ? err.name : 'Error'}: `;
  const said = firstOutputLine ? ` It wrote: ${firstOutputLine.slice(0, 300)}` : '';
  return { kind, message: `${prefix}${message} (memory ${memoryMiB()} MiB).${said}` };
}

interface Outcome {
  output?: Uint8Array;
  failure?: { kind: FailureKind; message: string };
}

async function callOnce(exportName: string, input: Uint8Array): Promise<Outcome> {
  logs = [];
  pendingOutput = '';
  firstOutputLine = undefined;
  kernelBytes = input.byteLength;
  try {
    // Named, not searched for: Extism otherwise lists the module's exports at every call.
    const output = (await plugin!.call(['main', exportName], input))?.bytes() ?? new Uint8Array();
    if (output.byteLength > limits.outputBytes) {
      return {
        failure: {
          kind: 'output-too-large',
          message: `The output is ${output.byteLength} bytes; the limit is ${limits.outputBytes}.`,
        },
      };
    }
    return { output };
  } catch (err) {
    writeOutput('\n');
    return { failure: classify(err) };
  } finally {
    writeOutput('\n');
    // The kernel numbers its memory blocks; without a reset, the 16,384th call fails (measured).
    await plugin!.reset();
  }
}

/** Serves calls from the channel until the host terminates this thread. */
async function serve(): Promise<void> {
  for (;;) {
    for (;;) {
      const state = Atomics.load(control, slot.state);
      if (state === channelState.request) break;
      Atomics.wait(control, slot.state, state);
    }
    const exportLength = control[slot.exportLength]!;
    const inputLength = control[slot.inputLength]!;
    const settingsLength = control[slot.settingsLength]!;
    const exportName = decoder.decode(data.subarray(0, exportLength));
    // A copy on an ordinary ArrayBuffer: Extism keeps it as the input block as it is.
    const input = data.slice(exportLength, exportLength + inputLength);
    if (settingsLength >= 0) {
      const start = exportLength + inputLength;
      settings = decoder.decode(data.subarray(start, start + settingsLength));
      settingsBytes = settingsLength;
    }
    const outcome = await callOnce(exportName, input);
    let outputLength = -1;
    if (outcome.output) {
      data.set(outcome.output, 0);
      outputLength = outcome.output.byteLength;
    }
    const extra: ResponseExtra | undefined = outcome.failure
      ? { ...outcome.failure, logs }
      : logs.length
        ? { logs }
        : undefined;
    let extraLength = 0;
    if (extra) {
      const at = Math.max(outputLength, 0);
      const room = data.subarray(at, at + extraMaxBytes);
      const json = JSON.stringify(extra);
      let written = encoder.encodeInto(json, room);
      if (written.read < json.length) {
        written = encoder.encodeInto(
          JSON.stringify({ ...extra, logs: [], message: extra.message?.slice(0, 1000) }),
          room,
        );
      }
      extraLength = written.written;
    }
    control[slot.outputLength] = outputLength;
    control[slot.extraLength] = extraLength;
    Atomics.store(control, slot.state, channelState.done);
    Atomics.notify(control, slot.state);
  }
}

parentPort!.once('message', (message: InitMessage) => {
  void init(message);
});
