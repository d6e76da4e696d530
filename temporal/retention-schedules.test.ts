import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Store } from '../adapters/store/index.ts';
import { createRetentionReportStore } from '../adapters/store/retention-report-store.ts';
import { createRetentionActivities } from '../activities/retention.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import { retentionScheduleId, retentionSweepType } from '../workflows/retention/contract.ts';
import type { retentionSweep } from '../workflows/retention/workflow.ts';
import {
  createTestGarden,
  testActivities,
  testDataConverter,
  testDocuments,
  testEnvironment,
  testStore,
} from '../tests/support/environment.ts';
import { silentLogger } from '../tests/support/quiet-logger.ts';
import { testWorkerConverter } from '../tests/support/temporal.ts';
import { createRetentionSchedules, retentionHour, retentionMinute } from './retention-schedules.ts';

const poll = { timeout: 30_000, interval: 300 };
const single = <T>(value: T) => [{ start: value, end: value, step: 1 }];

/** What hour and minute an instant is in a time zone: [4, 10]. */
function wallClock(instant: Date, timeZone: string): [number, number] {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return [value('hour'), value('minute')];
}

function gardenAttribute(description: ScheduleDescription): unknown {
  const attributes = description.action.typedSearchAttributes;
  if (attributes instanceof TypedSearchAttributes) return attributes.get(gardenIdKey);
  return attributes?.find((pair) => pair.key.name === gardenIdKey.name)?.value;
}

/**
 * Each garden's Schedule of its retention sweep, on the local dev server: the time-skipping
 * test server has no Schedules (Temporal's Java test server does not implement them), so the
 * sweep's time-skipping tests start the workflow directly (workflows/retention/workflow.test.ts)
 * and this file checks the Schedule itself: its options, its update, and a run it starts.
 */
describe('retention schedules', { timeout: 120_000 }, () => {
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  let store: Store;
  let gardenId: string;

  beforeAll(async () => {
    const env = testEnvironment();
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'retention-schedule'));
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
    nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    worker = await Worker.create({
      ...testWorkerConverter(),
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: gardenTaskQueue(gardenId),
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('../workflows/retention/workflow.ts', import.meta.url)),
        logger: silentLogger,
      }),
      activities: {
        ...testActivities(store),
        ...createRetentionActivities({ store, documents: testDocuments() }),
      },
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    await client?.schedule
      .getHandle(retentionScheduleId(gardenId))
      .delete()
      .catch(() => undefined);
    if (worker) {
      worker.shutdown();
      await workerRun;
    }
    await nativeConnection?.close();
    await connection?.close();
    store?.close();
  });

  it('runs every night at 4:10 garden time, skipping overlaps, catching up one day, tagged with the garden', async () => {
    const schedules = createRetentionSchedules(client);
    expect(await schedules.describe(gardenId)).toBeUndefined();
    await schedules.ensure(gardenId);

    const description = await client.schedule.getHandle(retentionScheduleId(gardenId)).describe();
    expect(description.scheduleId).toBe(`${gardenId}/retention`);
    expect(description.spec.timezone).toBe('Europe/Paris');
    expect(description.spec.calendars?.[0]).toMatchObject({
      hour: single(retentionHour),
      minute: single(retentionMinute),
    });
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: retentionSweepType,
      workflowId: `${gardenId}/retention`,
      taskQueue: gardenTaskQueue(gardenId),
      args: [{ gardenId }],
    });
    expect(gardenAttribute(description)).toBe(gardenId);
    expect(description.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 24 * 3_600_000 });
    const next = description.info.nextActionTimes[0] as Date;
    expect(wallClock(next, 'Europe/Paris')).toEqual([4, 10]);
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + 86_400_000);
  });

  it('follows the garden to another time zone without making a second schedule', async () => {
    const schedules = createRetentionSchedules(client);
    const before = await client.schedule.getHandle(retentionScheduleId(gardenId)).describe();
    await schedules.ensure(gardenId, 'Indian/Reunion');
    const after = await client.schedule.getHandle(retentionScheduleId(gardenId)).describe();
    expect(after.spec.timezone).toBe('Indian/Reunion');
    expect(wallClock(after.info.nextActionTimes[0] as Date, 'Indian/Reunion')).toEqual([4, 10]);
    expect(after.info.createdAt).toEqual(before.info.createdAt);
    expect(after.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 24 * 3_600_000 });
    await schedules.ensure(gardenId);
    expect((await schedules.describe(gardenId))?.spec.timezone).toBe('Europe/Paris');
  });

  it('sweeps the garden when it fires, and the report is kept', async () => {
    const schedules = createRetentionSchedules(client);
    const handle = client.schedule.getHandle(retentionScheduleId(gardenId));
    await schedules.trigger(gardenId);
    await expect.poll(async () => (await handle.describe()).info.recentActions.length, poll).toBe(1);
    const action = (await handle.describe()).info.recentActions[0];
    const run = client.workflow.getHandle<typeof retentionSweep>(
      action?.action.workflow.workflowId ?? '',
      action?.action.workflow.firstExecutionRunId,
    );
    expect(run.workflowId.startsWith(`${gardenId}/retention-`)).toBe(true);
    const report = await run.result();
    expect(report).toMatchObject({ gardenId, timeZone: 'Europe/Paris' });
    expect(report.rules.map((rule) => rule.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
    await expect
      .poll(async () => (await run.describe()).typedSearchAttributes.get(gardenIdKey), poll)
      .toBe(gardenId);
    const kept = await createRetentionReportStore(store.db, store.tables).list(gardenId, { limit: 5 });
    expect(kept.reports).toEqual([report]);
  });

  it('is removed with the garden; removing it again is fine', async () => {
    const schedules = createRetentionSchedules(client);
    expect(await schedules.remove(gardenId)).toBe(true);
    await expect(client.schedule.getHandle(retentionScheduleId(gardenId)).describe()).rejects.toBeInstanceOf(
      ScheduleNotFoundError,
    );
    expect(await schedules.remove(gardenId)).toBe(false);
    expect(await schedules.describe(gardenId)).toBeUndefined();
  });
});
