import type { IsoDate } from '../../../../domain/calendar.ts';
import type { ScheduledDelivery } from '../../../../domain/delivery-schedule.ts';
import type { SubscriptionPage, SubscriptionSort } from '../../../../domain/subscription-list.ts';
import type { SubscriptionView } from '../../../../domain/views.ts';
import type {
  BasketSize,
  SubscriptionDecisionInput,
  SubscriptionRequest,
  SubscriptionStatus,
} from '../../../../domain/subscription.ts';
import { request, send } from '../../api-client/request.ts';

export type { SubscriptionPage, SubscriptionView };

/** A coming delivery day as the API answers it, with the depot's name. */
export type UpcomingDelivery = ScheduledDelivery & { depotName?: string };

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;
const one = (gardenId: string, subscriptionId: string) =>
  `${garden(gardenId)}/subscriptions/${encodeURIComponent(subscriptionId)}`;

export const listSubscriptions = (gardenId: string, status?: SubscriptionStatus) =>
  request<SubscriptionView[]>('GET', `${garden(gardenId)}/subscriptions`, { query: { status } });

/** The staff's list: one page, with filters and a sort, its total and the counts per status. */
export interface SubscriptionListQuery {
  status?: SubscriptionStatus | undefined;
  depotId?: string | undefined;
  basketSize?: BasketSize | undefined;
  sort?: SubscriptionSort | undefined;
  page: number;
  limit: number;
}

export const listSubscriptionPage = (gardenId: string, query: SubscriptionListQuery) =>
  request<SubscriptionPage>('GET', `${garden(gardenId)}/subscriptions/page`, { query: { ...query } });

export const getSubscription = (
  gardenId: string,
  subscriptionId: string,
  options: { toast?: boolean } = {},
) => request<SubscriptionView>('GET', one(gardenId, subscriptionId), options);

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

/**
 * Errors are toasted by the request chain: the store rolls its optimistic change back.
 * `keepalive` when sent as the page goes away (see `RequestOptions.keepalive`).
 */
export const decideOnSubscription = (
  gardenId: string,
  subscriptionId: string,
  decision: SubscriptionDecisionInput,
  options: { keepalive?: boolean } = {},
) =>
  request<SubscriptionView>('POST', `${one(gardenId, subscriptionId)}/decision`, {
    body: decision,
    ...options,
  });

/** The coming delivery days, absences, pause and changes applied. */
export const nextDeliveries = (gardenId: string, subscriptionId: string, count = 8) =>
  request<UpcomingDelivery[]>('GET', `${one(gardenId, subscriptionId)}/next-deliveries`, {
    query: { count },
    toast: false,
  });

/** A credited absence and where it stands (the API's `AbsenceCreditView`). */
export interface AbsenceCredit {
  date: IsoDate;
  basketSize: BasketSize;
  /** Cents: that day's basket price. */
  amount: number;
  /** Cents credited so far, on these invoices. */
  credited: number;
  invoices: Array<{ number: number; label: string }>;
  /** Cents still owed: on the household's next invoice. */
  pending: number;
  /** Its day has passed (until then the absence may be taken back). */
  due: boolean;
}

/** The subscription's credited absences: credited on which invoice, or still to credit. */
export const absenceCredits = (gardenId: string, subscriptionId: string) =>
  request<AbsenceCredit[]>('GET', `${one(gardenId, subscriptionId)}/absence-credits`, { toast: false });

// The actions below answer the subscription as its workflow left it. A refusal (422) says
// why in a sentence: the screen shows it beside the action, so no toast.

export const reportAbsences = (gardenId: string, subscriptionId: string, dates: IsoDate[]) =>
  request<SubscriptionView>('POST', `${one(gardenId, subscriptionId)}/absences`, {
    body: { dates },
    toast: false,
  });

/** Takes back an absence before its cutoff: the basket is delivered after all. */
export const withdrawAbsence = (gardenId: string, subscriptionId: string, date: IsoDate) =>
  request<SubscriptionView>('DELETE', `${one(gardenId, subscriptionId)}/absences/${date}`, { toast: false });

export const pauseSubscription = (gardenId: string, subscriptionId: string, from: IsoDate, until: IsoDate) =>
  request<SubscriptionView>('POST', `${one(gardenId, subscriptionId)}/pause`, {
    body: { from, until },
    toast: false,
  });

export interface TermsChangeInput {
  depotId?: string;
  basketSize?: BasketSize;
}

export const changeTerms = (gardenId: string, subscriptionId: string, change: TermsChangeInput) =>
  request<SubscriptionView>('POST', `${one(gardenId, subscriptionId)}/changes`, {
    body: change,
    toast: false,
  });

export const renewSubscription = (gardenId: string, subscriptionId: string) =>
  request<SubscriptionView>('POST', `${one(gardenId, subscriptionId)}/renewal`, { body: {}, toast: false });

/** A member cancels with `{}`; staff give a reason. */
export const cancelSubscription = (gardenId: string, subscriptionId: string, reason?: string) =>
  request<SubscriptionView>('POST', `${one(gardenId, subscriptionId)}/cancellation`, {
    body: reason === undefined ? {} : { reason },
    toast: false,
  });
