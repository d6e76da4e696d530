// The extension host: calls a garden's extension for a hook, within limits that hold against a
// hostile module, and falls back to the built-in behaviour whenever the extension fails.
//
// Each instance runs in its own worker thread (instance-worker.ts). Instances are pooled per
// garden and extension version; a call takes an idle instance, or opens another up to
// `instancesPerPool`, or waits for one. A call over its time budget has its worker terminated;
// a trap, a memory or size limit, or an output invalid against the hook's schema makes the call
// fall back to the built-in behaviour, counted per garden, extension and version. Nothing a
// module does reaches another garden's instances or this process.
import { Worker } from 'node:worker_threads';
import { Ajv, type ValidateFunction } from 'ajv';
import type { HookLimits } from '../../domain/extensions/catalogue.ts';
import { capMemory } from './module-check.ts';
import {
  channelBytes,
  channelHeaderBytes,
  channelState,
  exportNameMaxBytes,
  settingsMaxBytes,
  slot,
  type FailureKind,
  type InitMessage,
  type InstanceLimits,
  type ResponseExtra,
  type WorkerReply,
} from './protocol.ts';

export type { FailureKind } from './protocol.ts';

/** A hook as the host needs it: which export to call, and what its output must look like. */
export interface HookContract {
  name: string;
  version: number | string;
  /** The exported function (the hook's name with "-" turned into "_", see README). */
  export: string;
  /** JSON Schema of the output; an output that fails it falls back to the built-in behaviour. */
  outputSchema: object;
  /**
   * The hook's own limits, over the host's for what it declares (a year of payments is bigger
   * than a household). Its calls get instances of their own, sized for them.
   */
  limits?: HookLimits;
}

/** One version of one extension: its module's bytes. Immutable for a given name and version. */
export interface ExtensionModule {
  name: string;
  version: string;
  wasm: Uint8Array;
}

export interface HostLimits extends InstanceLimits {
  /** Wall-clock budget of one call, in milliseconds; the worker is stopped past it. */
  timeBudgetMs: number;
  /** Instances of one garden's extension version that may run at once. */
  instancesPerPool: number;
  /** JavaScript heap of each worker thread (Extism's kernel, JSON), in MiB. */
  workerHeapMb: number;
  /** How long a new instance may take to load and initialise. */
  startBudgetMs: number;
  /** How long the calling thread blocks for a quick answer before awaiting it (0: never blocks). */
  syncWaitMs: number;
  /**
   * Of `syncWaitMs`, how long it spins (reads the channel in a loop) before it sleeps in
   * Atomics.wait: an answer seen while spinning saves the thread's wake-up.
   */
  syncSpinMs: number;
  /** An instance idle this long is stopped. */
  idleMs: number;
}

export const defaultLimits: HostLimits = {
  timeBudgetMs: 500,
  maxPages: 512, // 32 MiB of linear memory
  inputBytes: 256 * 1024,
  outputBytes: 256 * 1024,
  kernelBytes: 4 * 1024 * 1024,
  logLines: 20,
  instancesPerPool: 2,
  workerHeapMb: 32,
  startBudgetMs: 10_000,
  syncWaitMs: 0.2,
  syncSpinMs: 0.05,
  idleMs: 5 * 60_000,
};

export interface HookCall<Input, Output> {
  garden: string;
  extension: ExtensionModule;
  hook: HookContract;
  input: Input;
  /** The built-in behaviour: the answer whenever the extension fails. */
  builtIn: (input: Input) => Output | Promise<Output>;
}

export interface HookFailure {
  kind: FailureKind;
  message: string;
}

export interface HookResult<Output> {
  output: Output;
  /** Who answered: the extension, or the built-in behaviour after a failure. */
  source: 'extension' | 'built-in';
  failure?: HookFailure;
  /** Time spent in the extension (including a wait for an instance), in milliseconds. */
  durationMs: number;
}

export interface FailureCounts {
  calls: number;
  failures: number;
  byKind: Partial<Record<FailureKind, number>>;
  lastFailure?: HookFailure & { hook: string; at: Date };
}

export interface FailureRecord extends HookFailure {
  garden: string;
  extension: string;
  version: string;
  hook: string;
}

export interface HostOptions {
  limits?: Partial<HostLimits>;
  /** The garden's published settings, which a module may read (host function garden_settings). */
  publishedSettings?: (garden: string) => unknown;
  /** A module's log lines (host function log_line, Extism logs, stdout and stderr). */
  log?: (entry: { garden: string; extension: string; version: string; hook: string; line: string }) => void;
  /** Each failure, as it happens (to record it and tell the staff). */
  onFailure?: (failure: FailureRecord) => void;
}

interface Instance {
  worker: Worker;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
  lastSettings?: string;
  /** The call channel's header and data (see protocol.ts). */
  control: Int32Array;
  data: Uint8Array;
  /** Settles when the worker thread has stopped, with why. */
  exited: Promise<{ kind: FailureKind; message: string }>;
  /** The pending init reply's handler. */
  onReply?: (reply: WorkerReply | { type: 'exit'; kind: FailureKind; message: string }) => void;
}

interface Pool {
  /** What its instances are sized for (memory, channel, kernel): the host's, or a hook's own. */
  limits: HostLimits;
  /** The garden's extension version it runs (one pool per size, see HookContract.limits). */
  versionKey: string;
  module: Promise<WebAssembly.Module>;
  instances: Instance[];
  waiters: Array<() => void>;
  /** Instances being opened (counted against the bound before they exist). */
  opening: number;
}

const workerUrl = new URL('./instance-worker.ts', import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The limits a hook declares (an undefined one is the host's). */
function definedOnly(limits: HookLimits): Partial<HostLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

/** Watches the channel's state while it is `value`, for at most `ms` (the thread is busy meanwhile). */
function spinWhile(control: Int32Array, value: number, ms: number): void {
  const end = performance.now() + ms;
  for (let turn = 0; Atomics.load(control, slot.state) === value; turn++) {
    // The clock is read every 64 turns: each turn is a few nanoseconds, the clock tens.
    if ((turn & 63) === 63 && performance.now() >= end) return;
    Atomics.pause();
  }
}

/** A failure the host ends a call with (fallback follows). */
class CallFailed extends Error {
  readonly kind: FailureKind;
  constructor(kind: FailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export class ExtensionHost {
  readonly limits: HostLimits;
  readonly #options: HostOptions;
  readonly #pools = new Map<string, Pool>();
  readonly #counts = new Map<string, FailureCounts>();
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  #closed = false;
  #lastYield = 0;

  constructor(options: HostOptions = {}) {
    this.#options = options;
    this.limits = { ...defaultLimits, ...options.limits };
  }

  /** Calls the garden's extension for a hook; on any failure, the built-in behaviour answers. */
  async callHook<Input, Output>(call: HookCall<Input, Output>): Promise<HookResult<Output>> {
    // Quick calls are answered without a turn of the event loop (syncWaitMs): a caller chaining
    // them would starve the timers, among them the time budget of a module spinning elsewhere.
    if (performance.now() - this.#lastYield > 1) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#lastYield = performance.now();
    }
    const start = performance.now();
    const versionKey = JSON.stringify([call.garden, call.extension.name, call.extension.version]);
    const counts = this.#countsFor(versionKey);
    counts.calls += 1;
    try {
      const text = await this.#run(call, versionKey);
      const output = this.#validate(call.hook, text) as Output;
      return { output, source: 'extension', durationMs: performance.now() - start };
    } catch (err) {
      const failure: HookFailure =
        err instanceof CallFailed
          ? { kind: err.kind, message: err.message }
          : { kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
      const durationMs = performance.now() - start;
      counts.failures += 1;
      counts.byKind[failure.kind] = (counts.byKind[failure.kind] ?? 0) + 1;
      counts.lastFailure = { ...failure, hook: call.hook.name, at: new Date() };
      this.#options.onFailure?.({
        ...failure,
        garden: call.garden,
        extension: call.extension.name,
        version: call.extension.version,
        hook: call.hook.name,
      });
      return { output: await call.builtIn(call.input), source: 'built-in', failure, durationMs };
    }
  }

  /** The calls and failures of one garden's extension version since this host started. */
  failureCounts(garden: string, extension: string, version: string): FailureCounts {
    const counts = this.#counts.get(JSON.stringify([garden, extension, version]));
    return counts ? structuredClone(counts) : { calls: 0, failures: 0, byKind: {} };
  }

  /** Instances open for one garden's extension version, whatever their size (for tests and metrics). */
  instanceCount(garden: string, extension: string, version: string): number {
    const versionKey = JSON.stringify([garden, extension, version]);
    let count = 0;
    for (const pool of this.#pools.values()) {
      if (pool.versionKey === versionKey) count += pool.instances.length;
    }
    return count;
  }

  /** The limits of a call of this hook: the hook's own over the host's. */
  limitsFor(hook: Pick<HookContract, 'limits'>): HostLimits {
    return hook.limits ? { ...this.limits, ...definedOnly(hook.limits) } : this.limits;
  }

  /** Stops every instance. */
  async close(): Promise<void> {
    this.#closed = true;
    const instances = [...this.#pools.values()].flatMap((pool) => pool.instances);
    this.#pools.clear();
    await Promise.all(instances.map((instance) => this.#stop(instance)));
  }

  #countsFor(key: string): FailureCounts {
    let counts = this.#counts.get(key);
    if (!counts) this.#counts.set(key, (counts = { calls: 0, failures: 0, byKind: {} }));
    return counts;
  }

  #validate(hook: HookContract, text: string): unknown {
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch {
      throw new CallFailed('invalid-output', `The output is not JSON: ${JSON.stringify(text.slice(0, 80))}.`);
    }
    const key = `${hook.name}@${hook.version}`;
    let validate = this.#validators.get(key);
    if (!validate) this.#validators.set(key, (validate = this.#ajv.compile(hook.outputSchema)));
    if (!validate(output)) {
      const problems = (validate.errors ?? [])
        .map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`)
        .join('; ');
      throw new CallFailed('invalid-output', `The output does not match the ${key} schema: ${problems}.`);
    }
    return output;
  }

  async #run<Input, Output>(call: HookCall<Input, Output>, versionKey: string): Promise<string> {
    const limits = this.limitsFor(call.hook);
    const input = JSON.stringify(call.input);
    // Checked before any instance is taken: a UTF-8 string is at most 3 bytes per UTF-16 unit.
    if (input.length * 3 > limits.inputBytes && Buffer.byteLength(input) > limits.inputBytes) {
      throw new CallFailed(
        'input-too-large',
        `The input is ${Buffer.byteLength(input)} bytes; the ${call.hook.name} hook takes at most ${limits.inputBytes}.`,
      );
    }
    const pool = this.#poolFor(versionKey, call.extension, limits);
    const instance = await this.#acquire(pool);
    try {
      let settings: string | undefined;
      if (this.#options.publishedSettings) {
        settings = JSON.stringify((await this.#options.publishedSettings(call.garden)) ?? {});
        if (settings === instance.lastSettings) settings = undefined;
      }
      const { output, extra } = await this.#call(instance, limits, call.hook.export, input, settings);
      if (settings !== undefined) instance.lastSettings = settings;
      for (const line of extra?.logs ?? []) {
        this.#options.log?.({
          garden: call.garden,
          extension: call.extension.name,
          version: call.extension.version,
          hook: call.hook.name,
          line,
        });
      }
      if (output === undefined) {
        // After a trap or a limit, the module's own state is not to be trusted: a new instance.
        if (extra?.kind !== 'module-error') void this.#discard(pool, instance);
        throw new CallFailed(extra?.kind ?? 'crashed', extra?.message ?? 'The call failed.');
      }
      return output;
    } catch (err) {
      if (instance.dead) void this.#discard(pool, instance);
      throw err;
    } finally {
      this.#release(pool, instance);
    }
  }

  /** One call through the instance's channel; past the time budget, the worker is stopped. */
  async #call(
    instance: Instance,
    limits: HostLimits,
    exportName: string,
    input: string,
    settings: string | undefined,
  ): Promise<{ output?: string; extra?: ResponseExtra }> {
    const { control, data } = instance;
    const name = encoder.encodeInto(exportName, data.subarray(0, exportNameMaxBytes));
    const inputAt = name.written;
    const written = encoder.encodeInto(input, data.subarray(inputAt, inputAt + limits.inputBytes));
    if (written.read < input.length) {
      throw new CallFailed('input-too-large', `The input is over ${limits.inputBytes} bytes.`);
    }
    control[slot.settingsLength] = -1;
    if (settings !== undefined) {
      const at = inputAt + written.written;
      const settingsWritten = encoder.encodeInto(settings, data.subarray(at, at + settingsMaxBytes));
      if (settingsWritten.read < settings.length) {
        throw new CallFailed('input-too-large', `The garden's settings are over ${settingsMaxBytes} bytes.`);
      }
      control[slot.settingsLength] = settingsWritten.written;
    }
    control[slot.exportLength] = name.written;
    control[slot.inputLength] = written.written;
    Atomics.store(control, slot.state, channelState.request);
    Atomics.notify(control, slot.state);
    // Most calls take tens of microseconds: watching for them in this thread saves the event
    // loop's wake-up (~30 µs measured), and spinning rather than sleeping in Atomics.wait saves
    // the thread's own (both threads' wake-ups: 18 µs sleeping, 7 spinning); longer ones are awaited.
    const syncWaitMs = Math.min(limits.syncWaitMs, limits.timeBudgetMs);
    if (syncWaitMs > 0) {
      // Measured on 2 busy vCPUs: the median call 31–34 µs spinning, 40–55 sleeping at once; but
      // a spin competes with the worker for a core when the machine is loaded (p95 130–180 µs
      // against 70–120). Deciding per instance from recent hits did worse than either (a probe
      // now and then misses more than steady spinning would), hence this plain rule.
      const spinMs = Math.min(syncWaitMs, limits.syncSpinMs);
      if (spinMs > 0) spinWhile(control, channelState.request, spinMs);
      if (syncWaitMs > spinMs) Atomics.wait(control, slot.state, channelState.request, syncWaitMs - spinMs);
    }
    const waited = Atomics.waitAsync(
      control,
      slot.state,
      channelState.request,
      Math.max(0, limits.timeBudgetMs - syncWaitMs),
    );
    const outcome = waited.async ? await Promise.race([waited.value, instance.exited]) : waited.value;
    if (outcome === 'timed-out') {
      instance.dead = true;
      await this.#stop(instance);
      throw new CallFailed('timeout', `Stopped after ${limits.timeBudgetMs} ms (time budget).`);
    }
    if (typeof outcome === 'object') throw new CallFailed(outcome.kind, outcome.message);
    const outputLength = control[slot.outputLength]!;
    const extraLength = control[slot.extraLength]!;
    const extraAt = Math.max(outputLength, 0);
    const response = {
      output: outputLength >= 0 ? decoder.decode(data.subarray(0, outputLength)) : undefined,
      extra: extraLength
        ? (JSON.parse(decoder.decode(data.subarray(extraAt, extraAt + extraLength))) as ResponseExtra)
        : undefined,
    };
    Atomics.store(control, slot.state, channelState.idle);
    return response;
  }

  /** Sends the init message and waits for the reply; past the budget, the worker is stopped. */
  #exchange(
    instance: Instance,
    message: InitMessage,
    budgetMs: number,
    overBudget: FailureKind,
  ): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        instance.onReply = undefined;
        instance.dead = true;
        void this.#stop(instance);
        reject(new CallFailed(overBudget, `Stopped after ${budgetMs} ms (time budget).`));
      }, budgetMs);
      instance.onReply = (reply) => {
        clearTimeout(timer);
        instance.onReply = undefined;
        if (reply.type === 'exit') reject(new CallFailed(reply.kind, reply.message));
        else resolve(reply);
      };
      instance.worker.postMessage(message);
    });
  }

  #poolFor(versionKey: string, extension: ExtensionModule, limits: HostLimits): Pool {
    // Instances are sized when they open (memory written into the module, channel, kernel):
    // a hook with limits of its own has instances of its own.
    const key =
      limits === this.limits
        ? versionKey
        : `${versionKey}${JSON.stringify([limits.maxPages, limits.inputBytes, limits.outputBytes, limits.kernelBytes])}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      const module = Promise.resolve().then(() =>
        WebAssembly.compile(capMemory(extension.wasm, limits.maxPages)),
      );
      module.catch(() => undefined); // reported by the call that awaits it
      this.#pools.set(key, (pool = { limits, versionKey, module, instances: [], waiters: [], opening: 0 }));
    }
    return pool;
  }

  async #acquire(pool: Pool): Promise<Instance> {
    // A busy instance is free within its time budget (or stopped); one being opened, within the start budget.
    const deadline = performance.now() + pool.limits.timeBudgetMs + pool.limits.startBudgetMs;
    for (;;) {
      if (this.#closed) throw new CallFailed('crashed', 'The extension host is closed.');
      const idle = pool.instances.find((instance) => !instance.busy && !instance.dead);
      if (idle) {
        clearTimeout(idle.idleTimer);
        idle.busy = true;
        return idle;
      }
      if (pool.instances.length + pool.opening < pool.limits.instancesPerPool) {
        pool.opening += 1;
        try {
          return await this.#open(pool);
        } finally {
          pool.opening -= 1;
        }
      }
      const waited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          pool.waiters.splice(pool.waiters.indexOf(wake), 1);
          resolve(false);
        }, deadline - performance.now());
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        pool.waiters.push(wake);
      });
      if (!waited) {
        throw new CallFailed(
          'busy',
          `Every instance (${pool.limits.instancesPerPool}) stayed busy for ${pool.limits.timeBudgetMs + pool.limits.startBudgetMs} ms.`,
        );
      }
    }
  }

  #release(pool: Pool, instance: Instance): void {
    instance.busy = false;
    const waiter = pool.waiters.shift();
    if (waiter) waiter();
    else if (!instance.dead) {
      // A worker thread costs memory: one left idle for a while is stopped (reopened on demand).
      instance.idleTimer = setTimeout(() => {
        if (!instance.busy) void this.#discard(pool, instance);
      }, pool.limits.idleMs);
      instance.idleTimer.unref();
    }
  }

  async #discard(pool: Pool, instance: Instance): Promise<void> {
    instance.dead = true;
    const index = pool.instances.indexOf(instance);
    if (index >= 0) pool.instances.splice(index, 1);
    pool.waiters.shift()?.();
    await this.#stop(instance);
  }

  async #stop(instance: Instance): Promise<void> {
    instance.dead = true;
    await instance.worker.terminate();
  }

  /** A new instance, busy for its caller. */
  async #open(pool: Pool): Promise<Instance> {
    let module: WebAssembly.Module;
    try {
      module = await pool.module;
    } catch (err) {
      throw new CallFailed('load-failed', err instanceof Error ? err.message : String(err));
    }
    const worker = new Worker(workerUrl, {
      resourceLimits: {
        maxOldGenerationSizeMb: pool.limits.workerHeapMb,
        maxYoungGenerationSizeMb: 8,
        stackSizeMb: 4,
      },
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    const channel = new SharedArrayBuffer(channelBytes(pool.limits));
    let exited!: (reason: { kind: FailureKind; message: string }) => void;
    const instance: Instance = {
      worker,
      busy: true,
      dead: false,
      control: new Int32Array(channel, 0, channelHeaderBytes / 4),
      data: new Uint8Array(channel, channelHeaderBytes),
      exited: new Promise((resolve) => (exited = resolve)),
    };
    pool.instances.push(instance);
    worker.on('message', (reply: WorkerReply) => instance.onReply?.(reply));
    let exitReason: { kind: FailureKind; message: string } = {
      kind: 'crashed',
      message: 'The worker thread stopped.',
    };
    worker.on('error', (err: Error & { code?: string }) => {
      exitReason =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { kind: 'memory', message: `Over the worker's heap limit (${pool.limits.workerHeapMb} MiB).` }
          : { kind: 'crashed', message: err.message };
    });
    worker.on('exit', () => {
      instance.dead = true;
      instance.onReply?.({ type: 'exit', ...exitReason });
      exited(exitReason);
      const index = pool.instances.indexOf(instance);
      if (index >= 0) pool.instances.splice(index, 1);
    });
    try {
      const reply = await this.#exchange(
        instance,
        { type: 'init', module, limits: pool.limits, channel },
        pool.limits.startBudgetMs,
        'load-failed',
      );
      if (reply.type === 'load-failed') throw new CallFailed('load-failed', reply.message);
      return instance;
    } catch (err) {
      await this.#discard(pool, instance);
      throw err instanceof CallFailed ? err : new CallFailed('load-failed', String(err));
    }
  }
}
