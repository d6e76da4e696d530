import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createExtensionServices, type ExtensionServices } from '../../activities/extensions/services.ts';
import type { HookRunnerOptions } from '../../activities/extensions/hook-runner.ts';
import type { Store } from '../../adapters/store/index.ts';
import { buildSamples, samplesDir } from '../../extensions/build-samples.ts';
import type { ExtensionManifest } from '../../domain/extensions/catalogue.ts';
import type { TestVectors } from '../../domain/extension-rollout.ts';
import { testEnvironment } from './environment.ts';

/** The extension services over the local stack (S3 on versitygw, the test tables). */
export function testExtensionServices(
  store: Store,
  runner: Omit<HookRunnerOptions, 'catalogue'> = { activeSetTtlMs: 0, flushDelayMs: 0 },
): ExtensionServices {
  const env = testEnvironment();
  return createExtensionServices({
    store,
    s3: new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true }),
    bucket: env.S3_BUCKET ?? 'cocagne-documents',
    runner: { host: { limits: { timeBudgetMs: 300 } }, ...runner },
  });
}

export interface SampleUpload {
  manifest: ExtensionManifest;
  testVectors: TestVectors;
  module: Uint8Array;
}

/** A sample extension as a garden uploads it: manifest, test vectors and built module. */
export async function sampleUpload(name: string): Promise<SampleUpload> {
  const [built] = await buildSamples([name]);
  if (!built) throw new Error(`No sample named ${name}`);
  const { build: _build, ...manifest } = built.manifest;
  let testVectors: TestVectors = {};
  try {
    testVectors = JSON.parse(
      readFileSync(join(samplesDir, name, 'test-vectors.json'), 'utf8'),
    ) as TestVectors;
  } catch {
    // The hostile samples ship none.
  }
  return { manifest, testVectors, module: new Uint8Array(readFileSync(built.wasmPath)) };
}

/**
 * A solidarity-price input: a household whose quotient familial (640) puts it in the garden's
 * solidarity tier with quotient-familial, and at full price with the built-in behaviour.
 */
export const priceInput = {
  basketSize: 'medium',
  frequency: 'weekly',
  household: { size: 3, quotientFamilial: 640 },
  prices: {
    basketPrices: { small: 1200, medium: 1700, large: 2300 },
    solidarityTiers: [
      { id: 'solidaire', label: 'Tarif solidaire', prices: { small: 600, medium: 850, large: 1150 } },
    ],
  },
};
