import type { Store } from '../../adapters/store/index.ts';
import { memberDisplayName, memberSortName } from '../../domain/member.ts';
import type { Subscription } from '../../domain/subscription.ts';
import type { SubscriptionView } from '../../domain/views.ts';

/** The member and depot names read once for a set of subscriptions. */
export interface SubscriptionNames {
  /** A subscription with the names people read beside it. */
  view(subscription: Subscription): SubscriptionView;
  /** How the member's name sorts (last name first), when the member is known. */
  memberSortName(subscription: Subscription): string | undefined;
  depotName(subscription: Subscription): string | undefined;
}

/** Reads the members and depots of these subscriptions, in one go. */
export async function subscriptionNames(
  store: Pick<Store, 'members' | 'depots'>,
  gardenId: string,
  subscriptions: readonly Subscription[],
): Promise<SubscriptionNames> {
  const [members, depots] = await Promise.all([
    store.members.getMany(
      gardenId,
      subscriptions.map((subscription) => subscription.memberId),
    ),
    store.depots.list(gardenId),
  ]);
  const depotNames = new Map(depots.map((depot) => [depot.id, depot.name]));
  const depotName = (subscription: Subscription) => depotNames.get(subscription.depotId);
  return {
    view(subscription) {
      const member = members.get(subscription.memberId);
      const depot = depotName(subscription);
      return {
        ...subscription,
        ...(member ? { memberName: memberDisplayName(member) } : {}),
        ...(depot ? { depotName: depot } : {}),
      };
    },
    memberSortName(subscription) {
      const member = members.get(subscription.memberId);
      return member ? memberSortName(member) : undefined;
    },
    depotName,
  };
}

/** Subscriptions with the member and depot names people read beside them, read in one go. */
export async function withNames(
  store: Pick<Store, 'members' | 'depots'>,
  gardenId: string,
  subscriptions: Subscription[],
): Promise<SubscriptionView[]> {
  const names = await subscriptionNames(store, gardenId, subscriptions);
  return subscriptions.map((subscription) => names.view(subscription));
}

/**
 * Reads a subscription back from the store, waiting briefly for its workflow's write: an
 * answer right after an application shows what was recorded.
 */
export async function readBack(
  store: Pick<Store, 'subscriptions'>,
  gardenId: string,
  id: string,
  minimumRevision: number,
): Promise<Subscription | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const stored = await store.subscriptions.get(gardenId, id);
    if (stored && stored.revision >= minimumRevision) return stored;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return undefined;
}
