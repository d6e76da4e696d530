import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { gardenTaskQueue } from '../domain/garden.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  gardenSettingsBroadcastId,
  gardenSettingsBroadcastType,
  type GardenSettingsBroadcastInput,
} from '../workflows/garden-settings/contract.ts';
import type { gardenSettingsBroadcast } from '../workflows/garden-settings/workflow.ts';

/** Tells a garden's running subscriptions that its calendar, rules or depots changed. */
export function createGardenSettingsCommands(client: Client) {
  return {
    /** `change` names the change (e.g. "calendar-v4"): announcing it twice runs once. */
    async announce(gardenId: string, change: string): Promise<void> {
      const input: GardenSettingsBroadcastInput = { gardenId };
      try {
        await client.workflow.start<typeof gardenSettingsBroadcast>(gardenSettingsBroadcastType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: gardenSettingsBroadcastId(gardenId, change),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
  };
}
export type GardenSettingsCommands = ReturnType<typeof createGardenSettingsCommands>;
