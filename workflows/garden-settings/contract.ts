/**
 * Telling every running subscription of a garden that its calendar, rules or depots changed,
 * so their schedules and reminders follow at once (a closed week, a new cutoff…).
 */
export const gardenSettingsBroadcastType = 'gardenSettingsBroadcast';

/** One broadcast per change: the id names the garden and the change. */
export { settingsBroadcastProcessId as gardenSettingsBroadcastId } from '../../domain/process-ids.ts';

export interface GardenSettingsBroadcastInput {
  gardenId: string;
  /** Workflow ids still to signal, when a run continues as new; read from the store otherwise. */
  remaining?: string[];
}

/** Copying a garden's settings to its configuration JSON in S3, once per change. */
export const gardenConfigurationCopyType = 'gardenConfigurationCopy';

export function gardenConfigurationCopyId(gardenId: string, change: string): string {
  return `${gardenId}/configuration-copy/${change}`;
}

export interface GardenConfigurationCopyInput {
  gardenId: string;
}
