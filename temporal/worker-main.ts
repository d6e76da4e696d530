// The worker process: runs every garden's workflows and activities.
import Type from 'typebox';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { ActivitySettings, activityDepsFrom, closeActivityDeps } from './activity-deps.ts';
import { createGardenWorkers } from './garden-workers.ts';
import { startHealthServer } from './worker-health.ts';
import { connectionOptions, TemporalSettings } from './settings.ts';
import { workflowSource } from './workflow-source.ts';

const WorkerSettings = Type.Object({
  ...TemporalSettings.properties,
  ...ActivitySettings.properties,
  WORKFLOW_BUNDLE_PATH: Type.Optional(Type.String()),
  GARDEN_REFRESH_SECONDS: Type.Integer({ minimum: 1, default: 15 }),
  /** Comma-separated garden ids this process serves; every registered garden when unset. */
  WORKER_GARDENS: Type.Optional(Type.String()),
  /** Port of `/livez` and `/readyz` (8081 in a garden's pod); no HTTP at all when unset. */
  WORKER_HEALTH_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** 0.0.0.0 in a pod, where the kubelet probes the pod's address; loopback elsewhere. */
  WORKER_HEALTH_HOST: Type.Union([Type.Literal('127.0.0.1'), Type.Literal('0.0.0.0')], {
    default: '127.0.0.1',
  }),
});

const settings = readConfiguration(WorkerSettings, process.env);
const log = (message: string) => console.log(`[worker] ${message}`);

const deps = activityDepsFrom(settings);
const connection = await NativeConnection.connect(connectionOptions(settings));
const workers = createGardenWorkers({
  connection,
  namespace: settings.TEMPORAL_NAMESPACE,
  activities: createActivities(deps),
  workflows: await workflowSource(settings.WORKFLOW_BUNDLE_PATH),
  gardens: deps.store.gardens,
  refreshIntervalMs: settings.GARDEN_REFRESH_SECONDS * 1000,
  only: settings.WORKER_GARDENS?.split(',')
    .map((id) => id.trim())
    .filter(Boolean),
  log,
});

const health =
  settings.WORKER_HEALTH_PORT === undefined
    ? undefined
    : await startHealthServer({
        port: settings.WORKER_HEALTH_PORT,
        host: settings.WORKER_HEALTH_HOST,
        status: () => workers.status(),
      });
if (health) log(`health probes on http://${settings.WORKER_HEALTH_HOST}:${health.port} (/livez, /readyz)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal} received, finishing current tasks…`);
    void workers.stop();
  });
}

try {
  await workers.run();
  log('stopped');
} finally {
  await health?.close();
  await connection.close();
  closeActivityDeps(deps);
}
