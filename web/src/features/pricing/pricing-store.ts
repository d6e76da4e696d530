import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../billing/billing-api.ts';
import type { Pricing, PricingInput } from '../billing/billing-api.ts';
import { onConflict, orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The garden's prices, solidarity tiers, billing model and legal details (staff). */
export const usePricingStore = defineStore('pricing', () => {
  const pricing = ref<Pricing>();
  const loading = ref(false);
  const error = ref<string>();
  /** Someone else saved the pricing meanwhile: read it again before saving. */
  const conflict = ref(false);

  /** Reads the pricing unless already read. Never rejects on an API error (kept in `error`). */
  async function load(options: { force?: boolean } = {}): Promise<void> {
    if (pricing.value && !options.force) return;
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          pricing.value = await api.getPricing(requireGardenId());
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
  async function save(input: PricingInput, version = pricing.value?.version): Promise<Pricing> {
    if (version === undefined) throw new Error('The pricing has not been read.');
    return onConflict(
      async () => {
        pricing.value = await api.savePricing(requireGardenId(), input, version);
        conflict.value = false;
        return pricing.value;
      },
      () => {
        conflict.value = true;
      },
    );
  }

  return { pricing, loading, error, conflict, load, save };
});
