import type { Store } from '../adapters/store/index.ts';
import { gardenStateOf } from '../domain/garden.ts';
import { gardenConfigurationOf, type GardenBlobs } from './provisioning/garden-configuration.ts';

/**
 * Keeps each garden's configuration JSON in S3 (the disaster-recovery copy of its settings)
 * in step with the store: run after every change of its calendar, rules, depots, contact or
 * prices.
 */
export function createGardenConfigurationActivities(store: Store, blobs: GardenBlobs, now: () => Date) {
  return {
    /** Copies the garden's settings as they are now; nothing for a garden gone or retired. */
    async copyGardenConfiguration(input: { gardenId: string }): Promise<'copied' | 'no-garden'> {
      const garden = await store.gardens.get(input.gardenId);
      if (!garden || gardenStateOf(garden) === 'retired') return 'no-garden';
      const at = now().toISOString();
      // The copy's own extensions are kept; this set is used only when there is no copy yet.
      const noExtensions = { gardenId: garden.id, active: [], revision: 0, updatedAt: at };
      await blobs.refreshSettings(await gardenConfigurationOf(store, garden, noExtensions, at));
      return 'copied';
    },
  };
}
export type GardenConfigurationActivities = ReturnType<typeof createGardenConfigurationActivities>;
