import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Actor } from '../domain/actor.ts';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { deliveryWeekKey, gardenIdKey } from '../workflows/search-attributes.ts';
import {
  approveCompositionUpdate,
  weekPreparationId,
  weekPreparationType,
  weekProgressQuery,
  type WeekProgress,
} from '../workflows/week/contract.ts';
import type { weekPreparation } from '../workflows/week/workflow.ts';
import { executeAction } from './updates.ts';

const notStarted = () =>
  new CocagneError('not_found', {
    fr: "La préparation de cette semaine n'a pas encore commencé.",
    en: "This week's preparation has not started yet.",
  });

/** The preparation of delivery weeks, as the API drives it. */
export function createWeekCommands(client: Client) {
  const handleOf = (gardenId: string, week: string) =>
    client.workflow.getHandle(weekPreparationId(gardenId, week));

  return {
    /** Starts preparing a week now (staff may not want to wait for the schedule); twice is once. */
    async prepare(gardenId: string, week: string, timeZone?: string): Promise<boolean> {
      try {
        await client.workflow.start<typeof weekPreparation>(weekPreparationType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: weekPreparationId(gardenId, week),
          args: [{ gardenId, week, ...(timeZone ? { timeZone } : {}) }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: gardenIdKey, value: gardenId },
            { key: deliveryWeekKey, value: week },
          ],
        });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },

    /** Where the week stands, straight from its workflow; undefined before it starts. */
    async progress(gardenId: string, week: string): Promise<WeekProgress | undefined> {
      try {
        return await client.withDeadline(Date.now() + 5_000, () =>
          handleOf(gardenId, week).query(weekProgressQuery),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    },

    async approve(gardenId: string, week: string, actor: Actor): Promise<WeekProgress> {
      return executeAction(
        client,
        handleOf(gardenId, week),
        approveCompositionUpdate,
        { actor },
        {
          deadlineMs: 60_000,
          notRunning: notStarted,
        },
      );
    },
  };
}
export type WeekCommands = ReturnType<typeof createWeekCommands>;
