import { type Client, type ScheduleOptions } from '@temporalio/client';
import { describeSchedule, ensureSchedule } from './schedules.ts';
import { gardenTimeZone } from '../domain/calendar.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import type { GardenRules } from '../domain/garden-rules.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  weekPreparationTriggerType,
  weekScheduleId,
  type WeekTriggerInput,
} from '../workflows/week/contract.ts';

const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/**
 * Each garden's Temporal Schedule that prepares next week's baskets, every week, on the day
 * and at the hour the garden chose (garden time).
 */
export function createWeekSchedules(client: Client) {
  function options(
    gardenId: string,
    rules: Pick<GardenRules, 'weekPreparationDay' | 'weekPreparationHour'>,
    timeZone: string,
  ) {
    const input: WeekTriggerInput = { gardenId, weeksAhead: 1, timeZone };
    return {
      scheduleId: weekScheduleId(gardenId),
      spec: {
        calendars: [
          {
            dayOfWeek: weekdays[rules.weekPreparationDay - 1] ?? 'THURSDAY',
            hour: rules.weekPreparationHour,
            minute: 0,
          },
        ],
        timezone: timeZone,
      },
      action: {
        type: 'startWorkflow' as const,
        workflowType: weekPreparationTriggerType,
        args: [input],
        taskQueue: gardenTaskQueue(gardenId),
        typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
      },
      policies: { overlap: 'SKIP' as const, catchupWindow: '1 day' },
    } satisfies ScheduleOptions;
  }

  return {
    /** Creates the garden's schedule, or brings it to the garden's rules. */
    async ensure(
      gardenId: string,
      rules: Pick<GardenRules, 'weekPreparationDay' | 'weekPreparationHour'>,
      timeZone = gardenTimeZone,
    ): Promise<void> {
      await ensureSchedule(client, options(gardenId, rules, timeZone));
    },

    describe(gardenId: string) {
      return describeSchedule(client, weekScheduleId(gardenId));
    },
  };
}
export type WeekSchedules = ReturnType<typeof createWeekSchedules>;
