import type { S3Client } from '@aws-sdk/client-s3';
import { createExtensionCatalogue } from '../../adapters/store/extension-catalogue.ts';
import type { Store } from '../../adapters/store/index.ts';
import { createHookRunner, type HookRunnerOptions } from './hook-runner.ts';

export interface ExtensionServiceDeps {
  store: Store;
  s3: S3Client;
  /** The bucket of modules and gardens' configurations (the documents bucket). */
  bucket: string;
  runner?: Omit<HookRunnerOptions, 'catalogue'>;
}

/**
 * What a process needs of extensions, built once (the worker in `createActivities`, the API in
 * its services): the catalogue (S3 and DynamoDB) and the hook runner with its shared host.
 */
export function createExtensionServices(deps: ExtensionServiceDeps) {
  const catalogue = createExtensionCatalogue({
    s3: deps.s3,
    bucket: deps.bucket,
    db: deps.store.db,
    tables: deps.store.tables,
  });
  const runner = createHookRunner({ catalogue, ...deps.runner });
  return { catalogue, runner, close: () => runner.close() };
}
export type ExtensionServices = ReturnType<typeof createExtensionServices>;
