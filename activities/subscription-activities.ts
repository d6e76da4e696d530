import type { Subscription } from '../domain/subscription.ts';
import type { SubscriptionStore } from './store/subscription-store.ts';

/** Side effects of the subscription process. */
export function createSubscriptionActivities(deps: { subscriptions: SubscriptionStore }) {
  return {
    /** Writes a state of the subscription to the read model; a stale or repeated write is a no-op. */
    async recordSubscription(subscription: Subscription): Promise<void> {
      await deps.subscriptions.record(subscription);
    },
  };
}
export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
