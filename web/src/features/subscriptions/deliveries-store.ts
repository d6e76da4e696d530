import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { IsoDate } from '../../../../domain/calendar.ts';
import * as api from './subscriptions-api.ts';
import type { UpcomingDelivery } from './subscriptions-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** How many coming deliveries the screens show. */
export const deliveriesShown = 8;

/**
 * The coming delivery days of each subscription, as its workflow plans them (absences, pause,
 * depot and basket changes applied). Read again after every action on the subscription.
 */
export const useDeliveryStore = defineStore('deliveries', () => {
  const bySubscription = ref<Record<string, UpcomingDelivery[]>>({});
  const loading = ref<Record<string, boolean>>({});
  /** The last failure's sentence, per subscription. */
  const errors = ref<Record<string, string>>({});
  const latestRead = new Map<string, number>();

  /** Reads them; never rejects on an API error (kept in `errors`). */
  async function load(subscriptionId: string, count = deliveriesShown): Promise<void> {
    // Two reads may cross (an action reads again while the first read is on its way): the last one wins.
    const read = (latestRead.get(subscriptionId) ?? 0) + 1;
    latestRead.set(subscriptionId, read);
    loading.value[subscriptionId] = true;
    try {
      await orProblem(
        async () => {
          const deliveries = await api.nextDeliveries(requireGardenId(), subscriptionId, count);
          if (latestRead.get(subscriptionId) !== read) return;
          bySubscription.value[subscriptionId] = deliveries;
          delete errors.value[subscriptionId];
        },
        (error) => {
          if (latestRead.get(subscriptionId) === read) errors.value[subscriptionId] = error.message;
        },
      );
    } finally {
      if (latestRead.get(subscriptionId) === read) loading.value[subscriptionId] = false;
    }
  }

  function of(subscriptionId: string): UpcomingDelivery[] {
    return bySubscription.value[subscriptionId] ?? [];
  }

  /** Shows days as absent at once; gives back what to restore if the absence is refused. */
  function markAbsent(subscriptionId: string, dates: readonly IsoDate[]): () => void {
    const before = bySubscription.value[subscriptionId];
    if (!before) return () => undefined;
    bySubscription.value[subscriptionId] = before.map((delivery) =>
      dates.includes(delivery.date) ? { ...delivery, state: 'absent', baskets: 0 } : delivery,
    );
    return () => {
      bySubscription.value[subscriptionId] = before;
    };
  }

  /**
   * Shows an absent day as a delivery again at once (its basket count comes with the next read);
   * gives back what to restore if taking it back is refused.
   */
  function markPresent(subscriptionId: string, date: IsoDate): () => void {
    const before = bySubscription.value[subscriptionId];
    if (!before) return () => undefined;
    bySubscription.value[subscriptionId] = before.map((delivery) =>
      delivery.date === date && delivery.state === 'absent'
        ? { ...delivery, state: 'delivery', baskets: 1 }
        : delivery,
    );
    return () => {
      bySubscription.value[subscriptionId] = before;
    };
  }

  return { bySubscription, loading, errors, load, of, markAbsent, markPresent };
});
