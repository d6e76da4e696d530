import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Store } from '../adapters/store/index.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { defaultGardenRules } from '../domain/garden-rules.ts';
import { deliveryWeekKey, gardenIdKey } from '../workflows/search-attributes.ts';
import {
  weekPreparationId,
  weekPreparationTriggerType,
  weekPreparationType,
  weekProgressQuery,
  weekScheduleId,
} from '../workflows/week/contract.ts';
import {
  createTestGarden,
  testActivities,
  testEnvironment,
  testStore,
} from '../tests/support/environment.ts';
import { workflowBundle } from '../tests/support/temporal.ts';
import { createWeekSchedules } from './week-schedules.ts';
import { openPayload, testDataConverter } from '../tests/support/environment.ts';

const poll = { timeout: 30_000, interval: 300 };

/** What day and hour an instant is in a time zone: ["THURSDAY", 8]. */
function wallClock(instant: Date, timeZone: string): [string, number] {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const weekday = parts.find((part) => part.type === 'weekday')?.value.toUpperCase() ?? '';
  const hour = Number(parts.find((part) => part.type === 'hour')?.value);
  return [weekday, hour];
}

/** The GardenId search attribute the schedule gives the workflows it starts. */
function gardenAttribute(description: ScheduleDescription): unknown {
  const attributes = description.action.typedSearchAttributes;
  if (attributes instanceof TypedSearchAttributes) return attributes.get(gardenIdKey);
  return attributes?.find((pair) => pair.key.name === gardenIdKey.name)?.value;
}

/**
 * Each garden's Temporal Schedule on the local dev server: created and brought up to date
 * from the garden's rules, and, when it fires, preparing next week exactly once.
 */
describe('week schedules', () => {
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  let store: Store;
  let gardenId: string;
  const workflowsToEnd: string[] = [];

  beforeAll(async () => {
    const env = testEnvironment();
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'schedule'));
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
    nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    worker = await Worker.create({
      dataConverter: testDataConverter(),
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: gardenTaskQueue(gardenId),
      workflowBundle: await workflowBundle(),
      activities: testActivities(store),
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    await client?.schedule
      .getHandle(weekScheduleId(gardenId))
      .delete()
      .catch(() => undefined);
    for (const workflowId of workflowsToEnd) {
      await client?.workflow
        .getHandle(workflowId)
        .terminate('test over')
        .catch(() => undefined);
    }
    if (worker) {
      worker.shutdown();
      await workerRun;
    }
    await nativeConnection?.close();
    await connection?.close();
    store?.close();
  });

  const describeSchedule = () => client.schedule.getHandle(weekScheduleId(gardenId)).describe();

  /** Schedules of the namespace with this id (there can be one at most). */
  async function schedulesWithId(id: string): Promise<number> {
    let count = 0;
    for await (const schedule of client.schedule.list()) if (schedule.scheduleId === id) count++;
    return count;
  }

  const single = <T>(value: T) => [{ start: value, end: value, step: 1 }];

  it("creates the garden's schedule on the rules' weekday and hour, garden time", async () => {
    const schedules = createWeekSchedules(client);
    expect(await schedules.describe(gardenId)).toBeUndefined();
    await schedules.ensure(gardenId, defaultGardenRules);

    const description: ScheduleDescription = await describeSchedule();
    expect(description.scheduleId).toBe(`${gardenId}/week-schedule`);
    expect(description.spec.timezone).toBe('Europe/Paris');
    expect(description.spec.calendars).toHaveLength(1);
    expect(description.spec.calendars?.[0]).toMatchObject({
      dayOfWeek: single('THURSDAY'),
      hour: single(8),
      minute: single(0),
    });
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: weekPreparationTriggerType,
      taskQueue: gardenTaskQueue(gardenId),
      args: [{ gardenId, weeksAhead: 1, timeZone: 'Europe/Paris' }],
    });
    expect(gardenAttribute(description)).toBe(gardenId);
    expect(description.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 24 * 3_600_000 });
    expect(description.state.paused).toBe(false);
    // The next run is on Thursday at 8:00 in Paris, whatever the server's clock zone.
    const next = description.info.nextActionTimes[0];
    expect(next).toBeInstanceOf(Date);
    expect(wallClock(next as Date, 'Europe/Paris')).toEqual(['THURSDAY', 8]);
    expect((next as Date).getTime()).toBeGreaterThan(Date.now());
    expect((next as Date).getTime()).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    expect(await schedules.describe(gardenId)).toMatchObject({ scheduleId: weekScheduleId(gardenId) });
  });

  it('brings the same schedule to new rules and time zone instead of making a second one', async () => {
    const schedules = createWeekSchedules(client);
    const before = await describeSchedule();
    await schedules.ensure(gardenId, { weekPreparationDay: 2, weekPreparationHour: 17 });
    const after = await describeSchedule();
    expect(after.spec.calendars?.[0]).toMatchObject({ dayOfWeek: single('TUESDAY'), hour: single(17) });
    expect(after.spec.timezone).toBe('Europe/Paris');
    expect(wallClock(after.info.nextActionTimes[0] as Date, 'Europe/Paris')).toEqual(['TUESDAY', 17]);
    expect(after.info.createdAt).toEqual(before.info.createdAt);
    // The action stays as it was (the SDK reads an unset priority back as zeros after an update).
    expect(after.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: weekPreparationTriggerType,
      taskQueue: gardenTaskQueue(gardenId),
      args: [{ gardenId, weeksAhead: 1, timeZone: 'Europe/Paris' }],
    });
    expect(gardenAttribute(after)).toBe(gardenId);
    expect(after.policies).toEqual(before.policies);

    // A garden overseas: Monday 6:00 in La Réunion.
    await schedules.ensure(gardenId, { weekPreparationDay: 1, weekPreparationHour: 6 }, 'Indian/Reunion');
    const overseas = await describeSchedule();
    expect(overseas.spec.timezone).toBe('Indian/Reunion');
    expect(wallClock(overseas.info.nextActionTimes[0] as Date, 'Indian/Reunion')).toEqual(['MONDAY', 6]);
    // …and its runs know which "today" is theirs.
    expect(overseas.action).toMatchObject({
      args: [{ gardenId, weeksAhead: 1, timeZone: 'Indian/Reunion' }],
    });

    // Back to the garden's rules; still one schedule.
    await schedules.ensure(gardenId, defaultGardenRules);
    expect((await describeSchedule()).spec.calendars?.[0]).toMatchObject({ dayOfWeek: single('THURSDAY') });
    await expect.poll(() => schedulesWithId(weekScheduleId(gardenId)), poll).toBe(1);
  });

  it('prepares next week when it fires, and only once when it fires again', async () => {
    const handle = client.schedule.getHandle(weekScheduleId(gardenId));
    const nextWeek = isoWeek(addDays(gardenDay(new Date()), 7));
    const weekWorkflowId = weekPreparationId(gardenId, nextWeek);
    expect(weekWorkflowId).toBe(`${gardenId}/week/${nextWeek}`);
    workflowsToEnd.push(weekWorkflowId);

    await handle.trigger();
    await expect.poll(async () => (await handle.describe()).info.recentActions.length, poll).toBe(1);
    const firstAction = (await handle.describe()).info.recentActions[0];
    const firstTrigger = client.workflow.getHandle(
      firstAction?.action.workflow.workflowId ?? '',
      firstAction?.action.workflow.firstExecutionRunId,
    );
    expect((await firstTrigger.describe()).type).toBe(weekPreparationTriggerType);
    expect(await firstTrigger.result()).toBe(nextWeek);

    const week = client.workflow.getHandle(weekWorkflowId);
    await expect.poll(async () => (await week.describe()).status.name, poll).toBe('RUNNING');
    const described = await week.describe();
    expect(described).toMatchObject({ type: weekPreparationType, taskQueue: gardenTaskQueue(gardenId) });
    // The week's run is told the garden's time zone, for the end of its week.
    const started = (await week.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(await openPayload(started!.input!.payloads![0]!)).toEqual({
      gardenId,
      week: nextWeek,
      timeZone: 'Europe/Paris',
    });
    // The workflow sets its own search attributes on its first task: visibility follows shortly.
    await expect
      .poll(async () => (await week.describe()).typedSearchAttributes.get(gardenIdKey), poll)
      .toBe(gardenId);
    await expect
      .poll(async () => (await week.describe()).typedSearchAttributes.get(deliveryWeekKey), poll)
      .toBe(nextWeek);
    // The worker plans it: a garden with no subscription has nothing to count.
    await expect
      .poll(async () => (await week.query(weekProgressQuery)).phase, poll)
      .toBe('awaiting-composition');
    expect(await week.query(weekProgressQuery)).toMatchObject({
      gardenId,
      week: nextWeek,
      planned: 0,
      total: 0,
    });

    // Fired again (its first run is over, so it is not skipped as an overlap): same week, same run.
    await handle.trigger();
    await expect.poll(async () => (await handle.describe()).info.recentActions.length, poll).toBe(2);
    const secondAction = (await handle.describe()).info.recentActions[1];
    // Two firings in the same second share a workflow ID (it ends with the second): tell the
    // runs apart by run ID.
    expect(secondAction?.action.workflow.firstExecutionRunId).not.toBe(
      firstAction?.action.workflow.firstExecutionRunId,
    );
    const secondTrigger = client.workflow.getHandle(
      secondAction?.action.workflow.workflowId ?? '',
      secondAction?.action.workflow.firstExecutionRunId,
    );
    expect(await secondTrigger.result()).toBe(nextWeek);
    expect((await week.describe()).runId).toBe(described.runId);
    await expect
      .poll(
        () => client.workflow.count(`WorkflowId = '${weekWorkflowId}'`).then((answer) => answer.count),
        poll,
      )
      .toBe(1);
    expect((await handle.describe()).info.numActionsTaken).toBe(2);
  });

  it('deletes cleanly: describe then says there is none', async () => {
    await client.schedule.getHandle(weekScheduleId(gardenId)).delete();
    await expect(describeSchedule()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await createWeekSchedules(client).describe(gardenId)).toBeUndefined();
  });
});
