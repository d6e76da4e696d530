import { Value } from 'typebox/value';
import { addDays, isoWeekday, type IsoDate } from '../../../../domain/calendar.ts';
import type { Locale } from '../../../../domain/locale.ts';
import {
  SubscriptionDecisionInput,
  SubscriptionRequest,
  decisionRefusal,
  subscriptionRequestRefusal,
  type BasketSize,
  type Frequency,
} from '../../../../domain/subscription.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import { schemaIssues } from '../../../../domain/validation.ts';

export interface SubscriptionFormModel {
  basketSize: BasketSize | '';
  frequency: Frequency | '';
  depotId: string;
  startDate: IsoDate;
}

export const subscriptionFormFields = ['basketSize', 'frequency', 'depotId', 'startDate'] as const;

/** A week from today, or the depot's first delivery day from then on. */
export function defaultStartDate(today: IsoDate, deliveryWeekday?: number): IsoDate {
  const nextWeek = addDays(today, 7);
  if (deliveryWeekday === undefined) return nextWeek;
  const shift = (deliveryWeekday - isoWeekday(nextWeek) + 7) % 7;
  return addDays(nextWeek, shift);
}

export function emptySubscriptionForm(today: IsoDate): SubscriptionFormModel {
  return { basketSize: '', frequency: 'weekly', depotId: '', startDate: defaultStartDate(today) };
}

/** The form as a `SubscriptionRequest`; unchosen fields are left out so the schema calls them required. */
export function subscriptionRequestOf(
  memberId: string,
  form: SubscriptionFormModel,
): Record<string, unknown> {
  const request: Record<string, unknown> = { memberId };
  if (form.basketSize) request.basketSize = form.basketSize;
  if (form.frequency) request.frequency = form.frequency;
  if (form.depotId) request.depotId = form.depotId;
  if (form.startDate) request.startDate = form.startDate;
  return request;
}

/** Checks an application with the API's schema and rules (start date not past, not too far). */
export function checkSubscriptionForm(
  memberId: string,
  form: SubscriptionFormModel,
  today: IsoDate,
  locale: Locale,
): { ok: true; request: SubscriptionRequest } | { ok: false; issues: InputIssue[] } {
  const candidate = subscriptionRequestOf(memberId, form);
  if (!Value.Check(SubscriptionRequest, candidate)) {
    return { ok: false, issues: schemaIssues(SubscriptionRequest, candidate, locale) };
  }
  const refusal = subscriptionRequestRefusal(candidate, today);
  if (refusal) return { ok: false, issues: [{ field: 'startDate', message: refusal[locale] }] };
  return { ok: true, request: candidate };
}

/** Checks a rejection reason as the workflow will (required, 3 characters at least, 500 at most). */
export function checkRejection(reason: string, locale: Locale): string | undefined {
  const input = { decision: 'reject' as const, reason: reason.trim() };
  if (!Value.Check(SubscriptionDecisionInput, input)) {
    return schemaIssues(SubscriptionDecisionInput, input, locale)[0]?.message;
  }
  return decisionRefusal('pending', false, input)?.[locale];
}
