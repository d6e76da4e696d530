import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  gardenConfigurationCopyId,
  gardenConfigurationCopyType,
  gardenSettingsBroadcastId,
  gardenSettingsBroadcastType,
  type GardenConfigurationCopyInput,
  type GardenSettingsBroadcastInput,
} from '../workflows/garden-settings/contract.ts';
import type { gardenConfigurationCopy } from '../workflows/garden-settings/configuration-copy.ts';
import type { gardenSettingsBroadcast } from '../workflows/garden-settings/workflow.ts';

/** Tells a garden's processes that its settings changed, and copies them to S3. */
export function createGardenSettingsCommands(client: Client) {
  /** Starts a workflow once per id: a second start of the same change is a no-op. */
  async function startOnce(start: () => Promise<unknown>): Promise<void> {
    try {
      await start();
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  /** Copies the garden's settings to its configuration JSON in S3 (the disaster-recovery copy). */
  async function copyConfiguration(gardenId: string, change: string): Promise<void> {
    const input: GardenConfigurationCopyInput = { gardenId };
    await startOnce(() =>
      client.workflow.start<typeof gardenConfigurationCopy>(gardenConfigurationCopyType, {
        taskQueue: gardenTaskQueue(gardenId),
        workflowId: gardenConfigurationCopyId(gardenId, change),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
      }),
    );
  }

  return {
    /**
     * The calendar, rules or a depot changed: running subscriptions and prepared weeks hear of
     * it, and the configuration copy follows. `change` names the change (e.g. "calendar-v4"):
     * announcing it twice runs once.
     */
    async announce(gardenId: string, change: string): Promise<void> {
      const input: GardenSettingsBroadcastInput = { gardenId };
      await startOnce(() =>
        client.workflow.start<typeof gardenSettingsBroadcast>(gardenSettingsBroadcastType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: gardenSettingsBroadcastId(gardenId, change),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        }),
      );
      await copyConfiguration(gardenId, change);
    },

    /** A setting no running process reads changed (contact, prices): only the copy follows. */
    copyConfiguration,
  };
}
export type GardenSettingsCommands = ReturnType<typeof createGardenSettingsCommands>;
