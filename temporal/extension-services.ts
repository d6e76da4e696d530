import { s3ClientFrom, type DocumentSettings } from '../adapters/aws.ts';
import type { Store } from '../adapters/store/index.ts';
import { createExtensionServices, type ExtensionServices } from '../activities/extensions/services.ts';

export type { ExtensionServices } from '../activities/extensions/services.ts';
export type { HookAnswer } from '../activities/extensions/hook-runner.ts';

/**
 * The extension catalogue and hook runner of a process (the API's, the worker's), over the
 * documents bucket's S3 and the process's store: built once, closed with the process.
 */
export function extensionServicesFrom(settings: DocumentSettings, store: Store): ExtensionServices {
  return createExtensionServices({ store, s3: s3ClientFrom(settings), bucket: settings.S3_BUCKET });
}
