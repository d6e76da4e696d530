import { defineStore } from 'pinia';
import * as api from '../billing/billing-api.ts';
import type { Pricing, PricingInput } from '../billing/billing-api.ts';
import { useVersionedSettings } from '../../stores/versioned-settings.ts';

/** The garden's prices, solidarity tiers, billing model and legal details (staff). */
export const usePricingStore = defineStore('pricing', () => {
  const {
    settings: pricing,
    loading,
    error,
    conflict,
    load,
    save,
  } = useVersionedSettings<Pricing, PricingInput>('The pricing', {
    read: api.getPricing,
    write: api.savePricing,
  });

  return { pricing, loading, error, conflict, load, save };
});
