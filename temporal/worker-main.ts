// The worker process: runs every garden's workflows and activities.
import Type from 'typebox';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  createActivities,
  createHistoryArchiveActivities,
  createProvisioningActivities,
} from '../activities/index.ts';
import { createHistoryArchive } from '../adapters/store/history-archive.ts';
import { createArchiveSchedule } from './archive-schedule.ts';
import { createRetentionSchedules } from './retention-schedules.ts';
import { readConfiguration } from '../domain/configuration.ts';
import {
  ActivitySettings,
  activityDepsFrom,
  closeActivityDeps,
  NetworkSettings,
  provisioningPortsFrom,
} from './activity-deps.ts';
import { gardenStateOf, networkTaskQueue } from '../domain/garden.ts';
import { createGardenWorkers } from './garden-workers.ts';
import { startHealthServer } from './worker-health.ts';
import { connectionOptions, dataConverterFrom, TemporalSettings } from './settings.ts';
import { workflowSource } from './workflow-source.ts';
import { MetricsSettings, metricsPublisherFrom } from '../adapters/metrics/cloudwatch-metrics.ts';
import { installRuntimeWithMetrics } from './sdk-metrics.ts';
import { customMetricNames } from '../adapters/metrics/metric-names.ts';
import { refreshDeployedGardens } from '../activities/provisioning/garden-refresh.ts';

const WorkerSettings = Type.Object({
  ...TemporalSettings.properties,
  ...MetricsSettings.properties,
  ...ActivitySettings.properties,
  ...NetworkSettings.properties,
  WORKFLOW_BUNDLE_PATH: Type.Optional(Type.String()),
  GARDEN_REFRESH_SECONDS: Type.Integer({ minimum: 1, default: 15 }),
  /** Comma-separated garden ids this process serves; every registered garden when unset. */
  WORKER_GARDENS: Type.Optional(Type.String()),
  /**
   * Workflows each garden's worker keeps cached (about 1.1 MB each, bench/README.md); a garden's
   * Deployment sets it from its pod's memory. The SDK's default when unset.
   */
  WORKER_MAX_CACHED_WORKFLOWS: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  /**
   * Also serve the network's queue (creating and retiring gardens): by default only a process
   * that serves every garden does; a garden's own deployment never does.
   */
  WORKER_NETWORK: Type.Optional(Type.Boolean()),
  /**
   * Serve the network's queue and no garden (production's network worker: each garden has its
   * own Deployment, and a garden's workflows and extensions never run outside its namespace).
   */
  WORKER_NETWORK_ONLY: Type.Optional(Type.Boolean()),
  /**
   * Once serving the network's queue, apply again every garden the provisioning workflow
   * deployed, so they run this release's image and profile (production's network worker).
   */
  GARDEN_REFRESH_ON_START: Type.Boolean({ default: false }),
  /** Port of `/livez` and `/readyz` (8081 in a garden's pod); no HTTP at all when unset. */
  WORKER_HEALTH_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** 0.0.0.0 in a pod, where the kubelet probes the pod's address; loopback elsewhere. */
  WORKER_HEALTH_HOST: Type.Union([Type.Literal('127.0.0.1'), Type.Literal('0.0.0.0')], {
    default: '127.0.0.1',
  }),
});

const settings = readConfiguration(WorkerSettings, process.env);
const log = (message: string) => console.log(`[worker] ${message}`);
if (
  settings.WORKER_NETWORK_ONLY &&
  (settings.WORKER_GARDENS !== undefined || settings.WORKER_NETWORK === false)
) {
  console.error(
    "WORKER_NETWORK_ONLY=true serves the network's queue and no garden: leave WORKER_GARDENS and WORKER_NETWORK unset.",
  );
  process.exit(1);
}

// Custom metrics (workflow task failures and latency, extension fallbacks) for CloudWatch's
// alarms: the Temporal runtime buffers its own, installed before the first connection.
const metrics = metricsPublisherFrom(settings, (message) => log(`metrics: ${message}`));
if (settings.METRICS_CLOUDWATCH) {
  installRuntimeWithMetrics(metrics);
  log(`publishing metrics to CloudWatch every ${settings.METRICS_FLUSH_SECONDS} s`);
}
const deps = { ...activityDepsFrom(settings), metrics };
const connection = await NativeConnection.connect(connectionOptions(settings));
const workflows = await workflowSource(settings.WORKFLOW_BUNDLE_PATH);
// Workflow payloads sealed with the payload keys (names, emails, addresses never in clear).
const dataConverter = dataConverterFrom(settings);
const workers = createGardenWorkers({
  connection,
  dataConverter,
  namespace: settings.TEMPORAL_NAMESPACE,
  activities: createActivities(deps),
  workflows,
  gardens: deps.store.gardens,
  refreshIntervalMs: settings.GARDEN_REFRESH_SECONDS * 1000,
  maxCachedWorkflows: settings.WORKER_MAX_CACHED_WORKFLOWS,
  only: settings.WORKER_NETWORK_ONLY
    ? []
    : settings.WORKER_GARDENS?.split(',')
        .map((id) => id.trim())
        .filter(Boolean),
  log,
});

// The network's queue: its activities reach Temporal itself (the gardens' schedules and workflows).
const servesNetwork =
  settings.WORKER_NETWORK_ONLY === true || (settings.WORKER_NETWORK ?? settings.WORKER_GARDENS === undefined);
if (settings.WORKER_NETWORK_ONLY) log('serving no garden (WORKER_NETWORK_ONLY)');
const clientConnection = servesNetwork ? await Connection.connect(connectionOptions(settings)) : undefined;
const networkClient = clientConnection
  ? new Client({ connection: clientConnection, namespace: settings.TEMPORAL_NAMESPACE, dataConverter })
  : undefined;
const provisioning = networkClient ? provisioningPortsFrom(settings, deps, networkClient) : undefined;
const networkWorker =
  provisioning && networkClient
    ? await Worker.create({
        connection,
        namespace: settings.TEMPORAL_NAMESPACE,
        taskQueue: networkTaskQueue,
        workflowBundle: workflows,
        activities: {
          ...createProvisioningActivities(provisioning),
          // Closed histories to S3 before Temporal's retention deletes them (still sealed).
          ...createHistoryArchiveActivities({
            temporal: networkClient,
            archive: createHistoryArchive(deps.s3, deps.documentsBucket),
            leftNetwork: async (gardenId) => {
              const garden = await deps.store.gardens.get(gardenId);
              return garden !== undefined && ['retiring', 'retired'].includes(gardenStateOf(garden));
            },
          }),
        },
        ...(dataConverter ? { dataConverter } : {}),
      })
    : undefined;
const networkRun = networkWorker?.run();
if (networkWorker) log(`worker polling ${networkTaskQueue}`);
// The nightly archive of closed histories: its Schedule made or brought up to date (idempotent),
// in the background; tried for an hour at growing intervals while Temporal refuses, then left to
// the next start, with an error in the log.
if (networkWorker && networkClient) {
  const archiveSchedule = createArchiveSchedule(networkClient);
  void (async () => {
    for (let attempt = 1, waitMs = 5_000; ; attempt++, waitMs = Math.min(waitMs * 2, 600_000)) {
      try {
        await archiveSchedule.ensure();
        log('history archive schedule ensured');
        // Gardens made before the retention sweep existed get their nightly schedule here (a
        // garden provisioned since has it from its provisioning; ensuring again changes nothing).
        const retention = createRetentionSchedules(networkClient);
        for (const garden of await deps.store.gardens.list()) {
          if (gardenStateOf(garden) !== 'active') continue;
          await retention
            .ensure(garden.id, garden.timeZone)
            .catch((error: unknown) =>
              log(`ERROR retention schedule of ${garden.id} not ensured: ${String(error)}`),
            );
        }
        log('retention schedules ensured');
        return;
      } catch (error) {
        if (attempt >= 8) {
          log(`ERROR history archive schedule not ensured after ${attempt} attempts: ${String(error)}`);
          return;
        }
        log(`history archive schedule not ensured yet (attempt ${attempt}): ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
      }
    }
  })();
}

// This release reaches the gardens the workflow deployed (in the background: polling goes on).
if (settings.GARDEN_REFRESH_ON_START && provisioning?.cluster) {
  const { namespace, refreshFailures } = customMetricNames.gardens;
  void refreshDeployedGardens({
    gardens: deps.store.gardens,
    cluster: provisioning.cluster,
    identity: provisioning.identity,
    log,
    failed: () => metrics.count(namespace, refreshFailures),
  })
    .then(({ refreshed, skipped, failed }) =>
      log(
        `gardens brought to this release: ${refreshed.length} applied again, ${skipped.length} left (leaving or unknown), ${failed.length} failed`,
      ),
    )
    .catch((error: unknown) => {
      metrics.count(namespace, refreshFailures);
      log(`gardens not brought to this release: ${error instanceof Error ? error.message : String(error)}`);
    });
}

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
    if (networkWorker?.getState() === 'RUNNING') networkWorker.shutdown();
  });
}

try {
  // A failing worker stops the other too, so the process exits and restarts; the connections
  // are closed only once both have stopped (one still shutting down needs its connection).
  const stopped = await Promise.allSettled([
    workers.run().finally(() => {
      if (networkWorker?.getState() === 'RUNNING') networkWorker.shutdown();
    }),
    networkRun?.catch(async (error: unknown) => {
      await workers.stop();
      throw error;
    }),
  ]);
  const failure = stopped.find((run): run is PromiseRejectedResult => run.status === 'rejected');
  if (failure) throw failure.reason;
  log('stopped');
} finally {
  await clientConnection?.close();
  await health?.close();
  await connection.close();
  await metrics.close();
  closeActivityDeps(deps);
}
