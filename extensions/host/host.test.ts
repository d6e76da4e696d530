// The extension host against the real Extism runtime: each limit, each hostile sample contained
// (fallback to the built-in behaviour, counted), and a well-behaved module still serving another
// garden during and after a hostile call.
import { readFileSync } from 'node:fs';
import createPlugin from '@extism/extism';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSamples, type BuiltSample } from '../build-samples.ts';
import { hooks, schemaDocument } from '../hooks/index.ts';
import { ExtensionHost, type ExtensionModule, type HookContract, type HostOptions } from './host.ts';
import { capMemory, inspectModule, pageBytes } from './module-check.ts';

const hostileSamples = [
  'hostile-loop',
  'hostile-memory',
  'hostile-oversized-output',
  'hostile-invalid-output',
  'hostile-trap',
  'hostile-file-socket',
  'hostile-go',
];

let built: Map<string, BuiltSample>;
const modules = new Map<string, ExtensionModule>();
const hosts: ExtensionHost[] = [];

beforeAll(async () => {
  // Compiles only what changed since the last build (npm test builds them before the tests).
  built = new Map(
    (await buildSamples([...hostileSamples, 'echo'])).map((sample) => [sample.manifest.name, sample]),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
});

function extension(name: string): ExtensionModule {
  let module = modules.get(name);
  if (!module) {
    const sample = built.get(name)!;
    module = { name, version: sample.manifest.version, wasm: readFileSync(sample.wasmPath) };
    modules.set(name, module);
  }
  return module;
}

function newHost(options: HostOptions = {}): ExtensionHost {
  const host = new ExtensionHost({ ...options, limits: { timeBudgetMs: 300, ...options.limits } });
  hosts.push(host);
  return host;
}

/** A strict stand-in for a hook's output schema (the real ones are in extensions/hooks/). */
const priceHook: HookContract = {
  name: 'solidarity-price',
  version: 1,
  export: 'solidarity_price',
  outputSchema: {
    type: 'object',
    properties: { priceCents: { type: 'integer', minimum: 0 } },
    required: ['priceCents'],
    additionalProperties: false,
  },
};
const anyObject: HookContract = {
  name: 'test-any',
  version: 1,
  export: 'echo',
  outputSchema: { type: 'object' },
};
const builtIn = () => ({ priceCents: 1200 });

async function callSample(
  host: ExtensionHost,
  garden: string,
  name: string,
  exportName = 'solidarity_price',
) {
  return host.callHook({
    garden,
    extension: extension(name),
    hook: { ...priceHook, export: exportName },
    input: { householdSize: 3 },
    builtIn,
  });
}

describe('a well-behaved module', () => {
  it('answers through the host, reads the published settings and writes log lines', async () => {
    const lines: string[] = [];
    const host = newHost({
      publishedSettings: (garden) => ({ garden, tiers: ['A', 'B'] }),
      log: (entry) => lines.push(`${entry.garden} ${entry.extension} ${entry.line}`),
    });
    const call = (exportName: string, input: unknown) =>
      host.callHook({
        garden: 'val-du-doubs',
        extension: extension('echo'),
        hook: { ...anyObject, export: exportName },
        input,
        builtIn: () => ({ fallback: true }),
      });
    expect(await call('echo', { householdSize: 3 })).toMatchObject({
      source: 'extension',
      output: { householdSize: 3 },
    });
    expect((await call('settings', {})).output).toEqual({ garden: 'val-du-doubs', tiers: ['A', 'B'] });
    expect((await call('log', 'bonjour')).output).toEqual({ logged: true });
    expect(lines).toEqual(['val-du-doubs echo echo says: "bonjour"']);
    expect(host.failureCounts('val-du-doubs', 'echo', '1.0.0')).toEqual({
      calls: 3,
      failures: 0,
      byKind: {},
    });
  });

  it('serves 20,000 calls on one instance: the host resets it (Extism fails the 16,384th call otherwise)', async () => {
    const host = newHost({ limits: { instancesPerPool: 1 } });
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const result = await host.callHook({
        garden: 'val-du-doubs',
        extension: extension('echo'),
        hook: anyObject,
        input: { i },
        builtIn: () => ({ i: -1 }),
      });
      if (result.source === 'extension' && result.output.i === i) answered += 1;
    }
    expect(answered).toBe(20_000);
    expect(host.instanceCount('val-du-doubs', 'echo', '1.0.0')).toBe(1);
  }, 60_000);

  it('(the claim measured) Extism JS 1.0.3 without reset() fails at the 16,384th call', async () => {
    const plugin = await createPlugin(
      { wasm: [{ data: extension('echo').wasm }] },
      {
        useWasi: false,
        functions: {
          env: { abort: () => undefined },
          'extism:host/user': { log_line: () => 0, garden_settings: () => 0n },
        },
      },
    );
    let succeeded = 0;
    try {
      for (; succeeded < 17_000; succeeded++) await plugin.call('echo', '{}');
    } catch {
      // the failure measured below
    }
    expect(succeeded).toBe(16_383);
    expect(await plugin.reset()).toBe(true);
    expect((await plugin.call('echo', '{"after":"reset"}'))?.text()).toBe('{"after":"reset"}');
    await plugin.close();
  }, 30_000);

  it('pools instances per garden and version, up to the bound', async () => {
    const host = newHost({ limits: { instancesPerPool: 2 } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        host.callHook({
          garden: i % 2 ? 'val-du-doubs' : 'pays-de-vesoul',
          extension: extension('echo'),
          hook: anyObject,
          input: { i },
          builtIn: () => ({}),
        }),
      ),
    );
    expect(results.map((result) => result.output)).toEqual(Array.from({ length: 8 }, (_, i) => ({ i })));
    expect(host.instanceCount('val-du-doubs', 'echo', '1.0.0')).toBeLessThanOrEqual(2);
    expect(host.instanceCount('pays-de-vesoul', 'echo', '1.0.0')).toBeLessThanOrEqual(2);
  });

  it('holds a hook to its own limits where it declares them, on instances sized for it', async () => {
    const host = newHost({ limits: { inputBytes: 1024, outputBytes: 1024 } });
    const bigger: HookContract = {
      ...anyObject,
      name: 'test-bigger',
      limits: { inputBytes: 8192, outputBytes: 8192, timeBudgetMs: 150 },
    };
    const call = (hook: HookContract, text: string, name = 'echo', exportName = 'echo') =>
      host.callHook({
        garden: 'val-du-doubs',
        extension: extension(name),
        hook: { ...hook, export: exportName },
        input: { text },
        builtIn: () => ({ fallback: true }),
      });
    const text = 'x'.repeat(3000);
    // Over the host's 1 KiB, under the hook's 8 KiB: refused for one, answered for the other.
    expect(await call(anyObject, text)).toMatchObject({ failure: { kind: 'input-too-large' } });
    expect(await call(bigger, text)).toMatchObject({ source: 'extension', output: { text } });
    expect(await call(anyObject, 'small')).toMatchObject({ source: 'extension', output: { text: 'small' } });
    // One instance for the host's size, one for the hook's.
    expect(host.instanceCount('val-du-doubs', 'echo', '1.0.0')).toBe(2);
    expect(await call(bigger, 'x'.repeat(9000))).toEqual({
      output: { fallback: true },
      source: 'built-in',
      failure: {
        kind: 'input-too-large',
        message: 'The input is 9011 bytes; the test-bigger hook takes at most 8192.',
      },
      durationMs: expect.any(Number),
    });
    // Its own time budget, too.
    await call(bigger, '', 'hostile-loop', 'warm_up');
    expect((await call(bigger, '', 'hostile-loop', 'solidarity_price')).failure).toEqual({
      kind: 'timeout',
      message: 'Stopped after 150 ms (time budget).',
    });
  });

  it('stops instances left idle, and opens one again when needed', async () => {
    const host = newHost({ limits: { idleMs: 100 } });
    const call = () =>
      host.callHook({
        garden: 'val-du-doubs',
        extension: extension('echo'),
        hook: anyObject,
        input: {},
        builtIn: () => ({}),
      });
    expect(await call()).toMatchObject({ source: 'extension' });
    expect(host.instanceCount('val-du-doubs', 'echo', '1.0.0')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(host.instanceCount('val-du-doubs', 'echo', '1.0.0')).toBe(0);
    expect(await call()).toMatchObject({ source: 'extension' });
  });
});

describe('hostile samples are contained: the built-in behaviour answers and the failure is counted', () => {
  it('an infinite loop is stopped at the time budget, while another garden is served during and after', async () => {
    const host = newHost({ limits: { timeBudgetMs: 400 } });
    const echo = (garden: string, i: number) =>
      host.callHook({
        garden,
        extension: extension('echo'),
        hook: anyObject,
        input: { i },
        builtIn: () => ({}),
      });
    await echo('pays-de-vesoul', 0); // the other garden's instance is open
    await callSample(host, 'val-du-doubs', 'hostile-loop', 'warm_up'); // so is the loop's

    let loopDone = false;
    const spinning = callSample(host, 'val-du-doubs', 'hostile-loop').finally(() => (loopDone = true));
    let servedDuring = 0;
    for (let i = 1; !loopDone; i++) {
      const result = await echo('pays-de-vesoul', i);
      expect(result).toMatchObject({ source: 'extension', output: { i } });
      if (!loopDone) servedDuring += 1;
    }
    const stopped = await spinning;
    expect(stopped).toMatchObject({
      source: 'built-in',
      output: { priceCents: 1200 },
      failure: { kind: 'timeout' },
    });
    expect(stopped.durationMs).toBeGreaterThanOrEqual(400);
    expect(stopped.durationMs).toBeLessThan(400 + 100);
    // The other garden's calls went on while the loop spun (hundreds, on an idle machine).
    expect(servedDuring).toBeGreaterThan(10);

    expect(await echo('pays-de-vesoul', -1)).toMatchObject({ source: 'extension', output: { i: -1 } });
    // The loop's garden gets a fresh instance for its next call.
    expect(await callSample(host, 'val-du-doubs', 'hostile-loop', 'warm_up')).toMatchObject({
      source: 'extension',
    });
    expect(host.failureCounts('val-du-doubs', 'hostile-loop', '1.0.0')).toMatchObject({
      calls: 3,
      failures: 1,
      byKind: { timeout: 1 },
      lastFailure: { kind: 'timeout', hook: 'solidarity-price' },
    });
    expect(host.failureCounts('pays-de-vesoul', 'echo', '1.0.0').failures).toBe(0);
  });

  it('a call on a busy pool waits for the instance rather than open one over the bound', async () => {
    const host = newHost({ limits: { instancesPerPool: 1, timeBudgetMs: 300 } });
    await callSample(host, 'val-du-doubs', 'hostile-loop', 'warm_up');
    const finished: string[] = [];
    const spinning = callSample(host, 'val-du-doubs', 'hostile-loop').finally(() => finished.push('loop'));
    const waiting = callSample(host, 'val-du-doubs', 'hostile-loop', 'warm_up').finally(() =>
      finished.push('waiting call'),
    );
    const [stopped, served] = await Promise.all([spinning, waiting]);
    expect(stopped.failure?.kind).toBe('timeout');
    expect(served).toMatchObject({ source: 'extension', output: { priceCents: 0 } });
    // It waited for the loop to be stopped, then had a new instance.
    expect(finished).toEqual(['loop', 'waiting call']);
    expect(host.instanceCount('val-du-doubs', 'hostile-loop', '1.0.0')).toBe(1);
  });

  it('a memory bomb stops at the linear memory maximum written into the module', async () => {
    const host = newHost({ limits: { maxPages: 64 } }); // 4 MiB
    const result = await callSample(host, 'val-du-doubs', 'hostile-memory');
    expect(result).toMatchObject({
      source: 'built-in',
      output: { priceCents: 1200 },
      failure: { kind: 'memory' },
    });
    const mib = Number(/memory ([\d.]+) MiB/.exec(result.failure!.message)?.[1]);
    expect(mib).toBeGreaterThan(2);
    expect(mib).toBeLessThanOrEqual(4);
  });

  it("a module taking the host's memory through the Extism kernel is stopped at the kernel limit", async () => {
    const host = newHost({ limits: { kernelBytes: 1 << 20 } });
    const result = await callSample(host, 'val-du-doubs', 'hostile-memory', 'kernel_bomb');
    expect(result).toMatchObject({ source: 'built-in', failure: { kind: 'memory' } });
    expect(result.failure!.message).toContain('1048576 bytes of host memory');
  });

  it('a module calling garden_settings in a loop is stopped at the same kernel limit', async () => {
    const host = newHost({
      limits: { kernelBytes: 1 << 20 },
      publishedSettings: () => ({ tiers: 'x'.repeat(10_000) }),
    });
    const result = await callSample(host, 'val-du-doubs', 'hostile-memory', 'settings_bomb');
    expect(result).toMatchObject({ source: 'built-in', failure: { kind: 'memory' } });
  });

  it('a module cannot read a file, list a directory, open a socket or make an HTTP request', async () => {
    const lines: string[] = [];
    const host = newHost({ log: (entry) => lines.push(entry.line) });
    const result = await host.callHook({
      garden: 'val-du-doubs',
      extension: extension('hostile-file-socket'),
      hook: { ...anyObject, export: 'solidarity_price' },
      input: {},
      builtIn: () => ({}),
    });
    // It answers (schema: any object), with nothing of the host in it.
    const output = result.output as Record<string, string>;
    expect(output.file).toMatch(/^error: open \/etc\/passwd: Capabilities insufficient/);
    expect(output.directory).toMatch(/^error: open \/: Capabilities insufficient/);
    // Go's wasip1 network is an in-memory simulation: nothing leaves the process.
    expect(output.socket).toMatch(/^error: dial tcp 127.0.0.1:80/);
    expect(output.http).toBe('\u0000');
    expect(JSON.stringify(output)).not.toContain('root:');
    expect(lines).toContain('http_request refused: extensions have no network.');
  });

  it('an oversized output is refused, whether asked of the kernel at once or returned', async () => {
    const host = newHost();
    expect(await callSample(host, 'val-du-doubs', 'hostile-oversized-output')).toMatchObject({
      source: 'built-in',
      failure: { kind: 'output-too-large' },
    });
    const small = newHost({ limits: { outputBytes: 1024, inputBytes: 4096 } });
    const result = await small.callHook({
      garden: 'val-du-doubs',
      extension: extension('echo'),
      hook: anyObject,
      input: { text: 'x'.repeat(2000) },
      builtIn: () => ({ fallback: true }),
    });
    expect(result).toMatchObject({ output: { fallback: true }, failure: { kind: 'output-too-large' } });
    expect(result.failure!.message).toBe('The output is 2011 bytes; the limit is 1024.');
  });

  it('an oversized input is never sent', async () => {
    const host = newHost({ limits: { inputBytes: 1024 } });
    const result = await host.callHook({
      garden: 'val-du-doubs',
      extension: extension('echo'),
      hook: anyObject,
      input: { text: 'x'.repeat(2000) },
      builtIn: () => ({ fallback: true }),
    });
    expect(result).toMatchObject({ output: { fallback: true }, failure: { kind: 'input-too-large' } });
    expect(host.instanceCount('val-du-doubs', 'echo', '1.0.0')).toBe(0);
  });

  it("an output invalid against the hook's schema, or not JSON, falls back", async () => {
    const host = newHost();
    const wrongShape = await callSample(host, 'val-du-doubs', 'hostile-invalid-output');
    expect(wrongShape).toMatchObject({ source: 'built-in', output: { priceCents: 1200 } });
    expect(wrongShape.failure).toEqual({
      kind: 'invalid-output',
      message:
        'The output does not match the solidarity-price@1 schema: / must NOT have additional properties; /priceCents must be integer.',
    });
    expect(await callSample(host, 'val-du-doubs', 'hostile-invalid-output', 'not_json')).toMatchObject({
      failure: { kind: 'invalid-output', message: 'The output is not JSON: "<html>oops</html>".' },
    });
    expect(host.failureCounts('val-du-doubs', 'hostile-invalid-output', '1.0.0')).toMatchObject({
      calls: 2,
      failures: 2,
      byKind: { 'invalid-output': 2 },
    });
  });

  it('against the real solidarity-price hook: its schema refuses the answer, its built-in behaviour answers', async () => {
    const host = newHost();
    const hook = hooks['solidarity-price'];
    const input = JSON.parse(
      readFileSync(new URL('../hooks/solidarity-price/example-input.json', import.meta.url), 'utf8'),
    ) as Parameters<typeof hook.builtIn>[0];
    const result = await host.callHook({
      garden: 'val-du-doubs',
      extension: extension('hostile-invalid-output'),
      hook: {
        name: 'solidarity-price',
        version: hook.version,
        export: hook.exportName,
        outputSchema: schemaDocument('solidarity-price', 'output'),
      },
      input,
      builtIn: hook.builtIn,
    });
    expect(result).toMatchObject({ source: 'built-in', failure: { kind: 'invalid-output' } });
    expect(result.output).toEqual(hook.builtIn(input));
  });

  it('a trap (unreachable, out of bounds, abort) falls back, and the next call gets a fresh instance', async () => {
    const failures: string[] = [];
    const host = newHost({ onFailure: (failure) => failures.push(`${failure.garden} ${failure.kind}`) });
    const unreachable = await callSample(host, 'val-du-doubs', 'hostile-trap');
    expect(unreachable.failure).toMatchObject({
      kind: 'trap',
      message: expect.stringContaining('unreachable'),
    });
    const outOfBounds = await callSample(host, 'val-du-doubs', 'hostile-trap', 'out_of_bounds');
    expect(outOfBounds.failure).toMatchObject({
      kind: 'trap',
      message: expect.stringContaining('out of bounds'),
    });
    const aborted = await callSample(host, 'val-du-doubs', 'hostile-trap', 'abort_with_message');
    expect(aborted.failure).toMatchObject({
      kind: 'trap',
      message: expect.stringContaining('abort: the hostile sample gives up'),
    });
    expect(failures).toEqual(['val-du-doubs trap', 'val-du-doubs trap', 'val-du-doubs trap']);
    expect(host.failureCounts('val-du-doubs', 'hostile-trap', '1.0.0')).toMatchObject({ failures: 3 });
    expect(host.failureCounts('pays-de-vesoul', 'hostile-trap', '1.0.0')).toEqual({
      calls: 0,
      failures: 0,
      byKind: {},
    });
  });

  it("Go's runtime failing (out of memory, a panic) is a failed call, with Go's first line", async () => {
    const lines: string[] = [];
    // A generous time budget: on a loaded machine, Go filling 16 MiB must still meet the memory limit first.
    const host = newHost({
      limits: { maxPages: 256, timeBudgetMs: 10_000 },
      log: (entry) => lines.push(entry.line),
    });
    const bomb = await callSample(host, 'val-du-doubs', 'hostile-go');
    expect(bomb).toMatchObject({
      source: 'built-in',
      output: { priceCents: 1200 },
      failure: { kind: 'memory' },
    });
    expect(bomb.failure!.message).toContain('It wrote: runtime: out of memory');
    const panic = await callSample(host, 'val-du-doubs', 'hostile-go', 'go_panic');
    expect(panic).toMatchObject({ source: 'built-in', failure: { kind: 'trap' } });
    expect(panic.failure!.message).toContain('It wrote: panic: assignment to entry in nil map');
    expect(lines).toContain('fatal error: out of memory');
    expect(lines).toContain('panic: assignment to entry in nil map');
  });

  it('a module that does not load falls back', async () => {
    const host = newHost();
    const result = await host.callHook({
      garden: 'val-du-doubs',
      extension: { name: 'broken', version: '1.0.0', wasm: new TextEncoder().encode('not wasm') },
      hook: priceHook,
      input: {},
      builtIn,
    });
    expect(result).toMatchObject({ source: 'built-in', failure: { kind: 'load-failed' } });
  });
});

describe('static checks', () => {
  /** A hand-made module importing evil.fn, with one page of memory and no maximum. */
  const evil = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x0b, 0x01,
    0x04, 0x65, 0x76, 0x69, 0x6c, 0x02, 0x66, 0x6e, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01,
  ]);

  it('report forbidden imports, missing exports and memory problems', () => {
    expect(inspectModule(evil, ['solidarity_price'], 16)).toEqual({
      forbiddenImports: ['evil.fn'],
      missingExports: ['solidarity_price'],
      memoryProblems: [],
      sizeBytes: evil.byteLength,
    });
    expect(inspectModule(evil, [], 0).memoryProblems).toEqual([
      "The module's memory starts at 1 pages (0.0625 MiB), above the limit of 0.",
    ]);
    const socket = readFileSync(built.get('hostile-file-socket')!.wasmPath);
    expect(inspectModule(socket, ['solidarity_price'], 512)).toMatchObject({
      forbiddenImports: [],
      missingExports: [],
      memoryProblems: [],
    });
  });

  it('write the memory maximum into the module', () => {
    const module = new WebAssembly.Module(capMemory(evil, 3));
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(
        // The same module, its memory exported instead of the import: grow it past the cap.
        capMemory(
          new Uint8Array([
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x07, 0x01,
            0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00,
          ]),
          3,
        ),
      ),
    );
    const memory = instance.exports.mem as WebAssembly.Memory;
    expect(memory.grow(2)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
    expect(memory.buffer.byteLength).toBe(3 * pageBytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'evil', name: 'fn', kind: 'function' }]);
  });
});
