/**
 * How many open workflows one worker process serves on this machine (issue 18, part 3).
 *
 *   node --expose-gc bench/worker-capacity.ts [--open 1000,2000,10000:2000] [--cache 10000]
 *
 * `--open` lists the levels: open workflows, and after a colon that level's `maxCachedWorkflows`
 * (--cache when absent).
 *
 * For each level, in the bench's own tables (`cocagne-bench-*`) and a garden of its own
 * (`bench-g1NN`, bench/seed.ts, its day-before reminders off so no notice goes to members who do not
 * exist), one worker with the real activities and `maxCachedWorkflows` = --cache:
 * 1. starts that many subscription workflows from their records (as a restore does), and waits
 *    until the worker has run each one's first task and holds them in its cache;
 * 2. reads the process's resident memory before and after (after a full GC): the difference per
 *    cached workflow;
 * 3. the week preparation burst: the garden's week is prepared (the week workflow, its planning
 *    activities, its summary) while all its subscriptions are open;
 * 4. the wake-up burst: the garden's settings change, and every subscription reads them again at
 *    once (a workflow task and an activity each): the worst moment of a garden's week;
 * reading, for each burst, the SDK's own schedule-to-start latencies of workflow and activity
 * tasks (the same metrics production publishes, temporal/sdk-metrics.ts).
 * The workflows are terminated after each level. Figures: bench/README.md (« Worker capacity »).
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  MetricsBuffer,
  NativeConnection,
  Runtime,
  Worker,
} from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { ensureTables } from '../adapters/store/tables.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { finalStatuses } from '../domain/subscription.ts';
import { startSubscription } from '../infra/disaster-recovery/garden-restore.ts';
import { ActivitySettings, activityDepsFrom, closeActivityDeps } from '../temporal/activity-deps.ts';
import { createWeekCommands } from '../temporal/week-client.ts';
import { workflowsPath } from '../temporal/workflow-source.ts';
import { testDataConverter } from '../tests/support/environment.ts';
import { gardenSettingsChangedSignal, subscriptionWorkflowId } from '../workflows/subscription/contract.ts';
import { weekPreparationId, weekPreparationType } from '../workflows/week/contract.ts';
import { deliveryWeekKey, gardenIdKey } from '../workflows/search-attributes.ts';
import { benchEnvironment, endRunningWorkflows } from './bench-environment.ts';
import { benchGardenId, seedGarden, withoutDayBeforeReminders } from './seed.ts';

const { values: options } = parseArgs({
  options: {
    open: { type: 'string', default: '1000,2000,10000:2000' },
    cache: { type: 'string', default: '10000' },
    prefix: { type: 'string', default: 'cocagne-bench' },
    lanes: { type: 'string', default: '32' },
  },
});
const levels = options.open.split(',').map((level) => {
  const [open, cache] = level.split(':');
  return { open: Number(open), cache: Number(cache ?? options.cache) };
});
const lanes = Number(options.lanes);

const env = benchEnvironment(options.prefix);
const buffer = new MetricsBuffer({ maxBufferSize: 200_000, useSecondsForDurations: false });
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: {
    logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } },
    metrics: { buffer },
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => bytes / 1_048_576;
const gc = (globalThis as { gc?: () => void }).gc;
async function settledRss(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    gc?.();
    await sleep(300);
  }
  return process.memoryUsage().rss;
}
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
async function pool<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}
/**
 * The SDK's schedule-to-start observations (ms), drained from its buffer every second (it
 * holds every metric update: left alone for a 10,000-workflow level, it filled and dropped some).
 */
const observed = { workflow: [] as number[], activity: [] as number[] };
function drainMetrics(): void {
  for (const update of buffer.retrieveUpdates()) {
    const name = update.metric.name.replace(/^temporal_/, '');
    if (name === 'workflow_task_schedule_to_start_latency') observed.workflow.push(update.value);
    if (name === 'activity_schedule_to_start_latency') observed.activity.push(update.value);
  }
}
setInterval(drainMetrics, 1_000).unref();
/** The observations since the last call. */
function latencies(): { workflow: number[]; activity: number[] } {
  drainMetrics();
  const found = { workflow: observed.workflow.splice(0), activity: observed.activity.splice(0) };
  return found;
}

async function main() {
  const deps = activityDepsFrom(readConfiguration(ActivitySettings, env));
  const { store } = deps;
  const db = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  await ensureTables(db, store.tables);
  db.destroy();
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: testDataConverter(),
  });
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') });
  const cpu = cpus();
  console.log(
    `Worker capacity bench — ${new Date().toISOString()} — ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
      `${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}` +
      `${gc ? '' : ' (no --expose-gc: memory figures are rougher)'}\n`,
  );
  const rows: string[] = [];
  const today = gardenDay(new Date());
  const week = isoWeek(addDays(today, 7));

  for (const [index, { open, cache: cacheSize }] of levels.entries()) {
    const gardenId = benchGardenId(100 + index);
    let started = performance.now();
    await seedGarden(store, 100 + index, { today, week, running: open });
    await withoutDayBeforeReminders(store, gardenId);
    const subscriptions = (await store.subscriptions.list(gardenId)).filter(
      (subscription) => !finalStatuses.includes(subscription.status),
    );
    console.log(
      `${gardenId}: ${subscriptions.length} open subscriptions seeded (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );

    // What an interrupted run left running would never enter this run's cache: ended first.
    await endRunningWorkflows(client, gardenId, 'bench restarted');
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS }),
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: gardenTaskQueue(gardenId),
      dataConverter: testDataConverter(),
      workflowBundle: bundle,
      activities: createActivities(deps),
      maxCachedWorkflows: cacheSize,
    });
    const running = worker.run();
    const idle = async () => {
      // Idle for a second: nothing in flight, three looks in a row.
      for (let calm = 0; calm < 3;) {
        const status = worker.getStatus();
        calm =
          status.numInFlightWorkflowActivations === 0 && status.numInFlightActivities === 0 ? calm + 1 : 0;
        await sleep(350);
      }
    };
    await sleep(1_000);
    const rssBefore = await settledRss();

    started = performance.now();
    await pool(subscriptions, (subscription) => startSubscription(client, subscription));
    const startSeconds = (performance.now() - started) / 1000;
    const target = Math.min(subscriptions.length, cacheSize);
    // Until the cache holds them all, or stops growing for 20 s (a workflow may end at once).
    for (let last = -1, still = 0; worker.getStatus().numCachedWorkflows < target && still < 80;) {
      const now = worker.getStatus().numCachedWorkflows;
      still = now === last ? still + 1 : 0;
      last = now;
      await sleep(250);
    }
    await idle();
    const firstTasksSeconds = (performance.now() - started) / 1000;
    const cached = worker.getStatus().numCachedWorkflows;
    const rssAfter = await settledRss();
    const perWorkflow = (rssAfter - rssBefore) / Math.max(cached, 1);
    latencies();

    // The week preparation, with every subscription open.
    started = performance.now();
    const weeks = createWeekCommands(client);
    // Started anew even if an earlier run of the bench prepared this week (as staff would).
    await client.workflow.start(weekPreparationType, {
      taskQueue: gardenTaskQueue(gardenId),
      workflowId: weekPreparationId(gardenId, week),
      args: [{ gardenId, week, timeZone: 'Europe/Paris' }],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [
        { key: gardenIdKey, value: gardenId },
        { key: deliveryWeekKey, value: week },
      ],
    });
    for (;;) {
      const progress = await weeks.progress(gardenId, week).catch(() => undefined);
      if (progress && progress.phase !== 'planning') break;
      await sleep(100);
    }
    await idle();
    const weekSeconds = (performance.now() - started) / 1000;
    const weekBurst = latencies();

    // The wake-up: every subscription hears of a settings change at once.
    started = performance.now();
    await pool(subscriptions, (subscription) =>
      client.workflow
        .getHandle(subscriptionWorkflowId(gardenId, subscription.id))
        .signal(gardenSettingsChangedSignal),
    );
    await idle();
    const wakeSeconds = (performance.now() - started) / 1000;
    const wake = latencies();
    const rssPeak = mb(process.memoryUsage().rss);

    const p = (values: number[]) =>
      `${percentile(values, 50).toFixed(0)} / ${percentile(values, 99).toFixed(0)} ms (${values.length})`;
    const row = [
      String(subscriptions.length),
      `${cached} of ${cacheSize}`,
      `${(subscriptions.length / startSeconds).toFixed(0)}/s`,
      `${firstTasksSeconds.toFixed(1)} s`,
      `${mb(rssBefore).toFixed(0)} → ${mb(rssAfter).toFixed(0)} MB`,
      `${(perWorkflow / 1024).toFixed(0)} KB`,
      `${weekSeconds.toFixed(1)} s`,
      p(weekBurst.workflow),
      p(weekBurst.activity),
      `${wakeSeconds.toFixed(1)} s`,
      p(wake.workflow),
      p(wake.activity),
      `${rssPeak.toFixed(0)} MB`,
    ];
    rows.push(`| ${row.join(' | ')} |`);
    console.log(rows.at(-1));

    // Leave nothing running.
    const ids = [
      ...subscriptions.map((subscription) => subscriptionWorkflowId(gardenId, subscription.id)),
      weekPreparationId(gardenId, week),
    ];
    await pool(ids, (id) =>
      client.workflow
        .getHandle(id)
        .terminate('bench over')
        .catch(() => undefined),
    );
    await endRunningWorkflows(client, gardenId, 'bench over');
    worker.shutdown();
    await running;
  }
  console.log('');
  console.log(
    '| open | cached | starts | first tasks done | RSS before → after | per cached workflow | week prepared | its workflow tasks: schedule-to-start p50 / p99 | its activities | wake-up done | its workflow tasks | its activities | RSS at the end |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  await connection.close();
  closeActivityDeps(deps);
}

await main();
// The worker's native runtime keeps the process alive once the bench is over.
process.exit(process.exitCode ?? 0);
