import type { SubscriptionView } from '../../../domain/views.ts';
import type {
  SubscriptionDecisionInput,
  SubscriptionRequest,
  SubscriptionStatus,
} from '../../../domain/subscription.ts';
import { request, send } from './request.ts';

export type { SubscriptionView };

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;

export const listSubscriptions = (gardenId: string, status?: SubscriptionStatus) =>
  request<SubscriptionView[]>('GET', `${garden(gardenId)}/subscriptions`, { query: { status } });

export const getSubscription = (
  gardenId: string,
  subscriptionId: string,
  options: { toast?: boolean } = {},
) =>
  request<SubscriptionView>(
    'GET',
    `${garden(gardenId)}/subscriptions/${encodeURIComponent(subscriptionId)}`,
    options,
  );

export const listMemberSubscriptions = (gardenId: string, memberId: string) =>
  request<SubscriptionView[]>(
    'GET',
    `${garden(gardenId)}/members/${encodeURIComponent(memberId)}/subscriptions`,
  );

/**
 * Applies for a subscription. `recorded` is false on 202: the workflow has started but has
 * not written the subscription yet (it will show in lists shortly).
 */
export async function applyForSubscription(gardenId: string, application: SubscriptionRequest) {
  const answer = await send<SubscriptionView>('POST', `${garden(gardenId)}/subscriptions`, {
    body: application,
    toast: false,
  });
  return { subscription: answer.data, recorded: answer.status === 201 };
}

/** Errors are toasted by the request chain: the store rolls its optimistic change back. */
export const decideOnSubscription = (
  gardenId: string,
  subscriptionId: string,
  decision: SubscriptionDecisionInput,
) =>
  request<SubscriptionView>(
    'POST',
    `${garden(gardenId)}/subscriptions/${encodeURIComponent(subscriptionId)}/decision`,
    { body: decision },
  );
