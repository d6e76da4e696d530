import { gardenTimeZone } from '../domain/calendar.ts';
import { CocagneError } from '../domain/errors.ts';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { ensureSchedule } from './schedules.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import {
  billingProgressQuery,
  billingRunId,
  billingRunTriggerType,
  billingRunType,
  billingScheduleId,
  type BillingRunProgress,
} from '../workflows/billing/contract.ts';
import type { billingRun } from '../workflows/billing/workflow.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';

/** Billing runs, started by staff or by each garden's monthly schedule. */
export function createBillingCommands(client: Client) {
  return {
    /** Bills a month now; twice is once (and a run never issues an invoice twice anyway). */
    async run(gardenId: string, month: string, issuedOn: string): Promise<boolean> {
      try {
        await client.workflow.start<typeof billingRun>(billingRunType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: billingRunId(gardenId, month),
          args: [{ gardenId, month, issuedOn }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },

    /** Where a month's run stands (the last run's result once over); undefined if never run. */
    async progress(gardenId: string, month: string): Promise<BillingRunProgress | undefined> {
      const handle = client.workflow.getHandle<typeof billingRun>(billingRunId(gardenId, month));
      try {
        const description = await handle.describe();
        if (description.status.name === 'RUNNING') {
          return await client.withDeadline(Date.now() + 5_000, () => handle.query(billingProgressQuery));
        }
        if (description.status.name === 'COMPLETED') return await handle.result();
        return undefined;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        // The run is there but nobody answers for it (its worker down, Temporal out of reach):
        // staff are told to try again, and the run goes on by itself once it is back.
        throw new CocagneError(
          'unavailable',
          {
            fr: "La facturation ne répond pas pour l'instant : elle reprendra d'elle-même. Réessayez dans un instant.",
            en: 'Billing is not answering right now: it will go on by itself. Try again in a moment.',
          },
          { cause: error },
        );
      }
    },

    /** The garden's schedule: on the 1st of each month at 6:00 (garden time), bill the month just ended. */
    async ensureSchedule(gardenId: string, timeZone = gardenTimeZone): Promise<void> {
      const options = {
        scheduleId: billingScheduleId(gardenId),
        spec: { calendars: [{ dayOfMonth: 1, hour: 6, minute: 0 }], timezone: timeZone },
        action: {
          type: 'startWorkflow' as const,
          workflowType: billingRunTriggerType,
          args: [{ gardenId, timeZone }],
          taskQueue: gardenTaskQueue(gardenId),
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        },
        policies: { overlap: 'SKIP' as const, catchupWindow: '3 days' },
      } satisfies ScheduleOptions;
      await ensureSchedule(client, options);
    },
  };
}
export type BillingCommands = ReturnType<typeof createBillingCommands>;
