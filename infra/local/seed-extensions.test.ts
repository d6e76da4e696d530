import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../adapters/store/index.ts';
import { createExtensionCatalogue } from '../../adapters/store/extension-catalogue.ts';
import { S3Client } from '@aws-sdk/client-s3';
import { createTestGarden, testEnvironment, testStore } from '../../tests/support/environment.ts';
import { demoExtensions } from '../demo/demo-extensions.ts';
import { seedExtensions } from './seed-extensions.ts';

/** The demo's extensions: Val du Doubs' two samples, uploaded and active, once. */
describe('demo extensions', () => {
  let store: Store;
  let gardenId: string;

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'demo-extensions'));
  });
  afterAll(() => store?.close());

  it('has Val du Doubs run quotient-familial and panier-solidaire', () => {
    expect(demoExtensions['val-du-doubs']).toEqual(['quotient-familial', 'panier-solidaire']);
  });

  it('builds, uploads and activates them, and changes nothing the second time', async () => {
    const env = testEnvironment();
    const plan = { [gardenId]: demoExtensions['val-du-doubs'] ?? [] };
    // Each active sample gets a rollout (so that an admin can roll it back), at every start.
    const adopted: string[] = [];
    const adopt = async (garden: string, name: string, version: string) => {
      adopted.push(`${garden}/${name}@${version}`);
    };
    expect(await seedExtensions(env, store, plan, adopt)).toEqual([
      `${gardenId}/quotient-familial@1.0.0`,
      `${gardenId}/panier-solidaire@1.0.0`,
    ]);
    expect(adopted).toEqual([`${gardenId}/quotient-familial@1.0.0`, `${gardenId}/panier-solidaire@1.0.0`]);
    const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
    const catalogue = createExtensionCatalogue({
      s3,
      bucket: env.S3_BUCKET ?? 'cocagne-documents',
      db: store.db,
      tables: store.tables,
    });
    const set = await catalogue.activeSet(gardenId);
    expect(set.active.map((active) => [active.name, active.hooks])).toEqual([
      ['quotient-familial', ['solidarity-price']],
      ['panier-solidaire', ['sign-up-checks']],
    ]);
    const versions = await catalogue.records.versions(gardenId);
    expect(versions.map((version) => [version.name, version.status]).sort()).toEqual([
      ['panier-solidaire', 'active'],
      ['quotient-familial', 'active'],
    ]);

    expect(await seedExtensions(env, store, plan, adopt)).toEqual([]);
    expect(adopted).toHaveLength(4);
    expect((await catalogue.activeSet(gardenId)).revision).toBe(set.revision);
    s3.destroy();
  });
});
