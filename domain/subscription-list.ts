import Type from 'typebox';
import {
  subscriptionStatuses,
  type BasketSize,
  type Subscription,
  type SubscriptionStatus,
} from './subscription.ts';
import { SubscriptionView } from './views.ts';

/**
 * The staff's subscription list: filtered by status, depot and basket size, sorted, and cut
 * into pages by number. The list is sorted by names the store has no index for, so the API
 * reads the garden's subscriptions (a few hundred to a few thousand) and sends one page.
 */

/** How the list can be sorted: application (oldest first), member name, start (newest first), depot. */
export const subscriptionSorts = ['requested', 'name', 'start', 'depot'] as const;
export type SubscriptionSort = (typeof subscriptionSorts)[number];

export interface SubscriptionListQuery {
  status?: SubscriptionStatus | undefined;
  depotId?: string | undefined;
  basketSize?: BasketSize | undefined;
  sort?: SubscriptionSort | undefined;
  /** From 1; past the last page, the last page. */
  page?: number | undefined;
  perPage: number;
}

export const SubscriptionPage = Type.Object({
  subscriptions: Type.Array(SubscriptionView),
  /** How many subscriptions the filters keep, over every page. */
  total: Type.Integer({ minimum: 0 }),
  page: Type.Integer({ minimum: 1 }),
  pages: Type.Integer({ minimum: 1 }),
  /** For each status, how many the depot and basket filters keep (whatever the status asked). */
  statusCounts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
});
export type SubscriptionPage = Type.Static<typeof SubscriptionPage>;

/**
 * A subscription with what its sorts read: the member's name as the member list sorts it (last
 * name first, folded: `memberSortName`) and the depot's name.
 */
export type ListedSubscription = Subscription & {
  memberSortName?: string | undefined;
  depotName?: string | undefined;
};

const byText = (a: string | undefined, b: string | undefined) =>
  (a ?? '').localeCompare(b ?? '', 'fr', { sensitivity: 'base' });

const orders: Record<SubscriptionSort, (a: ListedSubscription, b: ListedSubscription) => number> = {
  requested: (a, b) => a.requested.at.localeCompare(b.requested.at),
  name: (a, b) => byText(a.memberSortName, b.memberSortName) || b.startDate.localeCompare(a.startDate),
  start: (a, b) => b.startDate.localeCompare(a.startDate) || byText(a.memberSortName, b.memberSortName),
  depot: (a, b) => byText(a.depotName, b.depotName) || byText(a.memberSortName, b.memberSortName),
};

/** The subscriptions a query keeps, sorted, with the total and the page asked for. */
export function subscriptionListPage<T extends ListedSubscription>(
  subscriptions: readonly T[],
  query: SubscriptionListQuery,
): {
  rows: T[];
  total: number;
  page: number;
  pages: number;
  statusCounts: Record<SubscriptionStatus, number>;
} {
  const statusCounts = Object.fromEntries(subscriptionStatuses.map((status) => [status, 0])) as Record<
    SubscriptionStatus,
    number
  >;
  const kept: T[] = [];
  for (const subscription of subscriptions) {
    if (query.depotId && subscription.depotId !== query.depotId) continue;
    if (query.basketSize && subscription.basketSize !== query.basketSize) continue;
    statusCounts[subscription.status] += 1;
    if (query.status && subscription.status !== query.status) continue;
    kept.push(subscription);
  }
  const order = orders[query.sort ?? 'requested'];
  kept.sort((a, b) => order(a, b) || a.id.localeCompare(b.id));
  const pages = Math.max(1, Math.ceil(kept.length / query.perPage));
  const page = Math.min(Math.max(1, query.page ?? 1), pages);
  return {
    rows: kept.slice((page - 1) * query.perPage, page * query.perPage),
    total: kept.length,
    page,
    pages,
    statusCounts,
  };
}
