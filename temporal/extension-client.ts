import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Actor } from '../domain/actor.ts';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  approveVersionUpdate,
  extensionRolloutProcessId,
  extensionRolloutType,
  rejectVersionUpdate,
  rollbackVersionUpdate,
  rolloutStatusQuery,
  versionUploadedSignal,
  type RolloutStatus,
  type RolloutTimings,
} from '../workflows/extension-rollout/contract.ts';
import type { extensionRollout } from '../workflows/extension-rollout/workflow.ts';
import { executeAction } from './updates.ts';

const notRunning = () =>
  new CocagneError('conflict', {
    fr: 'Aucun déploiement de cette extension n’est en cours dans ce jardin : déposez-en une version d’abord.',
    en: 'No rollout of this extension is running in this garden: upload a version first.',
  });

/** The rollouts of the gardens' extensions, as the API drives them. */
export function createExtensionCommands(
  client: Client,
  /** `taskQueue`: one worker's queue for every garden (tests); the garden's own otherwise. */
  options: { timings?: Partial<RolloutTimings>; taskQueue?: string } = {},
) {
  const handleOf = (gardenId: string, name: string) =>
    client.workflow.getHandle(extensionRolloutProcessId(gardenId, name));

  return {
    /** Tells the garden's rollout of the extension that a version was stored (starts it the first time). */
    async uploaded(gardenId: string, name: string, version: string): Promise<void> {
      await client.workflow.signalWithStart<typeof extensionRollout, [{ version: string }]>(
        extensionRolloutType,
        {
          taskQueue: options.taskQueue ?? gardenTaskQueue(gardenId),
          workflowId: extensionRolloutProcessId(gardenId, name),
          args: [{ gardenId, name, ...(options.timings ? { timings: options.timings } : {}) }],
          signal: versionUploadedSignal,
          signalArgs: [{ version }],
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        },
      );
    },

    /**
     * Gives a version activated without a rollout (the demo seed activates its samples through
     * the catalogue) a rollout that knows it active, so that an admin can roll it back as any
     * other. Nothing happens when the garden's rollout of this extension already runs.
     */
    async adopt(gardenId: string, name: string, version: string): Promise<boolean> {
      try {
        await client.workflow.start(extensionRolloutType, {
          taskQueue: options.taskQueue ?? gardenTaskQueue(gardenId),
          workflowId: extensionRolloutProcessId(gardenId, name),
          args: [
            {
              gardenId,
              name,
              carried: { active: version, queue: [] },
              ...(options.timings ? { timings: options.timings } : {}),
            },
          ],
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        });
        return true;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
        throw error;
      }
    },

    /** Where the rollout stands; undefined when none ever ran. */
    async status(gardenId: string, name: string): Promise<RolloutStatus | undefined> {
      try {
        return await client.withDeadline(Date.now() + 5_000, () =>
          handleOf(gardenId, name).query(rolloutStatusQuery),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    },

    approve(gardenId: string, name: string, version: string, actor: Actor): Promise<RolloutStatus> {
      return executeAction(
        client,
        handleOf(gardenId, name),
        approveVersionUpdate,
        { actor, version },
        {
          deadlineMs: 60_000,
          notRunning,
        },
      );
    },

    reject(
      gardenId: string,
      name: string,
      version: string,
      actor: Actor,
      reason: string,
    ): Promise<RolloutStatus> {
      return executeAction(
        client,
        handleOf(gardenId, name),
        rejectVersionUpdate,
        { actor, version, reason },
        {
          deadlineMs: 60_000,
          notRunning,
        },
      );
    },

    rollback(
      gardenId: string,
      name: string,
      actor: Actor,
      options: { version?: string; reason?: string },
    ): Promise<RolloutStatus> {
      return executeAction(
        client,
        handleOf(gardenId, name),
        rollbackVersionUpdate,
        {
          actor,
          ...(options.version ? { version: options.version } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        },
        { deadlineMs: 60_000, notRunning },
      );
    },
  };
}
export type ExtensionCommands = ReturnType<typeof createExtensionCommands>;
