import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from './joining-api.ts';
import type { ApplicationInput, GardenOffer, PublicGarden } from './joining-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import type { SubscriptionView } from '../subscriptions/subscriptions-api.ts';
import { useSessionStore } from '../../stores/session.ts';
import { useSubscriptionStore } from '../subscriptions/subscriptions-store.ts';

/** How long to wait for an account to be linked when the application answered before it was. */
export const accountLinkWait = { attempts: 8, delayMs: 1500 };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Joining a garden from the web: the network's gardens, what one offers, and the application.
 * A new person's account becomes a member account of the garden once the application is
 * recorded; its next token says so, so the session reads it again.
 */
export const useJoiningStore = defineStore('joining', () => {
  const gardens = ref<PublicGarden[]>([]);
  const gardensLoaded = ref(false);
  const gardensError = ref<string>();
  const offers = ref<Record<string, GardenOffer>>({});
  const offerErrors = ref<Record<string, string>>({});

  /** Never rejects on an API error (kept in `gardensError`). */
  async function loadGardens(): Promise<void> {
    gardensError.value = undefined;
    await orProblem(
      async () => {
        gardens.value = await api.listGardens();
        gardensLoaded.value = true;
      },
      (error) => {
        gardensError.value = error.message;
      },
    );
  }

  /** Never rejects on an API error (kept in `offerErrors`). */
  async function loadOffer(gardenId: string): Promise<GardenOffer | undefined> {
    if (offers.value[gardenId]) return offers.value[gardenId];
    delete offerErrors.value[gardenId];
    return orProblem(
      async () => {
        const offer = await api.getOffer(gardenId);
        offers.value[gardenId] = offer;
        return offer;
      },
      (error) => {
        offerErrors.value[gardenId] = error.message;
      },
    );
  }

  /**
   * Reads the account again until it carries its member record (the answer may come before
   * the link is made). Says whether it does.
   */
  async function awaitMemberAccount(wait = accountLinkWait): Promise<boolean> {
    const session = useSessionStore();
    for (let attempt = 0; attempt < wait.attempts; attempt++) {
      if (attempt > 0) await pause(wait.delayMs);
      await orProblem(async () => {
        await session.refreshIdentity();
      });
      if (session.memberId && session.gardenId) return true;
    }
    return false;
  }

  /**
   * Applies for a subscription; throws the ApiError for the form. For a new person, then
   * reads their account again: `memberAccount` says whether it is now a member account.
   */
  async function apply(
    gardenId: string,
    input: ApplicationInput,
    wait = accountLinkWait,
  ): Promise<{ subscription: SubscriptionView; memberAccount: boolean }> {
    const session = useSessionStore();
    const wasMember = session.memberId !== undefined;
    const answer = await api.applyOnline(gardenId, input);
    const subscription = useSubscriptionStore().adopt(answer.subscription);
    if (wasMember) return { subscription, memberAccount: true };
    // Linked already: one fresh token is enough. Otherwise the link comes in a moment.
    const memberAccount = await awaitMemberAccount(answer.accountLinked ? { ...wait, attempts: 3 } : wait);
    return { subscription, memberAccount };
  }

  return {
    gardens,
    gardensLoaded,
    gardensError,
    offers,
    offerErrors,
    loadGardens,
    loadOffer,
    apply,
    awaitMemberAccount,
  };
});
