import type { Store } from '../../adapters/store/index.ts';
import { memberDisplayName } from '../../domain/member.ts';
import type { Subscription } from '../../domain/subscription.ts';
import type { SubscriptionView } from '../../domain/views.ts';

/** Subscriptions with the member and depot names people read beside them, read in one go. */
export async function withNames(
  store: Pick<Store, 'members' | 'depots'>,
  gardenId: string,
  subscriptions: Subscription[],
): Promise<SubscriptionView[]> {
  const [members, depots] = await Promise.all([
    store.members.getMany(
      gardenId,
      subscriptions.map((subscription) => subscription.memberId),
    ),
    store.depots.list(gardenId),
  ]);
  const depotNames = new Map(depots.map((depot) => [depot.id, depot.name]));
  return subscriptions.map((subscription) => {
    const member = members.get(subscription.memberId);
    const depotName = depotNames.get(subscription.depotId);
    return {
      ...subscription,
      ...(member ? { memberName: memberDisplayName(member) } : {}),
      ...(depotName ? { depotName } : {}),
    };
  });
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
