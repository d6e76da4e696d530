import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../domain/actor.ts';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import type { Localized } from '../domain/locale.ts';
import { deliveryWeekKey, gardenIdKey } from '../workflows/search-attributes.ts';
import {
  approveCompositionUpdate,
  weekPreparationId,
  weekPreparationType,
  weekProgressQuery,
  type WeekProgress,
} from '../workflows/week/contract.ts';
import type { weekPreparation } from '../workflows/week/workflow.ts';

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
    async prepare(gardenId: string, week: string): Promise<boolean> {
      try {
        await client.workflow.start<typeof weekPreparation>(weekPreparationType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: weekPreparationId(gardenId, week),
          args: [{ gardenId, week }],
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
      try {
        return await client.withDeadline(Date.now() + 60_000, () =>
          handleOf(gardenId, week).executeUpdate(approveCompositionUpdate, { args: [{ actor }] }),
        );
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          const cause = error.cause;
          if (cause instanceof ApplicationFailure && cause.type === 'refused') {
            const messages = cause.details?.[0] as Localized | undefined;
            throw new CocagneError('refused', messages ?? { fr: cause.message, en: cause.message });
          }
          throw error;
        }
        if (error instanceof WorkflowNotFoundError) throw notStarted();
        if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          throw new CocagneError('unavailable', {
            fr: "Le traitement ne répond pas pour l'instant : la validation n'a peut-être pas été prise en compte. Réessayez dans un instant.",
            en: 'Processing is not answering right now: the approval may not have been taken. Try again in a moment.',
          });
        }
        throw error;
      }
    },
  };
}
export type WeekCommands = ReturnType<typeof createWeekCommands>;
