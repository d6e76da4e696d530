import { defineStore } from 'pinia';
import * as api from './fleet-api.ts';
import type { Fleet, FleetInput } from './fleet-api.ts';
import { requireGardenId } from '../../stores/session.ts';
import { useVersionedSettings } from '../../stores/versioned-settings.ts';

/** The garden's vehicles and drivers, service times and optimiser (read by staff, set by its admins). */
export const useFleetStore = defineStore('fleet', () => {
  const {
    settings: fleet,
    loading,
    error,
    conflict,
    load,
    save,
  } = useVersionedSettings<Fleet, FleetInput>('The fleet', { read: api.getFleet, write: api.saveFleet });

  /** Stores the Circuit key (never kept here: only the hint the answer carries). Throws the ApiError. */
  async function saveCircuitKey(key: string, webhookSecret?: string): Promise<Fleet> {
    fleet.value = await api.saveCircuitKey(requireGardenId(), key, webhookSecret);
    return fleet.value;
  }

  async function removeCircuitKey(): Promise<Fleet> {
    fleet.value = await api.removeCircuitKey(requireGardenId());
    return fleet.value;
  }

  return { fleet, loading, error, conflict, load, save, saveCircuitKey, removeCircuitKey };
});
