import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from './garden-contact-api.ts';
import type { GardenContact, GardenContactInput } from './garden-contact-api.ts';
import { onConflict, orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/**
 * The garden's contact (email, phone, postal address) and payment instructions (payee, IBAN,
 * BIC, where cheques go): read by the member portal wherever it sends a member to the team or
 * tells them to pay by cheque or transfer, and set by garden administrators.
 */
export const useGardenContactStore = defineStore('gardenContact', () => {
  const contact = ref<GardenContact>();
  const loading = ref(false);
  const error = ref<string>();
  /** Someone else saved it meanwhile: read it again before saving. */
  const conflict = ref(false);

  /** Reads it unless already read. Never rejects on an API error (kept in `error`). */
  async function load(options: { force?: boolean } = {}): Promise<void> {
    if (contact.value && !options.force) return;
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          contact.value = await api.getContact(requireGardenId());
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

  /** Saves over `version`, the one the form was filled from. Throws the ApiError for the form. */
  async function save(input: GardenContactInput, version = contact.value?.version): Promise<GardenContact> {
    if (version === undefined) throw new Error('The garden contact has not been read.');
    return onConflict(
      async () => {
        contact.value = await api.saveContact(requireGardenId(), input, version);
        conflict.value = false;
        return contact.value;
      },
      () => {
        conflict.value = true;
      },
    );
  }

  return { contact, loading, error, conflict, load, save };
});
