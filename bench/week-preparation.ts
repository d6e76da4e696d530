/**
 * How long a garden's week takes to prepare, and a whole network's.
 *
 *   node bench/week-preparation.ts [--gardens 50] [--subscriptions 1000] [--parallel 4] [--runs 3]
 *                                  [--skip-workflow] [--skip-network] [--budget 420] [--drop]
 *
 * Runs against the local stack (`npm run stack up`), in its own tables (`cocagne-bench-*`), on
 * gardens of its own (`bench-g000`…). See bench/README.md for what is measured and the figures.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DeleteTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities/index.ts';
import { ensureTables } from '../adapters/store/tables.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { ActivitySettings, activityDepsFrom, closeActivityDeps } from '../temporal/activity-deps.ts';
import { workflowsPath } from '../temporal/workflow-source.ts';
import { deliveryWeekKey, gardenIdKey } from '../workflows/search-attributes.ts';
import { weekPreparationId, weekPreparationType, weekProgressQuery } from '../workflows/week/contract.ts';
import type { weekPreparation } from '../workflows/week/workflow.ts';
import { benchEnvironment } from './bench-environment.ts';
import { benchGardenId, seedGarden, type SeedPlan } from './seed.ts';
import { testDataConverter } from '../tests/support/environment.ts';

const { values: options } = parseArgs({
  options: {
    gardens: { type: 'string', default: '50' },
    subscriptions: { type: 'string', default: '1000' },
    parallel: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    budget: { type: 'string', default: '270' },
    prefix: { type: 'string', default: 'cocagne-bench' },
    'skip-workflow': { type: 'boolean', default: false },
    'skip-network': { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
  },
});
const gardens = Number(options.gardens);
const running = Number(options.subscriptions);
const parallel = Number(options.parallel);
const runs = Number(options.runs);
/** Seconds the network's seeding, then its planning, may each take before stopping (and extrapolating). */
const budgetSeconds = Number(options.budget);

// ---- The local stack, with the bench's own tables ----

const env = benchEnvironment(options.prefix);

Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
});

const deps = activityDepsFrom(readConfiguration(ActivitySettings, env));
const { store } = deps;
const activities: Activities = createActivities(deps);

// ---- Small helpers ----

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const thousands = (value: number) => new Intl.NumberFormat('en-GB').format(Math.round(value));
const rssMb = () => process.memoryUsage().rss / 1_048_576;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const median = (values: readonly number[]) => percentile(values, 50);

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(rows[0] ?? []),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** Runs `work` over `items`, `lanes` at a time, until `stopAfter` (ms since start) passes. */
async function pool<T, R>(
  items: readonly T[],
  lanes: number,
  work: (item: T) => Promise<R>,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<R[]> {
  const results: R[] = [];
  const started = performance.now();
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length && performance.now() - started < stopAfter) {
      results.push(await work(items[next++] as T));
    }
  }
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}

// ---- What is measured ----

interface Planning {
  gardenId: string;
  subscriptions: number;
  baskets: number;
  idsMs: number;
  planMs: number;
  summarizeMs: number;
  totalMs: number;
  counts: Record<string, number>;
}

/** The week's planning as the workflow does it: ids, chunks of 200, the summary. */
async function planWeek(gardenId: string, week: string): Promise<Planning> {
  const start = performance.now();
  const ids = await activities.runningSubscriptionIds(gardenId);
  const afterIds = performance.now();
  let baskets = 0;
  for (let index = 0; index < ids.length; index += 200) {
    const planned = await activities.planWeekBaskets({
      gardenId,
      week,
      subscriptionIds: ids.slice(index, index + 200),
    });
    baskets += planned.baskets;
  }
  const afterPlan = performance.now();
  const summary = await activities.summarizeWeek({ gardenId, week });
  const end = performance.now();
  return {
    gardenId,
    subscriptions: ids.length,
    baskets,
    idsMs: afterIds - start,
    planMs: afterPlan - afterIds,
    summarizeMs: end - afterPlan,
    totalMs: end - start,
    counts: summary.counts.total,
  };
}

async function dropTables(): Promise<void> {
  const client = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  for (const table of [store.tables.control, store.tables.gardens]) {
    try {
      await client.send(new DeleteTableCommand({ TableName: table }));
      console.log(`dropped ${table}`);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
  client.destroy();
}

async function main(): Promise<void> {
  if (options.drop) {
    await dropTables();
    return;
  }
  const today = gardenDay(new Date());
  const week = isoWeek(addDays(today, 7));
  const plan: SeedPlan = { today, week, running };
  const cpu = cpus();
  console.log(
    `Week preparation bench — ${new Date().toISOString()} — ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
      `${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}`,
  );
  console.log(`Tables ${store.tables.gardens} / ${store.tables.control}; week prepared: ${week}\n`);
  const dynamo = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  await ensureTables(dynamo, store.tables);
  dynamo.destroy();

  // ---- (a) One garden of `running` subscriptions ----
  const first = benchGardenId(0);
  let started = performance.now();
  const written = await seedGarden(store, 0, plan);
  console.log(
    written > 0
      ? `seeded ${first}: ${thousands(written)} records in ${seconds(performance.now() - started)}`
      : `${first} already seeded for ${week}`,
  );

  const plannings: Planning[] = [];
  for (let run = 1; run <= runs; run++) {
    const planning = await planWeek(first, week);
    plannings.push(planning);
    console.log(
      `(a) planning run ${run}: ${seconds(planning.totalMs)} — ids ${seconds(planning.idsMs)}, ` +
        `${Math.ceil(planning.subscriptions / 200)} chunks ${seconds(planning.planMs)}, summary ${seconds(planning.summarizeMs)}; ` +
        `${thousands(planning.subscriptions)} subscriptions → ${thousands(planning.baskets)} basket records, ` +
        `to prepare ${JSON.stringify(planning.counts)}`,
    );
  }

  const workflowRuns: Array<{ totalMs: number; plannedMs: number }> = [];
  let bundleMs = 0;
  if (!options['skip-workflow']) {
    started = performance.now();
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    bundleMs = performance.now() - started;
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
    const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    const worker = await Worker.create({
      dataConverter: testDataConverter(),
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: gardenTaskQueue(first),
      workflowBundle: { code },
      activities,
    });
    const workflowId = weekPreparationId(first, week);
    const end = () =>
      client.workflow
        .getHandle(workflowId)
        .terminate('bench over')
        .catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        });
    await worker.runUntil(async () => {
      await end();
      for (let run = 1; run <= runs; run++) {
        const start = performance.now();
        const handle = await client.workflow.start<typeof weekPreparation>(weekPreparationType, {
          taskQueue: gardenTaskQueue(first),
          workflowId,
          args: [{ gardenId: first, week }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          typedSearchAttributes: [
            { key: gardenIdKey, value: first },
            { key: deliveryWeekKey, value: week },
          ],
        });
        let plannedMs = 0;
        for (;;) {
          const progress = await handle.query(weekProgressQuery);
          if (!plannedMs && progress.total > 0 && progress.planned === progress.total)
            plannedMs = performance.now() - start;
          if (progress.phase === 'awaiting-composition') break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const totalMs = performance.now() - start;
        workflowRuns.push({ totalMs, plannedMs: plannedMs || totalMs });
        console.log(
          `(a) workflow run ${run}: start → awaiting-composition ${seconds(totalMs)} ` +
            `(every chunk planned at ${seconds(plannedMs || totalMs)})`,
        );
        await end();
      }
    });
    await nativeConnection.close();
    await connection.close();
  }

  // ---- (b) The network: `gardens` gardens, planned `parallel` at a time ----
  let network:
    | {
        seedMs: number;
        seeded: number;
        planMs: number;
        results: Planning[];
        peakRss: number;
        extrapolated?: { gardens: number; totalMs: number };
      }
    | undefined;
  if (!options['skip-network'] && gardens > 1) {
    const indexes = Array.from({ length: gardens }, (_, index) => index);
    const budgetMs = budgetSeconds * 1000;
    let records = 0;
    let done = 0;
    const seedStart = performance.now();
    // One garden at a time, four batches in flight: DynamoDB Local writes no faster with more.
    const seededIndexes = await pool(
      indexes,
      1,
      async (index) => {
        const written = await seedGarden(store, index, plan);
        records += written;
        done++;
        const elapsed = performance.now() - seedStart;
        if (done % 5 === 0 || done === gardens)
          console.log(
            `(b) seeding: ${done}/${gardens} gardens, ${thousands(records)} records written in ${seconds(elapsed)}` +
              (records > 0 ? ` (${thousands(records / (elapsed / 1000))} records/s)` : ' (already there)'),
          );
        return index;
      },
      budgetMs,
    );
    const seedMs = performance.now() - seedStart;

    let peakRss = rssMb();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMb());
    }, 100);
    const planStart = performance.now();
    let planned = 0;
    const results = await pool(
      seededIndexes,
      parallel,
      async (index) => {
        const planning = await planWeek(benchGardenId(index), week);
        planned++;
        if (planned % 5 === 0 || planned === seededIndexes.length)
          console.log(
            `(b) planning: ${planned}/${seededIndexes.length} gardens in ${seconds(performance.now() - planStart)} ` +
              `(last: ${benchGardenId(index)} ${seconds(planning.totalMs)}), RSS ${Math.round(rssMb())} MB`,
          );
        return planning;
      },
      budgetMs,
    );
    const planMs = performance.now() - planStart;
    clearInterval(sampler);
    network = { seedMs, seeded: seededIndexes.length, planMs, results, peakRss };
    if (results.length < gardens) {
      // Honest extrapolation: the measured throughput (gardens per second, `parallel` at a time).
      network.extrapolated = { gardens, totalMs: (planMs / results.length) * gardens };
    }
  }

  // ---- The figures ----
  console.log('\n## (a) One garden');
  const totals = plannings.map((planning) => planning.totalMs);
  const sample = plannings[0] as Planning;
  const rows: string[][] = [
    ['measure', 'median', 'runs'],
    [
      `planning (activities), ${thousands(sample.subscriptions)} subscriptions → ${thousands(sample.baskets)} baskets`,
      seconds(median(totals)),
      totals.map(seconds).join(', '),
    ],
    ['  of which: running subscription ids', seconds(median(plannings.map((p) => p.idsMs))), ''],
    [
      `  of which: ${Math.ceil(sample.subscriptions / 200)} chunks of 200`,
      seconds(median(plannings.map((p) => p.planMs))),
      '',
    ],
    ['  of which: summary', seconds(median(plannings.map((p) => p.summarizeMs))), ''],
  ];
  if (workflowRuns.length > 0) {
    rows.push([
      'weekPreparation workflow, start → awaiting-composition',
      seconds(median(workflowRuns.map((run) => run.totalMs))),
      workflowRuns.map((run) => seconds(run.totalMs)).join(', '),
    ]);
    rows.push(['  (workflow bundle, once per worker, not in the above)', seconds(bundleMs), '']);
  }
  console.log(table(rows));
  const target = 10_000;
  const worst = Math.max(...totals, ...workflowRuns.map((run) => run.totalMs));
  console.log(
    `target: under ${seconds(target)} for ${thousands(running)} — ${worst < target ? 'met' : 'NOT met'} (worst ${seconds(worst)})`,
  );

  if (network) {
    const perGarden = network.results.map((result) => result.totalMs);
    const subscriptions = network.results.reduce((sum, result) => sum + result.subscriptions, 0);
    const baskets = network.results.reduce((sum, result) => sum + result.baskets, 0);
    console.log(`\n## (b) Network: ${gardens} gardens × ${thousands(running)}, ${parallel} at a time`);
    const networkRows: string[][] = [
      ['measure', 'value'],
      [
        'seeding',
        `${seconds(network.seedMs)} for ${network.seeded} gardens` +
          (network.seeded < gardens ? ` (budget reached: ${gardens - network.seeded} not seeded)` : ''),
      ],
      [
        `planning, ${network.results.length} gardens measured`,
        `${seconds(network.planMs)} (${thousands(subscriptions)} subscriptions → ${thousands(baskets)} baskets)`,
      ],
      ['per garden p50', seconds(percentile(perGarden, 50))],
      ['per garden p95', seconds(percentile(perGarden, 95))],
      ['per garden max', seconds(Math.max(...perGarden))],
      ['throughput', `${thousands(subscriptions / (network.planMs / 1000))} subscriptions/s`],
      ['peak RSS while planning (sampled)', `${Math.round(network.peakRss)} MB`],
      ['peak RSS of the process (maxRSS)', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`],
    ];
    if (network.extrapolated) {
      networkRows.push([
        `EXTRAPOLATED to ${network.extrapolated.gardens} gardens`,
        `${seconds(network.extrapolated.totalMs)} (from the measured throughput)`,
      ]);
    }
    console.log(table(networkRows));
  } else {
    console.log(
      `\npeak RSS of the process (maxRSS): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

try {
  await main();
} finally {
  closeActivityDeps(deps);
}
// The Temporal runtime keeps the process alive once the bench is over.
process.exit(process.exitCode ?? 0);
