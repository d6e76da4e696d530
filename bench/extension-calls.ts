// Issue 10's targets for the extension host: a pooled call with 1 KiB in and out (median ≤ 50 µs),
// and a hostile module stopped within its time budget + 100 ms. Also measures the claims the host
// is built on (Extism JS 1.0.3: no timeout, 16,383 calls without reset, manifest memory ignored).
//
//   sh infra/local/bin/cocagne exec node bench/extension-calls.ts [--calls 20000]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import createPlugin from '@extism/extism';
import { buildSamples } from '../extensions/build-samples.ts';
import { ExtensionHost, type HookContract } from '../extensions/host/host.ts';
import { capMemory, pageBytes } from '../extensions/host/module-check.ts';
import { hooks, schemaDocument } from '../extensions/hooks/index.ts';
import type { AccountingExportInput } from '../domain/extensions/accounting-export.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' } } });
const calls = Number(values.calls);

const built = new Map(
  (
    await buildSamples(['echo', 'hostile-loop', 'hostile-memory', 'hostile-file-socket', 'ecritures-fec'])
  ).map((sample) => [sample.manifest.name, sample]),
);
const module = (name: string) => ({
  name,
  version: built.get(name)!.manifest.version,
  wasm: readFileSync(built.get(name)!.wasmPath),
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const micro = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

/** 1 KiB of JSON, as a hook's input might look. */
const input = {
  household: { size: 4, quotientFamilial: 812, memberSince: '2021-03-01' },
  note: 'x'.repeat(1024 - 83),
};
console.log(`input ${Buffer.byteLength(JSON.stringify(input))} bytes`);

// 1. Pooled calls through the host (worker thread, schema check), echo and echo_fast exports;
// with the host's defaults, then without its spin (the caller sleeps in Atomics.wait at once).
const host = new ExtensionHost();
const sleepingHost = new ExtensionHost({ limits: { syncSpinMs: 0 } });
const echoHook: HookContract = {
  name: 'bench-echo',
  version: 1,
  export: 'echo',
  outputSchema: { type: 'object', required: ['household', 'note'] },
};
for (const [label, pooled] of [
  ['defaults', host],
  ['syncSpinMs 0', sleepingHost],
] as const) {
  for (const exportName of ['echo', 'echo_fast']) {
    const hook = { ...echoHook, export: exportName };
    const call = () =>
      pooled.callHook({ garden: 'bench', extension: module('echo'), hook, input, builtIn: () => ({}) });
    for (let i = 0; i < 2000; i++) await call();
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      const result = await call();
      times.push(performance.now() - start);
      if (result.source !== 'extension') throw new Error(`fallback: ${result.failure?.message}`);
    }
    times.sort((a, b) => a - b);
    console.log(
      `pooled call, 1 KiB in and out (${exportName}, ${label}): median ${micro(percentile(times, 0.5))}, p95 ${micro(percentile(times, 0.95))}, p99 ${micro(percentile(times, 0.99))} over ${calls} calls`,
    );
  }
}
await sleepingHost.close();

// The same module called in this thread by Extism alone (no worker, no schema): the floor.
const plugin = await createPlugin(
  { wasm: [{ data: module('echo').wasm }] },
  {
    useWasi: false,
    functions: {
      env: { abort: () => undefined },
      'extism:host/user': { log_line: () => 0, garden_settings: () => 0n },
    },
  },
);
const text = JSON.stringify(input);
for (const exportName of ['echo', 'echo_fast']) {
  for (let i = 0; i < 2000; i++) await plugin.call(exportName, text).then(() => plugin.reset());
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    (await plugin.call(exportName, text))?.text();
    await plugin.reset();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`Extism alone, same thread (${exportName}): median ${micro(percentile(times, 0.5))}`);
}

// 2. The claim: 16,383 calls without reset, then a failure.
await plugin.reset();
let succeeded = 0;
try {
  for (; succeeded < 20_000; succeeded++) await plugin.call('echo', '{}');
} catch (err) {
  console.log(`without reset(): ${succeeded} calls succeed, then: ${(err as Error).message}`);
}
await plugin.close();

// 3. Hostile loop: stopped within budget + 100 ms (instance warm, so only the loop is timed).
for (const budget of [100, 500, 1000]) {
  const loopHost = new ExtensionHost({ limits: { timeBudgetMs: budget } });
  const overshoots: number[] = [];
  for (let run = 0; run < 5; run++) {
    const hook = { name: 'bench-loop', version: 1, export: 'warm_up', outputSchema: { type: 'object' } };
    await loopHost.callHook({
      garden: 'bench',
      extension: module('hostile-loop'),
      hook,
      input: {},
      builtIn: () => ({}),
    });
    const result = await loopHost.callHook({
      garden: 'bench',
      extension: module('hostile-loop'),
      hook: { ...hook, export: 'solidarity_price' },
      input: {},
      builtIn: () => ({}),
    });
    if (result.failure?.kind !== 'timeout') throw new Error('the loop was not stopped');
    overshoots.push(result.durationMs - budget);
  }
  overshoots.sort((a, b) => a - b);
  console.log(
    `hostile loop, budget ${budget} ms: stopped after budget + ${overshoots.map((ms) => ms.toFixed(1)).join(', ')} ms (worst + ${overshoots.at(-1)!.toFixed(1)} ms)`,
  );
  await loopHost.close();
}

// 4. Memory: Extism JS 1.0.3 ignores a manifest's memory.maxPages; the host's cap holds.
// Capped by us at 1,024 pages (64 MiB) so that the measure stays small; the manifest says 16.
const manifestWithMemory = {
  wasm: [{ data: capMemory(module('hostile-memory').wasm, 1024) }],
  memory: { maxPages: 16 },
};
const memoryPlugin = await createPlugin(manifestWithMemory, {
  useWasi: false,
  functions: {
    env: { abort: () => undefined },
    'extism:host/user': { log_line: () => 0, garden_settings: () => 0n },
  },
});
try {
  await memoryPlugin.call('solidarity_price', '');
} catch {
  // expected: the bomb ends at some limit
}
const grown = (await memoryPlugin.getInstance()).exports.memory as WebAssembly.Memory;
console.log(
  `manifest memory.maxPages 16 (1 MiB): the module grew to ${grown.buffer.byteLength / pageBytes} pages (${grown.buffer.byteLength / 2 ** 20} MiB): ignored`,
);
await memoryPlugin.close();
for (const maxPages of [64, 512]) {
  const memoryHost = new ExtensionHost({ limits: { maxPages } });
  const result = await memoryHost.callHook({
    garden: 'bench',
    extension: module('hostile-memory'),
    hook: { name: 'bench-memory', version: 1, export: 'solidarity_price', outputSchema: {} },
    input: {},
    builtIn: () => ({}),
  });
  console.log(
    `host maxPages ${maxPages} (${(maxPages * pageBytes) / 2 ** 20} MiB): ${result.failure?.kind}, ${result.failure?.message}, after ${result.durationMs.toFixed(0)} ms`,
  );
  await memoryHost.close();
}
// 5. Opening an instance (worker thread, compile, instantiate, Go's _initialize): a pool's first call.
for (const [name, exportName] of [
  ['echo', 'echo'],
  ['hostile-file-socket', 'solidarity_price'],
] as const) {
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const startHost = new ExtensionHost();
    const start = performance.now();
    await startHost.callHook({
      garden: 'bench',
      extension: module(name),
      hook: { name: 'bench-start', version: 1, export: exportName, outputSchema: {} },
      input: {},
      builtIn: () => ({}),
    });
    times.push(performance.now() - start);
    await startHost.close();
  }
  times.sort((a, b) => a - b);
  console.log(
    `first call of a pool (${name}, ${(module(name).wasm.byteLength / 1024).toFixed(0)} KiB): median ${times[2]!.toFixed(0)} ms`,
  );
}

// 6. The accountant's export of a big garden's year through ecritures-fec (Go), with the
// accounting-export hook's own limits: payments as the API gives them, names with accents.
const exportHook = hooks['accounting-export'];
const methods = ['card', 'sepa', 'transfer', 'cheque', 'cash'] as const;
const exportInput = (count: number): AccountingExportInput => ({
  from: '2025-01',
  to: '2025-12',
  garden: { name: 'Jardin de Cocagne du Val du Doubs', siret: '12345678900017' },
  payments: Array.from({ length: count }, (_, i) => ({
    receivedOn: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    invoiceNumber: 1000 + i,
    invoiceLabel: `F-${String(1000 + i).padStart(6, '0')}`,
    memberId: `m-${(i % 1200).toString(16).padStart(12, '0')}`,
    memberName: `Élodie Perrin-Œuvray ${i % 1200}`,
    method: methods[i % 5]!,
    amount: 1700 + (i % 50) * 10,
    ...(i % 5 === 3 ? { reference: `00${i}`, bank: 'Crédit Agricole Franche-Comté' } : {}),
    ...(i % 5 < 2 ? { reference: `pi_3Q0demo${i}abcdefghij` } : {}),
  })),
});
for (const count of [1_000, 10_000, 40_000, 42_000]) {
  const payments = exportInput(count);
  const times: number[] = [];
  let said = '';
  for (let run = 0; run < 3; run++) {
    const result = await host.callHook({
      garden: 'bench',
      extension: module('ecritures-fec'),
      hook: {
        name: exportHook.name,
        version: exportHook.version,
        export: exportHook.exportName,
        outputSchema: schemaDocument('accounting-export', 'output'),
        ...(exportHook.limits ? { limits: exportHook.limits } : {}),
      },
      input: payments,
      builtIn: exportHook.builtIn,
    });
    times.push(result.durationMs);
    said =
      result.source === 'extension'
        ? `the extension's FEC, ${(result.output.content.length / 2 ** 20).toFixed(1)} Mi characters`
        : `built-in CSV (${result.failure?.kind}: ${result.failure?.message})`;
  }
  console.log(
    `accounting export, ${count} payments (${(Buffer.byteLength(JSON.stringify(payments)) / 2 ** 20).toFixed(2)} MiB in): ${said}; ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );
}
await host.close();
