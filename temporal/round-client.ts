import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Actor } from '../domain/actor.ts';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import type { StopPin } from '../domain/rounds/plan.ts';
import { deliveryWeekKey, gardenIdKey } from '../workflows/search-attributes.ts';
import {
  approveRoundUpdate,
  changePinsUpdate,
  deliveryRoundType,
  roundBasketsChangedSignal,
  roundProcessId,
  roundStatusQuery,
  stopMarkedSignal,
  type RoundStatus,
  type StopMarkedArgs,
} from '../workflows/round/contract.ts';
import type { deliveryRound } from '../workflows/round/workflow.ts';
import { executeAction } from './updates.ts';

const notRunning = () =>
  new CocagneError('conflict', {
    fr: 'Cette tournée n’est pas en cours : calculez-la d’abord, ou sa journée est terminée.',
    en: 'This round is not running: plan it first, or its day is over.',
  });

/** The delivery rounds, as the API drives them. */
export function createRoundCommands(client: Client) {
  const handleOf = (gardenId: string, date: string) =>
    client.workflow.getHandle(roundProcessId(gardenId, date));

  return {
    /** Starts the round of a day; false when it is already running (then it is asked to plan again). */
    async start(gardenId: string, date: string, timeZone?: string): Promise<boolean> {
      try {
        await client.workflow.start<typeof deliveryRound>(deliveryRoundType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: roundProcessId(gardenId, date),
          args: [{ gardenId, date, ...(timeZone ? { timeZone } : {}) }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: gardenIdKey, value: gardenId },
            { key: deliveryWeekKey, value: isoWeek(date) },
          ],
        });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },

    /** Where the round stands, from its workflow; undefined when none ever ran. */
    async status(gardenId: string, date: string): Promise<RoundStatus | undefined> {
      try {
        return await client.withDeadline(Date.now() + 5_000, () =>
          handleOf(gardenId, date).query(roundStatusQuery),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    },

    /** Whether the round's workflow is running now. */
    async running(gardenId: string, date: string): Promise<boolean> {
      try {
        const description = await handleOf(gardenId, date).describe();
        return description.status.name === 'RUNNING';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    },

    /** Approves the routes; with the revision staff looked at, refused if planned again since. */
    approve(gardenId: string, date: string, actor: Actor, revision?: number): Promise<RoundStatus> {
      return executeAction(
        client,
        handleOf(gardenId, date),
        approveRoundUpdate,
        { actor, ...(revision !== undefined ? { revision } : {}) },
        { deadlineMs: 60_000, notRunning },
      );
    },

    changePins(gardenId: string, date: string, actor: Actor, pins: StopPin[]): Promise<RoundStatus> {
      return executeAction(
        client,
        handleOf(gardenId, date),
        changePinsUpdate,
        { actor, pins },
        { deadlineMs: 90_000, notRunning },
      );
    },

    /** Tells a running round that its baskets changed; a round not running has nothing to do. */
    async basketsChanged(gardenId: string, date: string): Promise<void> {
      try {
        await handleOf(gardenId, date).signal(roundBasketsChangedSignal);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },

    /** Tells a running round of a driver's mark (stored already); none running: nothing more to do. */
    async stopMarked(gardenId: string, date: string, mark: StopMarkedArgs): Promise<void> {
      try {
        await handleOf(gardenId, date).signal(stopMarkedSignal, mark);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },
  };
}
export type RoundCommands = ReturnType<typeof createRoundCommands>;
