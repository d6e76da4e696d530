import { defineStore } from 'pinia';
import * as api from './garden-contact-api.ts';
import type { GardenContact, GardenContactInput } from './garden-contact-api.ts';
import { useVersionedSettings } from '../../stores/versioned-settings.ts';

/**
 * The garden's contact (email, phone, postal address) and payment instructions (payee, IBAN,
 * BIC, where cheques go): read by the member portal wherever it sends a member to the team or
 * tells them to pay by cheque or transfer, and set by garden administrators.
 */
export const useGardenContactStore = defineStore('gardenContact', () => {
  const {
    settings: contact,
    loading,
    error,
    conflict,
    load,
    save,
  } = useVersionedSettings<GardenContact, GardenContactInput>('The garden contact', {
    read: api.getContact,
    write: api.saveContact,
  });

  return { contact, loading, error, conflict, load, save };
});
