import { ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import { describeSchedule, ensureSchedule } from './schedules.ts';
import { gardenTimeZone } from '../domain/calendar.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  retentionScheduleId,
  retentionSweepType,
  retentionSweepWorkflowId,
  type RetentionSweepInput,
} from '../workflows/retention/contract.ts';

/**
 * The sweep runs at night, garden time: after the network's history archive (3:17 Paris time)
 * and clear of the hours a daylight-saving change repeats or skips (2:00 to 3:00).
 */
export const retentionHour = 4;
export const retentionMinute = 10;

/**
 * Each garden's Temporal Schedule of its retention sweep, every night in the garden's time
 * zone, on the garden's task queue. A run still sweeping is let finish (the next is skipped);
 * a night the cluster was down is made up once.
 */
export function createRetentionSchedules(client: Client) {
  function options(gardenId: string, timeZone: string) {
    const input: RetentionSweepInput = { gardenId };
    return {
      scheduleId: retentionScheduleId(gardenId),
      spec: { calendars: [{ hour: retentionHour, minute: retentionMinute }], timezone: timeZone },
      action: {
        type: 'startWorkflow' as const,
        workflowType: retentionSweepType,
        workflowId: retentionSweepWorkflowId(gardenId),
        args: [input],
        taskQueue: gardenTaskQueue(gardenId),
        typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
      },
      policies: { overlap: 'SKIP' as const, catchupWindow: '1 day' },
    } satisfies ScheduleOptions;
  }

  return {
    options,

    /** Creates the garden's schedule, or brings it to the garden's time zone. */
    async ensure(gardenId: string, timeZone = gardenTimeZone): Promise<void> {
      await ensureSchedule(client, options(gardenId, timeZone));
    },

    describe(gardenId: string) {
      return describeSchedule(client, retentionScheduleId(gardenId));
    },

    /** Sweeps now, outside the night (the schedule's own action). */
    async trigger(gardenId: string): Promise<void> {
      await client.schedule.getHandle(retentionScheduleId(gardenId)).trigger();
    },

    /** Removes the garden's schedule (a garden leaving the network); none already is fine. */
    async remove(gardenId: string): Promise<boolean> {
      try {
        await client.schedule.getHandle(retentionScheduleId(gardenId)).delete();
        return true;
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) return false;
        throw error;
      }
    },
  };
}
export type RetentionSchedules = ReturnType<typeof createRetentionSchedules>;
