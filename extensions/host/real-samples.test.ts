// The real sample extensions pass their test vectors inside the sandbox, with the host's default
// limits (samples.test.ts runs them in plain Extism): what the rollout's self-tests will do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSamples, type BuiltSample } from '../build-samples.ts';
import { hooks, isHookName, schemaDocument } from '../hooks/index.ts';
import { ExtensionHost } from './host.ts';

const realSamples = ['quotient-familial', 'panier-solidaire', 'ecritures-fec', 'absences-ete'];

let built: BuiltSample[] = [];
const host = new ExtensionHost();

beforeAll(async () => {
  built = await buildSamples(realSamples);
}, 300_000);

afterAll(() => host.close());

describe.each(realSamples)('%s in the sandbox', (name) => {
  it('answers every test vector as expected, within the default limits', async () => {
    const sample = built.find((candidate) => candidate.manifest.name === name)!;
    const vectors = JSON.parse(readFileSync(join(sample.dir, 'test-vectors.json'), 'utf8')) as Record<
      string,
      { input: unknown; output: unknown }[]
    >;
    const wasm = readFileSync(sample.wasmPath);
    for (const [hookName, cases] of Object.entries(vectors)) {
      if (!isHookName(hookName)) throw new Error(`${name}: unknown hook ${hookName}`);
      const hook = hooks[hookName];
      for (const vector of cases) {
        const result = await host.callHook({
          garden: 'val-du-doubs',
          extension: { name, version: sample.manifest.version, wasm },
          hook: {
            name: hookName,
            version: hook.version,
            export: hook.exportName,
            outputSchema: schemaDocument(hookName, 'output'),
          },
          input: vector.input,
          builtIn: () => 'the built-in behaviour',
        });
        expect(result.failure).toBeUndefined();
        expect(result.output).toEqual(vector.output);
      }
    }
    expect(host.failureCounts('val-du-doubs', name, sample.manifest.version).failures).toBe(0);
  });
});
