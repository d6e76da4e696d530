import type { WorkerReply, WorkerRequest } from './extension-protocol.ts';

/**
 * A garden's extension run in the browser, for instant feedback (the server runs the same
 * module and its answer is the one that counts). The module runs in its own Web Worker; a call
 * past its time budget terminates the worker, and from then on, as after any failure to load,
 * the extension is gone: callers fall back to the built-in behaviour (no extra check).
 */
export interface BrowserExtension {
  /** The hook's output as the module wrote it (parsed JSON), or undefined if it failed or took too long. */
  call(exportName: string, input: unknown): Promise<unknown>;
  /** Whether the extension still answers (false once a call ran past its budget, or after close). */
  readonly alive: boolean;
  close(): void;
}

export interface BrowserExtensionLimits {
  /** Budget of one call, in milliseconds. */
  callBudgetMs: number;
  /** Budget to compile and start the module, in milliseconds. */
  loadBudgetMs: number;
  /** Largest module accepted, in bytes. */
  maxModuleBytes: number;
}

export const browserExtensionLimits: BrowserExtensionLimits = {
  callBudgetMs: 250,
  loadBudgetMs: 5_000,
  maxModuleBytes: 4 * 1024 * 1024,
};

export type WorkerFactory = () => Worker;

const defaultWorker: WorkerFactory = () =>
  new Worker(new URL('./extension-worker.ts', import.meta.url), { type: 'module', name: 'extension' });

/**
 * Starts an extension from its module's bytes; undefined when it cannot start within budget (the
 * reason goes to `onFailure`, for the console: people just get the form without the extra check).
 */
export async function startBrowserExtension(
  wasm: ArrayBuffer,
  options: {
    limits?: Partial<BrowserExtensionLimits>;
    createWorker?: WorkerFactory;
    onFailure?: (message: string) => void;
  } = {},
): Promise<BrowserExtension | undefined> {
  const limits = { ...browserExtensionLimits, ...options.limits };
  const fail = (message: string) => {
    options.onFailure?.(message);
    return undefined;
  };
  if (wasm.byteLength > limits.maxModuleBytes) return fail(`module of ${wasm.byteLength} bytes: too large`);
  let worker: Worker;
  try {
    worker = (options.createWorker ?? defaultWorker)();
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  let alive = true;
  let nextId = 1;
  const pending = new Map<number, (reply: WorkerReply | undefined) => void>();
  let onLoad: ((reply: WorkerReply | undefined) => void) | undefined;
  const stop = (message?: string) => {
    if (message && alive) options.onFailure?.(message);
    alive = false;
    worker.terminate();
    for (const settle of pending.values()) settle(undefined);
    pending.clear();
    onLoad?.(undefined);
  };
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.type === 'ready' || reply.id === undefined) onLoad?.(reply);
    else pending.get(reply.id)?.(reply);
  });
  worker.addEventListener('error', (event) => stop(event.message || 'the worker failed'));

  const post = (request: WorkerRequest, transfer: Transferable[] = []) =>
    worker.postMessage(request, transfer);
  /** The reply, or undefined past the budget (the worker is then stopped). */
  const within = (budgetMs: number, waiting: Promise<WorkerReply | undefined>, what: string) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        stop(`${what} took over ${budgetMs} ms: stopped`);
        resolve(undefined);
      }, budgetMs);
    });
    return Promise.race([waiting, late]).finally(() => clearTimeout(timer));
  };

  const loaded = await within(
    limits.loadBudgetMs,
    new Promise<WorkerReply | undefined>((resolve) => {
      onLoad = resolve;
      post({ type: 'load', wasm }, [wasm]);
    }),
    'loading the module',
  );
  onLoad = undefined;
  if (loaded?.type !== 'ready') {
    stop(loaded?.type === 'failed' ? `loading the module failed: ${loaded.message}` : undefined);
    return undefined;
  }

  // One call at a time: a new one waits for the previous one to end.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get alive() {
      return alive;
    },
    call(exportName, input) {
      const run = async (): Promise<unknown> => {
        if (!alive) return undefined;
        const id = nextId++;
        const reply = await within(
          limits.callBudgetMs,
          new Promise<WorkerReply | undefined>((resolve) => {
            pending.set(id, resolve);
            post({ type: 'call', id, exportName, input: JSON.stringify(input) });
          }),
          `${exportName}`,
        );
        pending.delete(id);
        // A trap ends this call only: the instance was reset, the next input may do better.
        if (reply?.type === 'failed') {
          options.onFailure?.(`${exportName} failed: ${reply.message}`);
          return undefined;
        }
        if (reply?.type !== 'result') return undefined;
        try {
          return JSON.parse(reply.output) as unknown;
        } catch {
          options.onFailure?.(`${exportName} answered something that is not JSON`);
          return undefined;
        }
      };
      const result = queue.then(run, run);
      queue = result;
      return result;
    },
    close: () => stop(),
  };
}
