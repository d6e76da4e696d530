import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from './fleet-api.ts';
import type { Fleet, FleetInput } from './fleet-api.ts';
import { onConflict, orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The garden's vehicles and drivers, service times and optimiser (read by staff, set by its admins). */
export const useFleetStore = defineStore('fleet', () => {
  const fleet = ref<Fleet>();
  const loading = ref(false);
  const error = ref<string>();
  /** Someone else saved the fleet meanwhile: read it again before saving. */
  const conflict = ref(false);

  /** Reads the fleet unless already read. Never rejects on an API error (kept in `error`). */
  async function load(options: { force?: boolean } = {}): Promise<void> {
    if (fleet.value && !options.force) return;
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          fleet.value = await api.getFleet(requireGardenId());
          conflict.value = false;
        },
        (failure) => {
          error.value = failure.message;
        },
      );
    } finally {
      loading.value = false;
    }
  }

  /**
   * Saves over `version`, the one the form was filled from (the last read by default).
   * Throws the ApiError for the form (409: `conflict`).
   */
  async function save(input: FleetInput, version = fleet.value?.version): Promise<Fleet> {
    if (version === undefined) throw new Error('The fleet has not been read.');
    return onConflict(
      async () => {
        fleet.value = await api.saveFleet(requireGardenId(), input, version);
        conflict.value = false;
        return fleet.value;
      },
      () => {
        conflict.value = true;
      },
    );
  }

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
