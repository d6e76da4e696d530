// The real sample extensions, built from their sources by the project's build script and run
// by the real Extism runtime: each answers its test vectors exactly, and its answers (and the
// vectors' inputs) validate against the hooks' JSON Schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import createPlugin, { type Plugin } from '@extism/extism';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSamples, type BuiltSample } from '../build-samples.ts';
import { hooks, isHookName, schemaDocument } from '../hooks/index.ts';
import { builtInAbsencePolicy, type AbsencePolicyInput } from '../../domain/extensions/absence-policy.ts';

/** The samples written against the hooks (the hostile ones are the host's). */
const realSamples = ['quotient-familial', 'panier-solidaire', 'ecritures-fec', 'absences-ete'];

interface TestVector {
  name: string;
  input: unknown;
  output: unknown;
}

const built = new Map<string, BuiltSample>();
const plugins = new Map<string, Plugin>();

beforeAll(async () => {
  for (const sample of await buildSamples(realSamples)) built.set(sample.manifest.name, sample);
  for (const [name, sample] of built) {
    // WASI on for Go's runtime (clocks, random), with no directory and no host: no files, no network.
    const plugin = await createPlugin(
      { wasm: [{ data: readFileSync(sample.wasmPath) }] },
      {
        useWasi: sample.manifest.build.language === 'go',
        allowedPaths: {},
        allowedHosts: [],
        functions: {
          env: {
            abort: () => {
              throw new Error(`${name} aborted`);
            },
          },
        },
      },
    );
    plugins.set(name, plugin);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([...plugins.values()].map((plugin) => plugin.close()));
});

const ajv = new Ajv({ allErrors: true });

describe.each(realSamples)('the sample extension %s', (name) => {
  const dir = join(import.meta.dirname, name);
  const vectors = JSON.parse(readFileSync(join(dir, 'test-vectors.json'), 'utf8')) as Record<
    string,
    TestVector[]
  >;

  it('has a manifest naming hooks that exist, its author and its source, and vectors for each hook', () => {
    const manifest = built.get(name)?.manifest;
    expect(manifest).toMatchObject({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(manifest?.author).toBeTruthy();
    expect(manifest?.source).toBe(`extensions/samples/${name}`);
    expect(manifest?.hooks.length).toBeGreaterThan(0);
    for (const hook of manifest?.hooks ?? []) {
      expect(isHookName(hook), hook).toBe(true);
      expect(vectors[hook]?.length ?? 0, `vectors for ${hook}`).toBeGreaterThanOrEqual(3);
    }
    expect(Object.keys(vectors).sort()).toEqual([...(manifest?.hooks ?? [])].sort());
  });

  it('answers each of its test vectors exactly, with outputs valid against the hook schema', async () => {
    const plugin = plugins.get(name);
    for (const [hook, cases] of Object.entries(vectors)) {
      if (!isHookName(hook)) throw new Error(`${name}: no hook named ${hook}`);
      const validInput = ajv.compile(schemaDocument(hook, 'input'));
      const validOutput = ajv.compile(schemaDocument(hook, 'output'));
      for (const vector of cases) {
        expect(validInput(vector.input), `${vector.name}: ${JSON.stringify(validInput.errors)}`).toBe(true);
        const answer = await plugin?.call(hooks[hook].exportName, JSON.stringify(vector.input));
        const output: unknown = answer ? JSON.parse(answer.text()) : undefined;
        expect(output, vector.name).toEqual(vector.output);
        expect(validOutput(output), `${vector.name}: ${JSON.stringify(validOutput.errors)}`).toBe(true);
      }
    }
  });
});

it('absences-ete (Go) decides as the built-in absence policy outside July and August', () => {
  const vectors = JSON.parse(
    readFileSync(join(import.meta.dirname, 'absences-ete', 'test-vectors.json'), 'utf8'),
  ) as {
    'absence-policy': Array<TestVector & { input: AbsencePolicyInput }>;
  };
  const outsideSummer = vectors['absence-policy'].filter((vector) => !/-0[78]-/.test(vector.input.date));
  expect(outsideSummer.length).toBeGreaterThanOrEqual(3);
  for (const vector of outsideSummer)
    expect(vector.output, vector.name).toEqual(builtInAbsencePolicy(vector.input));
});

it('absences-ete (Go) answers a garden rule it has no words for as that rule, in words that fit any rule', async () => {
  // The input schema knows no such rule today; a rule the hook gains within its version (as
  // `credited` was, extensions/README « Versions ») reaches modules before they know it.
  const vectors = JSON.parse(
    readFileSync(join(import.meta.dirname, 'absences-ete', 'test-vectors.json'), 'utf8'),
  ) as { 'absence-policy': Array<TestVector & { input: AbsencePolicyInput }> };
  const vector = vectors['absence-policy'][0]!;
  const input = { ...vector.input, rules: { ...vector.input.rules, absencePolicy: 'shared' } };
  const answer = await plugins.get('absences-ete')?.call('absence_policy', JSON.stringify(input));
  expect(answer ? JSON.parse(answer.text()) : undefined).toEqual({
    decision: 'shared',
    reason: {
      fr: 'Le panier d’un adhérent absent suit la règle du jardin.',
      en: "An absent member's basket follows the garden's rule.",
    },
  });
});
