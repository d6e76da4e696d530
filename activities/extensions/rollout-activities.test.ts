// The rollout's static check of a module's memory against its hooks' own limits, over the real
// catalogue (S3 on versitygw, DynamoDB Local): a module that starts with more memory than the
// host's default gives every call is accepted for a hook that allows it (accounting-export,
// 1,024 pages), refused for a hook with the default limits (512 pages). And its self-tests: a
// version with no case at all (no test vector, no golden case for its hooks) fails them, so it
// never reaches approval; every sample that ships test vectors passes them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailerSettings, mailerFrom } from '../../adapters/messaging/mailer.ts';
import type { Store } from '../../adapters/store/index.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { defaultLimits } from '../../extensions/host/host.ts';
import { hooks, type HookName } from '../../extensions/hooks/index.ts';
import { createTestGarden, testEnvironment, testStore } from '../../tests/support/environment.ts';
import { samplesDir } from '../../extensions/build-samples.ts';
import { priceInput, sampleUpload, testExtensionServices } from '../../tests/support/extensions.ts';
import { createRolloutActivities, moduleMaxPages, noCaseRan } from './rollout-activities.ts';
import type { ExtensionServices } from './services.ts';

const admin = { userId: 'u-admin', name: 'Claire Vuillemin' };

function leb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? byte | 0x80 : byte);
  } while (rest > 0);
  return out;
}

/** A hand-made module exporting a hook's function (returns 0), whose memory starts at `pages`. */
function moduleStartingAt(pages: number, hook: HookName): Uint8Array {
  const name = [...new TextEncoder().encode(hooks[hook].exportName)];
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x00, 0x01, 0x7f]), // one type: () -> i32
    ...section(3, [0x01, 0x00]), // one function of it
    ...section(5, [0x01, 0x00, ...leb(pages)]), // one memory, no maximum
    ...section(7, [0x01, ...leb(name.length), ...name, 0x00, 0x00]), // the function, as the hook
    ...section(10, [0x01, 0x04, 0x00, 0x41, 0x00, 0x0b]), // i32.const 0
  ]);
}

describe("a module's memory at start, against its hooks' limits", () => {
  it('allows the largest of its hooks: their own, or the default', () => {
    expect(hooks['accounting-export'].limits?.maxPages).toBe(1024);
    expect(moduleMaxPages(['accounting-export'], 512)).toBe(1024);
    expect(moduleMaxPages(['solidarity-price'], 512)).toBe(512);
    expect(moduleMaxPages(['solidarity-price', 'accounting-export'], 512)).toBe(1024);
    expect(moduleMaxPages([], 512)).toBe(512);
    expect(moduleMaxPages(['no-such-hook'], 256)).toBe(256);
  });

  describe('in the rollout', () => {
    let store: Store;
    let services: ExtensionServices;

    beforeAll(async () => {
      store = await testStore();
      services = testExtensionServices(store);
    });
    afterAll(async () => {
      await services?.close();
      store?.close();
    });

    async function check(gardenId: string, name: string, hook: HookName, pages: number) {
      const manifest = { name, version: '1.0.0', hooks: [hook], author: 'Jardin de test' };
      await services.catalogue.upload(
        gardenId,
        { manifest, testVectors: {}, module: moduleStartingAt(pages, hook) },
        { by: admin, at: new Date().toISOString() },
      );
      const activities = createRolloutActivities({
        extensions: services,
        gardens: store.gardens,
        mailer: mailerFrom(readConfiguration(MailerSettings, testEnvironment())),
        publicUrl: 'http://localhost:8080',
      });
      const answer = await activities.checkExtensionVersion({ gardenId, name, version: '1.0.0' });
      const record = await services.catalogue.records.version(gardenId, name, '1.0.0');
      return { answer, record };
    }

    it('accepts 600 pages for accounting-export (1,024 allowed), refuses them for solidarity-price (512)', async () => {
      // The host's default, which a hook without limits of its own gets.
      expect(defaultLimits.maxPages).toBe(512);
      const { gardenId } = await createTestGarden(store, 'ext-memory');

      const accepted = await check(gardenId, 'grand-export', 'accounting-export', 600);
      expect(accepted.answer).toEqual({ passed: true });
      expect(accepted.record?.staticCheck).toMatchObject({
        passed: true,
        memoryProblems: [],
        missingExports: [],
        forbiddenImports: [],
      });
      expect(accepted.record?.status).toBe('uploaded');
      // As the host, which starts it for that hook: it runs (and answers nothing, as written).
      const exportInput = { from: '2026-01', to: '2026-12', garden: { name: 'Jardin' }, payments: [] };
      const ran = await services.runner.runVersion(
        gardenId,
        accepted.record!,
        'accounting-export',
        exportInput,
      );
      expect(ran.failure?.kind).toBe('invalid-output');

      const refused = await check(gardenId, 'grand-tarif', 'solidarity-price', 600);
      expect(refused.answer).toEqual({ passed: false });
      expect(refused.record?.staticCheck).toMatchObject({
        passed: false,
        memoryProblems: ["The module's memory starts at 600 pages (37.5 MiB), above the limit of 512."],
        missingExports: [],
      });
      expect(refused.record?.status).toBe('checks-failed');
      // The host could not have started it for that hook.
      const priced = await services.runner.runVersion(
        gardenId,
        refused.record!,
        'solidarity-price',
        priceInput,
      );
      expect(priced.failure?.kind).toBe('load-failed');

      // Past the accounting-export hook's own limit, refused for it too.
      const tooBig = await check(gardenId, 'trop-grand-export', 'accounting-export', 1025);
      expect(tooBig.answer).toEqual({ passed: false });
      expect(tooBig.record?.staticCheck?.memoryProblems).toEqual([
        "The module's memory starts at 1025 pages (64.0625 MiB), above the limit of 1024.",
      ]);
    });
  });
});

describe('the self-tests of a version', () => {
  let store: Store;
  let services: ExtensionServices;
  let activities: ReturnType<typeof createRolloutActivities>;

  beforeAll(async () => {
    store = await testStore();
    services = testExtensionServices(store);
    activities = createRolloutActivities({
      extensions: services,
      gardens: store.gardens,
      mailer: mailerFrom(readConfiguration(MailerSettings, testEnvironment())),
      publicUrl: 'http://localhost:8080',
    });
  });
  afterAll(async () => {
    await services?.close();
    store?.close();
  });

  const upload = (gardenId: string, sample: Awaited<ReturnType<typeof sampleUpload>>) =>
    services.catalogue.upload(gardenId, sample, { by: admin, at: new Date().toISOString() });

  it('fails a version with no case at all, saying why and what to add; a golden case is enough', async () => {
    const { gardenId } = await createTestGarden(store, 'ext-no-case');
    const quotient = await sampleUpload('quotient-familial');
    const untested = { ...quotient, testVectors: {} };
    await upload(gardenId, untested);
    const ref = { gardenId, name: 'quotient-familial', version: '1.0.0' };

    expect(await activities.selfTestExtensionVersion(ref)).toEqual({ passed: false, total: 0, failed: 0 });
    const record = await services.catalogue.records.version(gardenId, ref.name, ref.version);
    expect(record?.status).toBe('self-tests-failed');
    expect(record?.selfTests).toMatchObject({ passed: false, total: 0, failed: 0, results: [] });
    const said = record?.history.at(-1)?.what;
    expect(said).toEqual(noCaseRan(['solidarity-price']));
    expect(said?.fr).toContain('une extension sans aucun cas ne peut pas être jugée');
    expect(said?.en).toContain('an extension with no case cannot be judged; add test vectors');
    // Asked again (an activity's retry), the same answer from the record.
    expect(await activities.selfTestExtensionVersion(ref)).toEqual({ passed: false, total: 0, failed: 0 });

    // The same module without vectors, in a garden with a golden case for its hook: one case ran.
    const other = await createTestGarden(store, 'ext-golden-only');
    const [vector] = quotient.testVectors['solidarity-price']!;
    await services.catalogue.records.addGoldenCase(other.gardenId, {
      id: 'g1',
      hook: 'solidarity-price',
      name: vector!.name,
      input: vector!.input,
      output: vector!.output,
      added: { by: admin, at: new Date().toISOString() },
    });
    await upload(other.gardenId, untested);
    expect(await activities.selfTestExtensionVersion({ ...ref, gardenId: other.gardenId })).toEqual({
      passed: true,
      total: 1,
      failed: 0,
    });
  });

  it('passes every sample that ships test vectors, with each of its cases run', async () => {
    const samples = readdirSync(samplesDir).filter((name) =>
      existsSync(join(samplesDir, name, 'test-vectors.json')),
    );
    expect(samples.sort()).toEqual([
      'absences-ete',
      'ecritures-fec',
      'panier-solidaire',
      'quotient-familial',
    ]);
    const { gardenId } = await createTestGarden(store, 'ext-samples');
    for (const name of samples) {
      const sample = await sampleUpload(name);
      const cases = Object.values(sample.testVectors).flat().length;
      expect(cases, name).toBeGreaterThan(0);
      await upload(gardenId, sample);
      const ref = { gardenId, name: sample.manifest.name, version: sample.manifest.version };
      expect(await activities.selfTestExtensionVersion(ref), name).toEqual({
        passed: true,
        total: cases,
        failed: 0,
      });
    }
  }, 240_000);
});
