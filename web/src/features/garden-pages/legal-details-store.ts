import { defineStore } from 'pinia';
import { useVersionedSettings } from '../../stores/versioned-settings.ts';
import * as api from './garden-pages-api.ts';
import type { LegalDetailsInput, PublisherLegalDetails } from './garden-pages-api.ts';

/** A publisher's legal details as a store: read, saved whole over the version read. */
function legalDetailsStore(
  label: string,
  access: Parameters<typeof useVersionedSettings<PublisherLegalDetails, LegalDetailsInput>>[1],
) {
  return () => {
    const {
      settings: details,
      loading,
      error,
      conflict,
      load,
      save,
    } = useVersionedSettings<PublisherLegalDetails, LegalDetailsInput>(label, access);
    return { details, loading, error, conflict, load, save };
  };
}

/**
 * Who publishes the garden's site, as the law wants it named (name, legal form, SIRET,
 * address, publication director, host): what the legal pages' templates are filled with. Set
 * by garden administrators, saved whole over the version read.
 */
export const useLegalDetailsStore = defineStore(
  'legalDetails',
  legalDetailsStore('The legal details', { read: api.getLegalDetails, write: api.saveLegalDetails }),
);

/** The network's own legal details, for its pages (set by network administrators). */
export const useNetworkLegalDetailsStore = defineStore(
  'networkLegalDetails',
  legalDetailsStore("The network's legal details", {
    read: () => api.getNetworkLegalDetails(),
    write: (_network, input, version) => api.saveNetworkLegalDetails(input, version),
    owner: () => 'network',
  }),
);
