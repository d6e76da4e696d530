import { ExtensionHost, type HostOptions } from '../../extensions/host/host.ts';
import { hooks, isHookName, schemaDocument, type HookName } from '../../extensions/hooks/index.ts';
import { activeFor, type ActiveExtension } from '../../domain/extensions/catalogue.ts';
import { CocagneError } from '../../domain/errors.ts';
import type { CallDelta, RecentInput } from '../../adapters/store/extension-records.ts';
import type { ExtensionCatalogueStore } from '../../adapters/store/extension-catalogue.ts';
import type { MetricsPublisher } from '../../adapters/metrics/cloudwatch-metrics.ts';
import { customMetricNames } from '../../adapters/metrics/metric-names.ts';

/** What a hook answered, and who answered it. */
export interface HookAnswer<Output = unknown> {
  output: Output;
  /** The extension, or the built-in behaviour (no extension active, or the extension failed). */
  source: 'extension' | 'built-in';
  /** The version that was called, when one is active. */
  extension?: { name: string; version: string };
  /** Why the extension did not answer itself (shown to staff). */
  failure?: { kind: string; message: string };
}

/** A version to run, whether active or not (self-tests, the diff before approval). */
export type ExtensionVersionRef = Pick<ActiveExtension, 'name' | 'version' | 'contentHash'>;

export interface HookRunnerOptions {
  catalogue: ExtensionCatalogueStore;
  /** Host options (limits, log); one host serves every garden of the process. */
  host?: HostOptions;
  /** How long a garden's active set is trusted after reading it (0: read at every call). */
  activeSetTtlMs?: number;
  /** How long call counts gather before they are written (0: written after each call). */
  flushDelayMs?: number;
  now?: () => Date;
  /** Where each call and fallback is also counted for CloudWatch's alarm (all gardens, and per garden). */
  metrics?: MetricsPublisher;
}

export class UnknownHook extends CocagneError {
  constructor(name: string) {
    super('not_found', { fr: `Le point d’extension ${name} n’existe pas.`, en: `No hook named ${name}.` });
  }
}

/**
 * The hook as the host reads it: its export, and its output schema as the JSON document
 * developers read (under both the host's former and current field names).
 */
export function hookContract(name: HookName) {
  const hook = hooks[name];
  const schema = schemaDocument(name, 'output');
  const contract = {
    name,
    version: hook.version,
    export: hook.exportName,
    exportName: hook.exportName,
    outputSchema: schema,
    output: schema,
    // Sizes and time of a call where the hook needs more than the host's defaults.
    ...(hook.limits ? { limits: hook.limits } : {}),
  };
  return contract;
}

/**
 * Runs the garden's hooks: the active extension (resolved when the call starts, so a call
 * under way finishes on the version it began with), through one shared ExtensionHost whose
 * instances are pooled per garden and version, or the built-in behaviour. Each call and
 * failure is counted in DynamoDB per garden, extension and version (batched), so the
 * rollout's probation compares rates across every process; the hook's last inputs are kept for
 * the diff shown before an approval. Modules' bytes are cached by content hash.
 * Built once per process: the worker and the API each have one.
 */
export function createHookRunner(options: HookRunnerOptions) {
  const { catalogue } = options;
  const now = options.now ?? (() => new Date());
  const ttl = options.activeSetTtlMs ?? 1_000;
  const flushDelay = options.flushDelayMs ?? 250;
  const host = new ExtensionHost(options.host);
  const modules = new Map<string, Promise<Uint8Array>>();
  const sets = new Map<string, { at: number; set: ReturnType<typeof catalogue.activeSet> }>();
  const pendingCalls = new Map<string, CallDelta & { gardenId: string; name: string; version: string }>();
  const pendingInputs = new Map<string, { gardenId: string; hook: string; inputs: RecentInput[] }>();
  const writes = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;

  function moduleBytes(contentHash: string): Promise<Uint8Array> {
    let bytes = modules.get(contentHash);
    if (!bytes) {
      bytes = catalogue.moduleBytes(contentHash);
      modules.set(contentHash, bytes);
      bytes.catch(() => modules.delete(contentHash));
    }
    return bytes;
  }

  function activeSet(gardenId: string) {
    const cached = sets.get(gardenId);
    if (cached && ttl > 0 && Date.now() - cached.at < ttl) return cached.set;
    const set = catalogue.activeSet(gardenId);
    sets.set(gardenId, { at: Date.now(), set });
    set.catch(() => sets.delete(gardenId));
    return set;
  }

  function track(write: Promise<void>) {
    const tracked = write.catch(() => undefined).finally(() => writes.delete(tracked));
    writes.add(tracked);
  }

  /** Writes the counts and inputs gathered so far. */
  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const calls = [...pendingCalls.values()];
    const inputs = [...pendingInputs.values()];
    pendingCalls.clear();
    pendingInputs.clear();
    for (const { gardenId, name, version, ...delta } of calls) {
      track(catalogue.records.addCalls(gardenId, name, version, delta));
    }
    for (const { gardenId, hook, inputs: added } of inputs) {
      track(catalogue.records.addRecentInputs(gardenId, hook, added));
    }
    await Promise.all([...writes]);
  }

  function scheduleFlush() {
    if (flushDelay === 0) {
      void flush();
      return;
    }
    timer ??= setTimeout(() => void flush(), flushDelay);
    timer.unref?.();
  }

  function count(gardenId: string, extension: ExtensionVersionRef, hook: string, answer: HookAnswer) {
    const key = JSON.stringify([gardenId, extension.name, extension.version]);
    let delta = pendingCalls.get(key);
    if (!delta) {
      delta = {
        gardenId,
        name: extension.name,
        version: extension.version,
        calls: 0,
        failures: 0,
        byKind: {},
      };
      pendingCalls.set(key, delta);
    }
    delta.calls += 1;
    if (options.metrics) {
      const { namespace, calls, fallbacks } = customMetricNames.extensions;
      for (const dimensions of [{}, { Garden: gardenId }] as Array<Record<string, string>>) {
        options.metrics.count(namespace, calls, 1, dimensions);
        if (answer.failure) options.metrics.count(namespace, fallbacks, 1, dimensions);
      }
    }
    if (answer.failure) {
      delta.failures += 1;
      delta.byKind[answer.failure.kind] = (delta.byKind[answer.failure.kind] ?? 0) + 1;
      delta.lastFailure = { ...answer.failure, hook, at: now().toISOString() };
    }
  }

  function keepInput(gardenId: string, hook: string, input: unknown) {
    const key = JSON.stringify([gardenId, hook]);
    let pending = pendingInputs.get(key);
    if (!pending) pendingInputs.set(key, (pending = { gardenId, hook, inputs: [] }));
    pending.inputs.push({ at: now().toISOString(), input });
    if (pending.inputs.length > 20) pending.inputs.shift();
  }

  async function call<Output>(
    garden: string,
    hookName: HookName,
    extension: ExtensionVersionRef,
    input: unknown,
  ): Promise<HookAnswer<Output>> {
    const hook = hooks[hookName];
    const request = {
      garden,
      extension: {
        name: extension.name,
        version: extension.version,
        wasm: await moduleBytes(extension.contentHash),
      },
      hook: hookContract(hookName),
      input,
      builtIn: (value: unknown) => hook.builtIn(value as never) as Output,
    };
    const result = await host.callHook<unknown, Output>(request);
    return {
      output: result.output,
      source: result.source,
      extension: { name: extension.name, version: extension.version },
      ...(result.failure ? { failure: result.failure } : {}),
    };
  }

  function requireHook(name: string): HookName {
    if (!isHookName(name)) throw new UnknownHook(name);
    return name;
  }

  return {
    host,

    /**
     * Runs the garden's hook on an input: its active extension, or the built-in behaviour. Never
     * throws for what the module does (the built-in answer comes back with the failure).
     */
    async runHook<Output = unknown>(
      gardenId: string,
      hookName: string,
      input: unknown,
    ): Promise<HookAnswer<Output>> {
      const name = requireHook(hookName);
      const active = activeFor(await activeSet(gardenId), name);
      keepInput(gardenId, name, input);
      if (!active) {
        scheduleFlush();
        return { output: hooks[name].builtIn(input as never) as Output, source: 'built-in' };
      }
      let answer: HookAnswer<Output>;
      try {
        answer = await call<Output>(gardenId, name, active, input);
      } catch (error) {
        // The module's bytes could not be read: the garden is still answered.
        answer = {
          output: hooks[name].builtIn(input as never) as Output,
          source: 'built-in',
          extension: { name: active.name, version: active.version },
          failure: { kind: 'load-failed', message: error instanceof Error ? error.message : String(error) },
        };
      }
      count(gardenId, active, name, answer);
      scheduleFlush();
      return answer;
    },

    /**
     * Runs a given version (active or not) on an input, for self-tests and diffs: not counted in
     * the garden's figures, and in a pool of its own (`<garden>#trial`).
     */
    async runVersion<Output = unknown>(
      gardenId: string,
      extension: ExtensionVersionRef,
      hookName: string,
      input: unknown,
    ): Promise<HookAnswer<Output>> {
      return call<Output>(`${gardenId}#trial`, requireHook(hookName), extension, input);
    },

    /** The built-in behaviour alone. */
    builtIn(hookName: string, input: unknown): unknown {
      return hooks[requireHook(hookName)].builtIn(input as never);
    },

    /** Forgets the garden's cached active set (after an activation in this process). */
    forget(gardenId: string): void {
      sets.delete(gardenId);
    },

    flush,

    async close(): Promise<void> {
      await flush();
      await host.close();
    },
  };
}
export type HookRunner = ReturnType<typeof createHookRunner>;
