import { Ajv, type ValidateFunction } from 'ajv';
import { s3ClientFrom, type DocumentSettings } from '../adapters/aws.ts';
import { schemaDocument, type HookName } from '../extensions/hooks/index.ts';
import type { Store } from '../adapters/store/index.ts';
import type { MetricsPublisher } from '../adapters/metrics/cloudwatch-metrics.ts';
import { createExtensionServices, type ExtensionServices } from '../activities/extensions/services.ts';

export type { ExtensionServices } from '../activities/extensions/services.ts';
export type { HookAnswer } from '../activities/extensions/hook-runner.ts';

/**
 * The extension catalogue and hook runner of a process (the API's, the worker's), over the
 * documents bucket's S3 and the process's store: built once, closed with the process.
 */
export function extensionServicesFrom(
  settings: DocumentSettings,
  store: Store,
  metrics?: MetricsPublisher,
): ExtensionServices {
  return createExtensionServices({
    store,
    s3: s3ClientFrom(settings),
    bucket: settings.S3_BUCKET,
    ...(metrics ? { runner: { metrics } } : {}),
  });
}

export { hookNames, hooks, isHookName } from '../extensions/hooks/index.ts';
export { moduleMaxBytes } from '../activities/extensions/rollout-activities.ts';

const inputValidators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ allErrors: true, strict: false });

/** What is wrong with an input for a hook, against its JSON Schema (none: it fits). */
export function hookInputProblems(hook: HookName, input: unknown): string[] {
  let validate = inputValidators.get(hook);
  if (!validate) inputValidators.set(hook, (validate = ajv.compile(schemaDocument(hook, 'input'))));
  if (validate(input)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}

/** Whether bytes are a WebAssembly module the engine can compile (checked before anything is stored). */
export function isWebAssembly(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return false;
  }
  try {
    new WebAssembly.Module(bytes);
    return true;
  } catch {
    return false;
  }
}
