/**
 * What an unpaid invoice and a cancellation do to a subscription's dates. Pure rules, read by
 * the subscription workflow when the signal or Update arrives (`now` as an argument).
 */
import { gardenDay, type IsoDate } from './calendar.ts';
import { upcomingDeliveries, type ScheduleContext } from './delivery-schedule.ts';
import type { GardenRules } from './garden-rules.ts';
import { cancellationEffectiveDate } from './subscription-actions.ts';
import type { Subscription } from './subscription.ts';

/**
 * The first day without baskets when an invoice goes unpaid: the first delivery still open to
 * changes, since baskets already promised are kept (today without a calendar yet). A
 * subscription already suspended keeps its first day.
 */
export function suspensionStart(
  subscription: Subscription,
  context: ScheduleContext | undefined,
  now: Date,
  timeZone: string,
): IsoDate {
  return (
    subscription.suspension?.from ??
    (context
      ? upcomingDeliveries(subscription, context, now, 10).find(
          (delivery) => Date.parse(delivery.changeableUntil) > now.getTime(),
        )?.date
      : undefined) ??
    gardenDay(now, timeZone)
  );
}

/**
 * When a subscription cancelled now ends, and how: an application not yet started is
 * cancelled at once; a running subscription ends after the garden's notice, never after its
 * season.
 */
export function cancellationOutcome(
  subscription: Subscription,
  rules: Pick<GardenRules, 'cancellationNoticeDays'>,
  now: Date,
  timeZone: string,
): { effectiveDate: IsoDate; change: Pick<Partial<Subscription>, 'status' | 'endDate'> } {
  const notStarted = subscription.status === 'pending' || subscription.status === 'waitlisted';
  const effectiveDate = notStarted
    ? gardenDay(now, timeZone)
    : cancellationEffectiveDate(subscription, rules, now, timeZone);
  return {
    effectiveDate,
    change: notStarted
      ? { status: 'cancelled' }
      : {
          endDate:
            subscription.endDate && subscription.endDate < effectiveDate
              ? subscription.endDate
              : effectiveDate,
        },
  };
}
