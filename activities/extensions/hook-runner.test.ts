// The catalogue over the real local peers (S3 on versitygw, DynamoDB Local) and the hook runner
// over the real Extism host: uploads by content hash, the garden's active set in its
// configuration JSON, activations that never lose one another, calls and failures counted per
// version in DynamoDB, the built-in behaviour when nothing is active or the module fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../adapters/store/index.ts';
import { configurationKey } from '../../adapters/store/extension-modules.ts';
import { createTestGarden, testStore } from '../../tests/support/environment.ts';
import {
  priceInput,
  sampleUpload,
  testExtensionServices,
  type SampleUpload,
} from '../../tests/support/extensions.ts';
import type { ExtensionServices } from './services.ts';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { testEnvironment } from '../../tests/support/environment.ts';
import { metricsPublisherFrom, MetricsSettings } from '../../adapters/metrics/cloudwatch-metrics.ts';
import { customMetricNames } from '../../adapters/metrics/metric-names.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { metricStatistics } from '../../tests/support/moto.ts';

const admin = { userId: 'u-admin', name: 'Claire <b>Admin</b>' };
const act = (at: string) => ({ by: admin, at });

describe('the extension catalogue and the hook runner', () => {
  let store: Store;
  let services: ExtensionServices;
  let quotient: SampleUpload;
  let trap: SampleUpload;
  // The calls and fallbacks CloudWatch's alarm reads, published to moto as in production.
  const metrics = metricsPublisherFrom(
    readConfiguration(MetricsSettings, { ...testEnvironment(), METRICS_CLOUDWATCH: 'true' }),
  );

  beforeAll(async () => {
    store = await testStore();
    services = testExtensionServices(store, { activeSetTtlMs: 0, flushDelayMs: 0, metrics });
    [quotient, trap] = await Promise.all([sampleUpload('quotient-familial'), sampleUpload('hostile-trap')]);
  }, 120_000);
  afterAll(async () => {
    await services?.close();
    await metrics.close();
    store?.close();
  });

  it('answers with the built-in behaviour while nothing is active, then with the activated version', async () => {
    const { gardenId } = await createTestGarden(store, 'ext-runner');
    const { catalogue, runner } = services;
    expect(await catalogue.activeSet(gardenId)).toMatchObject({ gardenId, active: [], revision: 0 });
    const before = await runner.runHook(gardenId, 'solidarity-price', priceInput);
    expect(before).toMatchObject({ source: 'built-in', output: { tierId: null, basketPrice: 1700 } });

    const { record, created } = await catalogue.upload(gardenId, quotient, act('2026-12-01T10:00:00.000Z'));
    expect(created).toBe(true);
    expect(record).toMatchObject({ status: 'uploaded', name: 'quotient-familial', version: '1.0.0' });
    expect(record.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Uint8Array(await catalogue.moduleBytes(record.contentHash))).toEqual(quotient.module);
    // The same upload again changes nothing.
    expect((await catalogue.upload(gardenId, quotient, act('2026-12-01T11:00:00.000Z'))).created).toBe(false);

    const { set } = await catalogue.activate(gardenId, 'quotient-familial', '1.0.0', {
      at: '2026-12-01T12:00:00.000Z',
      probationEndsAt: '2026-12-08T12:00:00.000Z',
    });
    expect(set).toMatchObject({
      revision: 1,
      active: [{ name: 'quotient-familial', contentHash: record.contentHash }],
    });
    // The garden's configuration JSON in S3 holds it, so the garden can be rebuilt from S3.
    const env = testEnvironment();
    const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: env.S3_BUCKET ?? 'cocagne-documents', Key: configurationKey(gardenId) }),
    );
    expect(JSON.parse(await stored.Body!.transformToString())).toMatchObject({ gardenId, extensions: set });
    s3.destroy();

    const after = await runner.runHook(gardenId, 'solidarity-price', priceInput);
    expect(after).toMatchObject({
      source: 'extension',
      extension: { name: 'quotient-familial', version: '1.0.0' },
      output: { tierId: 'solidaire', basketPrice: 850 },
    });
    await runner.flush();
    expect(await catalogue.records.callFigures(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
      calls: 1,
      failures: 0,
    });
    await metrics.flush();
    const { namespace, calls, fallbacks } = customMetricNames.extensions;
    expect(await metricStatistics(namespace, calls, [{ Name: 'Garden', Value: gardenId }])).toMatchObject({
      sum: 1,
    });
    expect(
      await metricStatistics(namespace, fallbacks, [{ Name: 'Garden', Value: gardenId }]),
    ).toBeUndefined();
    expect(
      (await catalogue.records.recentInputs(gardenId, 'solidarity-price')).map((kept) => kept.input),
    ).toEqual([priceInput, priceInput]);
    expect(await catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
      status: 'probation',
      history: [{ what: { en: 'Version uploaded.' } }, { what: { en: 'Activated for the garden.' } }],
    });
  });

  it('falls back to the built-in behaviour when the module fails, and counts each failure in DynamoDB', async () => {
    const { gardenId } = await createTestGarden(store, 'ext-failing');
    const { catalogue, runner } = services;
    const failing = { ...trap, manifest: { ...trap.manifest, name: 'tarif-casse', version: '2.0.0' } };
    await catalogue.upload(gardenId, failing, act('2026-12-01T10:00:00.000Z'));
    await catalogue.activate(gardenId, 'tarif-casse', '2.0.0', { at: '2026-12-01T10:00:00.000Z' });
    const answers = await Promise.all(
      [1, 2, 3].map(() => runner.runHook(gardenId, 'solidarity-price', priceInput)),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({
        source: 'built-in',
        output: { tierId: null, basketPrice: 1700 },
        failure: { kind: 'trap' },
        extension: { name: 'tarif-casse', version: '2.0.0' },
      });
    }
    await runner.flush();
    expect(await catalogue.records.callFigures(gardenId, 'tarif-casse', '2.0.0')).toMatchObject({
      calls: 3,
      failures: 3,
      byKind: { trap: 3 },
      lastFailure: { kind: 'trap', hook: 'solidarity-price' },
    });
    // And in CloudWatch, per garden (the alarm reads the series of all gardens, sent with it).
    await metrics.flush();
    const { namespace, calls, fallbacks } = customMetricNames.extensions;
    const garden = [{ Name: 'Garden', Value: gardenId }];
    expect(await metricStatistics(namespace, calls, garden)).toMatchObject({ sum: 3 });
    expect(await metricStatistics(namespace, fallbacks, garden)).toMatchObject({ sum: 3 });
  });

  it('keeps both of two activations made at once (revision checked), and rolls one back', async () => {
    const { gardenId } = await createTestGarden(store, 'ext-race');
    const { catalogue } = services;
    const other = await sampleUpload('panier-solidaire');
    await catalogue.upload(gardenId, quotient, act('2026-12-01T10:00:00.000Z'));
    await catalogue.upload(gardenId, other, act('2026-12-01T10:00:00.000Z'));
    await Promise.all([
      catalogue.activate(gardenId, 'quotient-familial', '1.0.0', { at: '2026-12-01T12:00:00.000Z' }),
      catalogue.activate(gardenId, 'panier-solidaire', other.manifest.version, {
        at: '2026-12-01T12:00:00.000Z',
      }),
    ]);
    const set = await catalogue.activeSet(gardenId);
    expect(set.revision).toBe(2);
    expect(set.active.map((entry) => entry.name).sort()).toEqual(['panier-solidaire', 'quotient-familial']);

    const back = await catalogue.rollback(gardenId, 'quotient-familial', '1.0.0', {
      at: '2026-12-02T12:00:00.000Z',
      reason: { fr: 'Essai', en: 'Trial' },
      by: admin,
    });
    expect(back.rolledBack).toBe(true);
    expect(back.set.active.map((entry) => entry.name)).toEqual(['panier-solidaire']);
    // Rolled back already: nothing changes.
    const again = await catalogue.rollback(gardenId, 'quotient-familial', '1.0.0', {
      at: '2026-12-02T12:00:00.000Z',
      reason: { fr: 'Essai', en: 'Trial' },
    });
    expect(again).toMatchObject({ rolledBack: false, set: { revision: 3 } });
    expect(await catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
      status: 'rolled-back',
      rollback: { by: admin, reason: { en: 'Trial' } },
    });
  });

  it('refuses the same version uploaded again with another module', async () => {
    const { gardenId } = await createTestGarden(store, 'ext-dup');
    await services.catalogue.upload(gardenId, quotient, act('2026-12-01T10:00:00.000Z'));
    const changed = { ...trap, manifest: quotient.manifest };
    await expect(
      services.catalogue.upload(gardenId, changed, act('2026-12-01T10:00:00.000Z')),
    ).rejects.toMatchObject({
      code: 'duplicate',
    });
  });
  it('finishes a rollback whose set was written but whose records were not (a retried activity)', async () => {
    const { gardenId } = await createTestGarden(store, 'ext-retry');
    const { catalogue } = services;
    await catalogue.upload(gardenId, quotient, act('2026-12-01T10:00:00.000Z'));
    await catalogue.activate(gardenId, 'quotient-familial', '1.0.0', { at: '2026-12-01T12:00:00.000Z' });
    // The first attempt changed the set, then failed before the records.
    await catalogue.modules.changeActiveSet(gardenId, (set) => ({ ...set, active: [] }));
    const retried = await catalogue.rollback(gardenId, 'quotient-familial', '1.0.0', {
      at: '2026-12-02T12:00:00.000Z',
      reason: { fr: 'Taux d’erreur', en: 'Error rate' },
    });
    expect(retried.rolledBack).toBe(true);
    expect(await catalogue.records.version(gardenId, 'quotient-familial', '1.0.0')).toMatchObject({
      status: 'rolled-back',
    });
  });
});
