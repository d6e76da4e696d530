import { addDays, gardenDay, gardenTimeZone, type IsoDate } from '../../../../domain/calendar.ts';
import type { DeliveryCalendar } from '../../../../domain/delivery-calendar.ts';
import {
  absenceRefusal,
  deliverySchedule,
  type ScheduleContext,
} from '../../../../domain/delivery-schedule.ts';
import type { GardenRules } from '../../../../domain/garden-rules.ts';
import type { Locale } from '../../../../domain/locale.ts';
import {
  cancellationEffectiveDate,
  changeRefusal,
  pauseRefusal,
  renewalRefusal,
} from '../../../../domain/subscription-actions.ts';
import type { BasketSize, Subscription } from '../../../../domain/subscription.ts';

/**
 * The subscription's rules, run in the browser before sending, in the very words the
 * workflow would refuse with. The workflow still decides: a refusal it sends is shown as is.
 */

/**
 * Why these absences cannot be reported, or undefined. Each day is checked as if the earlier
 * ones were already noted, as the workflow does, so the season's maximum counts them all.
 */
export function absenceProblem(
  subscription: Subscription,
  context: ScheduleContext,
  rules: Pick<GardenRules, 'maxAbsencesPerSeason'>,
  dates: readonly IsoDate[],
  now: Date,
  locale: Locale,
): string | undefined {
  let candidate = subscription;
  for (const date of [...new Set(dates)].sort()) {
    const refusal = absenceRefusal(candidate, context, rules, date, now);
    if (refusal) return refusal[locale];
    candidate = {
      ...candidate,
      absences: [...(candidate.absences ?? []), { date, reported: { by: { userId: '', name: '' }, at: '' } }],
    };
  }
  return undefined;
}

export function pauseProblem(
  subscription: Subscription,
  context: ScheduleContext,
  from: IsoDate,
  until: IsoDate,
  now: Date,
  locale: Locale,
): string | undefined {
  return pauseRefusal(subscription, context, from, until, now)?.[locale];
}

/** What a pause means for the member: how many deliveries it skips, and the first one after. */
export function pauseSummary(
  subscription: Subscription,
  context: ScheduleContext,
  from: IsoDate,
  until: IsoDate,
): { skipped: number; resumesOn: IsoDate | undefined } {
  if (!(from < until)) return { skipped: 0, resumesOn: undefined };
  // The schedule as if there were no pause, from the pause's start to well after its end.
  const planned = deliverySchedule({ ...subscription, pause: undefined }, context, from, addDays(until, 60));
  return {
    skipped: planned.filter((delivery) => delivery.date < until && delivery.state === 'delivery').length,
    resumesOn: planned.find((delivery) => delivery.date >= until)?.date,
  };
}

export function changeProblem(
  subscription: Subscription,
  context: ScheduleContext,
  change: { depotId?: string; basketSize?: BasketSize },
  now: Date,
  locale: Locale,
): string | undefined {
  return changeRefusal(subscription, context, change, now)?.[locale];
}

export function renewalProblem(
  subscription: Subscription,
  calendar: Pick<DeliveryCalendar, 'seasons'>,
  locale: Locale,
): string | undefined {
  return renewalRefusal(subscription, calendar)?.[locale];
}

/**
 * The last day of a subscription cancelled now: after the garden's notice (never after its
 * end); an application not started yet is withdrawn the same day.
 */
export function cancellationDate(
  subscription: Pick<Subscription, 'status' | 'startDate' | 'endDate'>,
  rules: Pick<GardenRules, 'cancellationNoticeDays'>,
  now: Date,
  timeZone = gardenTimeZone,
): IsoDate {
  if (subscription.status === 'pending' || subscription.status === 'waitlisted') {
    return gardenDay(now, timeZone);
  }
  return cancellationEffectiveDate(subscription, rules, now, timeZone);
}

/** The date the last change takes effect from, as the workflow answered it. */
export function lastChangeEffectiveFrom(subscription: Pick<Subscription, 'changes'>): IsoDate | undefined {
  const changes = subscription.changes ?? [];
  return changes[changes.length - 1]?.effectiveFrom;
}
