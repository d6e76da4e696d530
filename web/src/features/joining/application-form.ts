import { addDays, type IsoDate } from '../../../../domain/calendar.ts';
import { isDeliveryDay, seasonOf } from '../../../../domain/delivery-calendar.ts';
import { deliverySchedule } from '../../../../domain/delivery-schedule.ts';
import type { Frequency } from '../../../../domain/subscription.ts';
import type { Locale } from '../../../../domain/locale.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import type { ApplicationInput, GardenOffer } from './joining-api.ts';
import {
  checkMemberForm,
  emptyMemberForm,
  memberFormFields,
  type MemberFormModel,
} from '../members/member-form.ts';
import {
  checkSubscriptionForm,
  subscriptionFormFields,
  type SubscriptionFormModel,
} from '../subscriptions/subscription-form.ts';

/** The application form: the household (for a new person) and the subscription wanted. */
export interface ApplicationFormModel {
  household: MemberFormModel;
  subscription: SubscriptionFormModel;
  consent: boolean;
}

export const applicationFormFields = [
  ...memberFormFields,
  'address',
  ...subscriptionFormFields,
  'consent',
] as const;

/** An empty form, with what the account already says (its email and names: editable). */
export function emptyApplicationForm(
  email = '',
  names: { firstName?: string | undefined; lastName?: string | undefined } = {},
): ApplicationFormModel {
  return {
    household: {
      ...emptyMemberForm(),
      email,
      firstName: names.firstName?.trim() ?? '',
      lastName: names.lastName?.trim() ?? '',
    },
    subscription: { basketSize: '', frequency: 'weekly', depotId: '', startDate: '' },
    consent: false,
  };
}

/**
 * The days a subscription can start at a depot: its delivery weekday, inside a season the
 * garden has opened, not in a closed week, from tomorrow on (18 months at most, as the API).
 */
export function eligibleStartDates(
  offer: Pick<GardenOffer, 'seasons' | 'closedWeeks'>,
  deliveryWeekday: number,
  today: IsoDate,
  count = 12,
): IsoDate[] {
  const dates: IsoDate[] = [];
  const last = addDays(today, 550);
  for (let day = addDays(today, 1); day <= last && dates.length < count; day = addDays(day, 1)) {
    if (isDeliveryDay(offer, deliveryWeekday, day)) dates.push(day);
  }
  return dates;
}

/**
 * The baskets a subscription starting on `startDate` receives in that season, counted as season
 * billing counts them (its start to the season's end, closed weeks out, every other week when
 * fortnightly); undefined when the day is in no season.
 */
export function seasonDeliveries(
  offer: Pick<GardenOffer, 'seasons' | 'closedWeeks'>,
  deliveryWeekday: number,
  frequency: Frequency,
  startDate: IsoDate,
): { seasonId: string; count: number } | undefined {
  const season = seasonOf(offer, startDate);
  if (!season) return undefined;
  const deliveries = deliverySchedule(
    { startDate, depotId: 'chosen', basketSize: 'medium', frequency },
    {
      calendar: { seasons: offer.seasons, closedWeeks: offer.closedWeeks, cutoffHours: 0 },
      depotWeekdays: { chosen: deliveryWeekday },
      absencePolicy: 'donated',
    },
    startDate,
    season.end,
  );
  return {
    seasonId: season.id,
    count: deliveries.filter((delivery) => delivery.state === 'delivery').length,
  };
}

const consentRefusal = {
  fr: 'Pour adhérer, acceptez les conditions du jardin.',
  en: "To join, accept the garden's terms.",
};

/**
 * Checks the form with the API's own schemas and sentences; gives the application to send, or
 * every problem at once. `withHousehold` is false for someone who is already a member.
 */
export function checkApplicationForm(
  form: ApplicationFormModel,
  withHousehold: boolean,
  today: IsoDate,
  locale: Locale,
): { ok: true; input: ApplicationInput } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const household = withHousehold ? checkMemberForm(form.household, locale) : undefined;
  if (household && !household.ok) issues.push(...household.issues);
  // The member is not known yet: the subscription is checked for a placeholder, as the API does.
  const subscription = checkSubscriptionForm('m-check', form.subscription, today, locale);
  if (!subscription.ok) issues.push(...subscription.issues);
  if (!form.consent) issues.push({ field: 'consent', message: consentRefusal[locale] });
  if (issues.length > 0 || !subscription.ok || (household && !household.ok)) return { ok: false, issues };
  const { basketSize, frequency, depotId, startDate } = subscription.request;
  return {
    ok: true,
    input: {
      // The garden writes to a newcomer in the language they applied in.
      ...(household?.ok ? { household: { ...household.input, language: locale } } : {}),
      subscription: { basketSize, frequency, depotId, startDate },
      consent: true,
    },
  };
}
