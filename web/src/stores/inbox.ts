import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SubscriptionStatus } from '../../../domain/subscription.ts';
import * as api from '../api-client/inbox.ts';
import { isApiError } from '../api-client/request.ts';
import { requireGardenId } from './session.ts';
import { useSubscriptionStore } from './subscriptions.ts';

/** An item of the inbox, its subscription kept in the subscription store. */
export interface InboxEntry {
  kind: api.InboxItem['kind'];
  since: string;
  subscriptionId: string;
  depotLoad?: { active: number; capacity: number };
}

const awaiting: readonly SubscriptionStatus[] = ['pending', 'waitlisted'];

/**
 * What waits on staff (applications to approve, and the waiting list), oldest first, and
 * how many: the navigation badge and the dashboard read `awaitingCount`.
 *
 * The API lists from Temporal's visibility, which follows decisions with a short delay: an
 * item decided here may still be listed for a moment. The subscription store knows better
 * (it holds what the decision answered), so the count leaves out what is no longer awaiting.
 */
export const useInboxStore = defineStore('inbox', () => {
  const entries = ref<InboxEntry[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string>();
  /** The API's count, when the list itself has not been read. */
  const serverCount = ref<number>();
  const countedOut = new Set<string>();

  const stillAwaiting = (entry: InboxEntry) => {
    const status = useSubscriptionStore().byId[entry.subscriptionId]?.status;
    return status === undefined || awaiting.includes(status);
  };

  const awaitingCount = computed<number | undefined>(() =>
    loaded.value ? entries.value.filter(stillAwaiting).length : serverCount.value,
  );

  /** Reads the inbox; never rejects on an API error (kept in `error`, already toasted). */
  async function load(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      const { items } = await api.listInbox(requireGardenId());
      const subscriptions = useSubscriptionStore();
      // Weeks to compose have their own page; the inbox list here shows applications.
      const applications = items.flatMap((item) => (item.kind === 'subscription-approval' ? [item] : []));
      entries.value = applications.map((item) => {
        subscriptions.remember(item.subscription);
        return {
          kind: item.kind,
          since: item.since,
          subscriptionId: item.subscription.id,
          ...(item.depotLoad ? { depotLoad: item.depotLoad } : {}),
        };
      });
      loaded.value = true;
      serverCount.value = entries.value.length;
    } catch (failure) {
      if (!isApiError(failure)) throw failure;
      error.value = failure.message;
    } finally {
      loading.value = false;
    }
  }

  /** The count alone (start-up, dashboard); quiet on failure. */
  async function loadCount(): Promise<void> {
    try {
      serverCount.value = (await api.countInbox(requireGardenId())).count;
      countedOut.clear();
    } catch (failure) {
      if (!isApiError(failure)) throw failure;
    }
  }

  /** A decision was taken (here or on another screen): the count follows at once. */
  function decided(subscriptionId: string, status: SubscriptionStatus): void {
    if (loaded.value || awaiting.includes(status) || serverCount.value === undefined) return;
    // Read again, the count could still include it (visibility lags): count it out here.
    if (!countedOut.has(subscriptionId)) {
      countedOut.add(subscriptionId);
      serverCount.value = Math.max(0, serverCount.value - 1);
    }
  }

  return { entries, loaded, loading, error, awaitingCount, load, loadCount, decided };
});
