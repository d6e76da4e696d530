import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentSettings, s3ClientFrom } from '../../adapters/aws.ts';
import { createExtensionCatalogue } from '../../adapters/store/extension-catalogue.ts';
import type { Store } from '../../adapters/store/index.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { activeFor } from '../../domain/extensions/catalogue.ts';
import type { TestVectors } from '../../domain/extension-rollout.ts';
import { buildSamples, samplesDir } from '../../extensions/build-samples.ts';
import { demoExtensionAdmin, demoExtensions } from '../demo/demo-extensions.ts';
import { say } from './log.ts';

/**
 * The demo gardens' sample extensions, uploaded and active (infra/demo/demo-extensions.ts); at
 * every start, so a stack seeded before gets them too. The samples are built here (a few
 * milliseconds when up to date): the seed runs before `npm start` builds them for the worker.
 * Returns what it activated (`garden/name@version`): nothing when all was already active.
 */
export async function seedExtensions(
  env: Record<string, string>,
  store: Store,
  plan: Record<string, readonly string[]> = demoExtensions,
  /** Gives each active sample a rollout, so that admins can roll it back (see `adopt`). */
  adopt?: (gardenId: string, name: string, version: string) => Promise<unknown>,
): Promise<string[]> {
  const activated: string[] = [];
  const names = [...new Set(Object.values(plan).flat())];
  const built = new Map((await buildSamples(names)).map((sample) => [sample.manifest.name, sample]));
  const s3 = s3ClientFrom(readConfiguration(DocumentSettings, env));
  try {
    const catalogue = createExtensionCatalogue({
      s3,
      bucket: env.S3_BUCKET ?? 'cocagne-documents',
      db: store.db,
      tables: store.tables,
    });
    for (const [gardenId, wanted] of Object.entries(plan)) {
      if (!(await store.gardens.get(gardenId))) continue;
      const set = await catalogue.activeSet(gardenId);
      for (const name of wanted) {
        const sample = built.get(name);
        if (!sample) continue;
        const { build: _build, ...manifest } = sample.manifest;
        const module = new Uint8Array(readFileSync(sample.wasmPath));
        const [hook] = manifest.hooks;
        const active = hook === undefined ? undefined : activeFor(set, hook);
        if (active?.name === name && active.contentHash === sample.sha256) {
          await adopt?.(gardenId, name, active.version);
          continue;
        }
        const testVectors = JSON.parse(
          readFileSync(join(samplesDir, name, 'test-vectors.json'), 'utf8'),
        ) as TestVectors;
        const at = new Date().toISOString();
        const { record } = await catalogue.upload(
          gardenId,
          { manifest, testVectors, module },
          { by: demoExtensionAdmin, at },
        );
        await catalogue.activate(gardenId, record.name, record.version, { at });
        await adopt?.(gardenId, record.name, record.version);
        activated.push(`${gardenId}/${name}@${record.version}`);
        say(`demo data: ${gardenId}: extension ${name} ${record.version} active`);
      }
    }
  } finally {
    s3.destroy();
  }
  return activated;
}
