import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { OptionalPurpose, TermsDocument } from '../../../../domain/consents.ts';
import { orProblem } from '../../api-client/problems.ts';
import { acceptTerms, readConsents, setOptionalConsent, type ConsentsView } from './consents-api.ts';

/**
 * The signed-in member's consents: what they must accept again (read once per visit by the
 * route guard, again after accepting), the terms accepted and the optional consents. Reads keep
 * their problem in `error`; writes throw, for the screen to say.
 */
export const useConsentsStore = defineStore('consents', () => {
  const view = ref<ConsentsView>();
  const owner = ref<string>();
  const error = ref<string>();
  const loading = ref(false);

  const mustAccept = computed(() => view.value?.mustAccept ?? []);

  async function load(gardenId: string, memberId: string, force = false): Promise<ConsentsView | undefined> {
    const key = `${gardenId}/${memberId}`;
    if (!force && owner.value === key && view.value) return view.value;
    loading.value = true;
    error.value = undefined;
    try {
      const answer = await orProblem(
        () => readConsents(gardenId, memberId),
        (problem) => {
          error.value = problem.message;
        },
      );
      if (answer) {
        view.value = answer;
        owner.value = key;
      }
      return answer;
    } finally {
      loading.value = false;
    }
  }

  /** Accepts the versions the member was shown (409 when a newer one came meanwhile: read again). */
  async function accept(gardenId: string, memberId: string, shown: Record<TermsDocument, number | null>) {
    view.value = await acceptTerms(gardenId, memberId, shown);
    owner.value = `${gardenId}/${memberId}`;
  }

  /** Gives or withdraws at once on screen; back as it was, and thrown, when the API refuses. */
  async function setOptional(gardenId: string, memberId: string, purpose: OptionalPurpose, given: boolean) {
    const before = view.value;
    if (before) {
      view.value = {
        ...before,
        state: {
          ...before.state,
          optional: { ...before.state.optional, [purpose]: { given, at: new Date().toISOString() } },
        },
      };
    }
    try {
      view.value = await setOptionalConsent(gardenId, memberId, purpose, given);
    } catch (problem) {
      view.value = before;
      throw problem;
    }
  }

  return { view, error, loading, mustAccept, load, accept, setOptional };
});
