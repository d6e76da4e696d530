import { type Client, type ScheduleOptions } from '@temporalio/client';
import { describeSchedule, ensureSchedule } from './schedules.ts';
import { gardenTimeZone } from '../domain/calendar.ts';
import { networkTaskQueue } from '../domain/garden.ts';
import {
  defaultLookbackDays,
  historyArchiveScheduleId,
  historyArchiveType,
  type HistoryArchiveInput,
} from '../workflows/history-archive/contract.ts';

/** The archive runs at night, garden time, when few processes close. */
export const archiveHour = 3;

/**
 * The network's Temporal Schedule that archives closed histories to S3 every day, on the
 * network's task queue. Each run looks back `defaultLookbackDays` days, so windows overlap and a
 * missed day loses nothing (the namespace's retention must stay well above it).
 */
export function createArchiveSchedule(
  client: Client,
  /** Another schedule id (a test's own, beside the stack's schedule). */
  { scheduleId = historyArchiveScheduleId }: { scheduleId?: string } = {},
) {
  function options(lookbackDays: number) {
    const input: HistoryArchiveInput = { lookbackDays };
    return {
      scheduleId,
      spec: { calendars: [{ hour: archiveHour, minute: 17 }], timezone: gardenTimeZone },
      action: {
        type: 'startWorkflow' as const,
        workflowType: historyArchiveType,
        workflowId: scheduleId,
        args: [input],
        taskQueue: networkTaskQueue,
      },
      // A run still archiving is let finish; a day the cluster was down is made up (once).
      policies: { overlap: 'SKIP' as const, catchupWindow: '1 day' },
    } satisfies ScheduleOptions;
  }

  return {
    /** Creates the schedule, or brings its time and input to these. */
    async ensure(lookbackDays = defaultLookbackDays): Promise<void> {
      await ensureSchedule(client, options(lookbackDays));
    },

    describe() {
      return describeSchedule(client, scheduleId);
    },

    /** Archives now, outside the daily time (the schedule's own action, e.g. before a migration). */
    async trigger(): Promise<void> {
      await client.schedule.getHandle(scheduleId).trigger();
    },
  };
}
export type ArchiveSchedule = ReturnType<typeof createArchiveSchedule>;
