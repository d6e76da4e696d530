import type { Store } from './store/index.ts';
import { createSubscriptionActivities } from './subscription-activities.ts';

/** All activities of the worker, built once from their clients. */
export function createActivities(deps: { store: Store }) {
  return {
    ...createSubscriptionActivities({ subscriptions: deps.store.subscriptions }),
  };
}
export type Activities = ReturnType<typeof createActivities>;
