import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { orProblem } from '../../api-client/problems.ts';
import { useSessionStore } from '../../stores/session.ts';
import { checklistOf, type GardenFacts } from './checklist.ts';
import { readFacts } from './garden-checklist-api.ts';

/**
 * The new garden's checklist, for its administrators: read once on the staff home from the
 * pages' own endpoints. Shown only while something is left, and only when every read answered.
 */
export const useGardenChecklistStore = defineStore('garden-checklist', () => {
  const facts = ref<GardenFacts>();
  const items = computed(() => (facts.value ? checklistOf(facts.value) : []));
  const left = computed(() => items.value.filter((item) => !item.done).length);
  const visible = computed(() => facts.value !== undefined && left.value > 0);

  async function load(): Promise<void> {
    const session = useSessionStore();
    const gardenId = session.gardenId;
    // The team is read by garden administrators only: so is the checklist.
    if (!gardenId || !session.isGardenAdmin) {
      facts.value = undefined;
      return;
    }
    const read = await orProblem(() => readFacts(gardenId));
    if (useSessionStore().gardenId !== gardenId) return;
    facts.value = read
      ? {
          seasons: read[0].seasons.length,
          depots: read[1].length,
          pricingVersion: read[2].version,
          products: read[3].length,
          teamSize: read[4].length,
        }
      : undefined;
  }

  return { facts, items, left, visible, load };
});
