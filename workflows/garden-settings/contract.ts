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
