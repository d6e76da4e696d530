import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';

/**
 * Creates a Temporal Schedule, or brings an existing one to `wanted`: its times, its policies
 * and its workflow's arguments (the rest of its action, and its state, stay as they are).
 * Every schedule of the product is ensured this way, at start-up, at provisioning and when a
 * garden's settings change: running it again changes nothing.
 */
export async function ensureSchedule(client: Client, wanted: ScheduleOptions): Promise<void> {
  try {
    await client.schedule.create(wanted);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(wanted.scheduleId).update((previous) => ({
      ...previous,
      spec: wanted.spec,
      policies: { ...previous.policies, ...wanted.policies },
      action: { ...previous.action, args: wanted.action.args },
    }));
  }
}

/** A schedule as Temporal describes it, or undefined when there is none. */
export async function describeSchedule(client: Client, scheduleId: string) {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}
