/**
 * How long the restore drill takes for a 1,000-subscription garden (issue 18, part 2).
 *
 *   node bench/restore-drill.ts [--subscriptions 1000] [--keep]
 *
 * Runs against the local stack (`npm run stack up`), in the bench's own tables
 * (`cocagne-bench-*`) and garden `bench-g000` (bench/seed.ts). It copies the garden as production
 * keeps it (objects and a DynamoDB export of each table), loses it (items, objects, schedules and
 * workflow histories deleted), restores it (infra/disaster-recovery), then waits until every
 * running subscription answers its workflow's query on a worker with the real activities, and
 * compares the records before and after. Its workflows are terminated at the end (--keep: not).
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import { createGardenConfigurationActivities } from '../activities/garden-configuration-activities.ts';
import { createGardenBlobs } from '../activities/provisioning/garden-configuration.ts';
import { s3ClientFrom, DocumentSettings } from '../adapters/aws.ts';
import { ensureTables } from '../adapters/store/tables.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { finalStatuses } from '../domain/subscription.ts';
import { copyGarden, loseGarden, type DrillStack } from '../infra/disaster-recovery/drill.ts';
import { gardenRecords } from '../infra/disaster-recovery/garden-records.ts';
import { restoreGarden } from '../infra/disaster-recovery/garden-restore.ts';
import { ActivitySettings, activityDepsFrom, closeActivityDeps } from '../temporal/activity-deps.ts';
import { createGardenSchedulesPort } from '../temporal/provisioning-ports.ts';
import { workflowsPath } from '../temporal/workflow-source.ts';
import { testDataConverter } from '../tests/support/environment.ts';
import { subscriptionQuery, subscriptionWorkflowId } from '../workflows/subscription/contract.ts';
import { benchEnvironment, endRunningWorkflows } from './bench-environment.ts';
import { benchGardenId, seedGarden, withoutDayBeforeReminders } from './seed.ts';

const { values: options } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '1000' },
    prefix: { type: 'string', default: 'cocagne-bench' },
    keep: { type: 'boolean', default: false },
  },
});

const env = benchEnvironment(options.prefix);
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
});

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const gardenId = benchGardenId(0);

async function main() {
  const deps = activityDepsFrom(readConfiguration(ActivitySettings, env));
  const { store } = deps;
  const db = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  await ensureTables(db, store.tables);
  const documents = readConfiguration(DocumentSettings, env);
  const s3 = s3ClientFrom(documents);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: testDataConverter(),
  });
  const stack: DrillStack = { db, store, s3, bucket: documents.S3_BUCKET, client };

  const cpu = cpus();
  console.log(
    `Restore drill bench — ${new Date().toISOString()} — ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
      `${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}\n`,
  );
  const today = gardenDay(new Date());
  let started = performance.now();
  const written = await seedGarden(store, 0, {
    today,
    week: isoWeek(addDays(today, 7)),
    running: Number(options.subscriptions),
  });
  // Its members are not seeded (bench/seed.ts): no day-before reminder, which would fail for each.
  await withoutDayBeforeReminders(store, gardenId);
  await createGardenConfigurationActivities(
    store,
    createGardenBlobs(s3, stack.bucket),
    () => new Date(),
  ).copyGardenConfiguration({
    gardenId,
  });
  console.log(
    `${gardenId}: ${written > 0 ? `seeded ${written} records in ${seconds(performance.now() - started)}` : 'seeded already'}`,
  );

  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS }),
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: gardenTaskQueue(gardenId),
    dataConverter: testDataConverter(),
    workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') }),
    activities: createActivities(deps),
  });
  const running = worker.run();

  try {
    const before = await gardenRecords(store, gardenId);
    console.log(`before: ${JSON.stringify(before.counts)}`);
    started = performance.now();
    const copy = await copyGarden(stack, gardenId, `restore-drill/bench-${Date.now()}/`);
    const copyMs = performance.now() - started;
    started = performance.now();
    const lost = await loseGarden(stack, gardenId);
    console.log(
      `copy ${seconds(copyMs)}; lost ${lost.items} items, ${lost.objects} objects, ${lost.workflows} workflows in ${seconds(performance.now() - started)}`,
    );

    started = performance.now();
    const report = await restoreGarden(gardenId, copy, stack);
    const restoreMs = performance.now() - started;
    const ids = (await store.subscriptions.list(gardenId))
      .filter((subscription) => !finalStatuses.includes(subscription.status))
      .map((subscription) => subscription.id);
    let next = 0;
    let answered = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < ids.length) {
          const id = ids[next++] as string;
          // A query waits for the worker: under the restart's load it may time out; ask again.
          for (let attempt = 1; ; attempt++) {
            try {
              await client.workflow.getHandle(subscriptionWorkflowId(gardenId, id)).query(subscriptionQuery);
              break;
            } catch (error) {
              if (attempt === 10) throw error;
            }
          }
          answered += 1;
        }
      }),
    );
    const liveMs = performance.now() - started;
    const after = await gardenRecords(store, gardenId);
    console.log(`after:  ${JSON.stringify(after.counts)}`);
    console.log('');
    console.log(`items restored: ${report.items.gardens + report.items.control}; objects: ${report.objects}`);
    console.log(`restore steps (s): ${JSON.stringify(report.seconds)}`);
    console.log(`workflows started: ${JSON.stringify(report.workflows)}`);
    console.log(`restore (data and starts): ${seconds(restoreMs)}`);
    console.log(`until all ${answered} running subscriptions answer on the worker: ${seconds(liveMs)}`);
    console.log(
      `records equal before and after: ${before.digest === after.digest ? 'yes' : 'NO'} (${after.digest})`,
    );
    if (before.digest !== after.digest) process.exitCode = 1;
  } finally {
    if (!options.keep) {
      await endRunningWorkflows(client, gardenId, 'bench over');
      await createGardenSchedulesPort(client, store).remove(gardenId);
    }
    worker.shutdown();
    await running;
    await connection.close();
    db.destroy();
    s3.destroy();
    closeActivityDeps(deps);
  }
}

await main();
// The worker's native runtime keeps the process alive once the bench is over.
process.exit(process.exitCode ?? 0);
