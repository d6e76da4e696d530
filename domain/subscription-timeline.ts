/**
 * What time brings to a running subscription: its pause starting and ending, the reminders
 * before a resumption, a delivery and a renewal, and the end of its season. Pure rules: the
 * subscription workflow asks `nextEvent` when to wake up, and `applyEvent` what happens then.
 */
import { addDays, gardenDay, type IsoDate } from './calendar.ts';
import { atHour, startOfDayIn, type DeliveryCalendar } from './delivery-calendar.ts';
import { upcomingDeliveries, type ScheduleContext, type ScheduledDelivery } from './delivery-schedule.ts';
import type { GardenRules } from './garden-rules.ts';
import { ownValue } from './records.ts';
import { isRunning } from './subscription-actions.ts';
import { depotDetails, type DepotWords, type SubscriptionNotice } from './subscription-outcomes.ts';
import type { Subscription } from './subscription.ts';

/** Hour (garden time) of reminders that are not tied to a delivery. */
export const noticeHour = 10;

/** What the timeline of a subscription depends on in its garden. */
export interface TimelineGarden {
  calendar: ScheduleContext['calendar'] & Pick<DeliveryCalendar, 'seasons'>;
  rules: Pick<
    GardenRules,
    'absencePolicy' | 'resumeReminderDays' | 'renewalReminderDays' | 'dayBeforeReminderHour'
  >;
  timeZone: string;
  depotWeekdays: Readonly<Record<string, number>>;
  /** What messages say of each depot. */
  depots: Readonly<Record<string, DepotWords>>;
}

/** What the workflow remembers of notices between events (and across runs). */
export interface TimelineMemory {
  /** The last delivery whose day-before reminder came due (sent or too late). */
  remindedThrough?: IsoDate;
  /** Keys of notices already sent or given up. */
  sentNotices: ReadonlySet<string>;
}

/** One thing that happens at an instant (`at`, epoch milliseconds). */
export type SubscriptionEvent =
  | { kind: 'pause-starts'; at: number }
  | { kind: 'pause-ends'; at: number }
  | { kind: 'resume-reminder'; at: number; until: IsoDate }
  | { kind: 'delivery-reminder'; at: number; delivery: ScheduledDelivery }
  | { kind: 'renewal-reminder'; at: number; endDate: IsoDate }
  | { kind: 'season-ends'; at: number; endDate: IsoDate };

/** What an event does: a new state, a notice to queue, what to remember. */
export interface EventOutcome {
  change?: Partial<Subscription>;
  notice?: SubscriptionNotice;
  /** A reminder is counted as handled once queued, so it is never queued again. */
  handled?: string;
  remindedThrough?: IsoDate;
}

/** The schedule context of a garden, as the delivery rules read it. */
export function scheduleContextOf(garden: TimelineGarden): ScheduleContext {
  return {
    calendar: garden.calendar,
    depotWeekdays: garden.depotWeekdays,
    absencePolicy: garden.rules.absencePolicy,
    timeZone: garden.timeZone,
  };
}

const resumeReminderKey = (until: IsoDate) => `resume-reminder/${until}`;
const renewalReminderKey = (endDate: IsoDate) => `renewal-reminder/${endDate}`;

/**
 * The next thing time brings to a running subscription, if any; it may already be due
 * (`at` ≤ now). On a tie, the first in this order comes first: pause, resume reminder,
 * delivery reminder, renewal reminder, end of season.
 */
export function nextEvent(
  subscription: Subscription,
  garden: TimelineGarden,
  memory: TimelineMemory,
  now: Date,
): SubscriptionEvent | undefined {
  if (!isRunning(subscription)) return undefined;
  const zone = garden.timeZone;
  const events: SubscriptionEvent[] = [];
  const pause = subscription.pause;
  if (pause) {
    if (subscription.status === 'active' && gardenDay(now, zone) < pause.until) {
      events.push({ kind: 'pause-starts', at: startOfDayIn(pause.from, zone).getTime() });
    }
    if (subscription.status === 'paused') {
      events.push({ kind: 'pause-ends', at: startOfDayIn(pause.until, zone).getTime() });
    }
    const remindAt = atHour(
      addDays(pause.until, -garden.rules.resumeReminderDays),
      noticeHour,
      zone,
    ).getTime();
    if (
      !memory.sentNotices.has(resumeReminderKey(pause.until)) &&
      remindAt < startOfDayIn(pause.until, zone).getTime()
    ) {
      events.push({ kind: 'resume-reminder', at: remindAt, until: pause.until });
    }
  }
  const hour = garden.rules.dayBeforeReminderHour;
  if (hour !== undefined) {
    const remindedThrough = memory.remindedThrough;
    const next = upcomingDeliveries(subscription, scheduleContextOf(garden), now, 12).find(
      (delivery) => delivery.state === 'delivery' && (!remindedThrough || delivery.date > remindedThrough),
    );
    if (next) {
      events.push({
        kind: 'delivery-reminder',
        at: atHour(addDays(next.date, -1), hour, zone).getTime(),
        delivery: next,
      });
    }
  }
  const endDate = subscription.endDate;
  if (endDate) {
    if (
      subscription.seasonId &&
      !subscription.cancellation &&
      !memory.sentNotices.has(renewalReminderKey(endDate))
    ) {
      events.push({
        kind: 'renewal-reminder',
        at: atHour(addDays(endDate, -garden.rules.renewalReminderDays), noticeHour, zone).getTime(),
        endDate,
      });
    }
    events.push({ kind: 'season-ends', at: startOfDayIn(addDays(endDate, 1), zone).getTime(), endDate });
  }
  // A stable sort: on a tie, the order above holds.
  return events.sort((a, b) => a.at - b.at)[0];
}

/** What an event does to the subscription when it comes due at `now`. */
export function applyEvent(
  subscription: Subscription,
  event: SubscriptionEvent,
  garden: TimelineGarden,
  now: Date,
): EventOutcome {
  const zone = garden.timeZone;
  const depotOf = (depotId: string) => ownValue(garden.depots, depotId);
  switch (event.kind) {
    case 'pause-starts':
      return { change: { status: 'paused' } };
    case 'pause-ends':
      return { change: { status: 'active' } };
    case 'resume-reminder': {
      const next = upcomingDeliveries(
        { ...subscription, pause: undefined },
        scheduleContextOf(garden),
        startOfDayIn(event.until, zone),
        1,
      )[0];
      const key = resumeReminderKey(event.until);
      return {
        notice: {
          key,
          request: {
            kind: 'resume-reminder',
            data: {
              resumeDate: next?.date ?? event.until,
              depotName: depotOf(next?.depotId ?? subscription.depotId)?.name ?? '',
            },
          },
        },
        handled: key,
      };
    }
    case 'delivery-reminder': {
      const delivery = event.delivery;
      // Too late to be useful once the delivery day has begun.
      if (now.getTime() >= startOfDayIn(delivery.date, zone).getTime()) {
        return { remindedThrough: delivery.date };
      }
      return {
        remindedThrough: delivery.date,
        notice: {
          key: `delivery-reminder/${delivery.date}`,
          request: {
            kind: 'delivery-reminder',
            data: {
              date: delivery.date,
              ...depotDetails(depotOf(delivery.depotId)),
              basketSize: delivery.basketSize,
              baskets: delivery.baskets,
            },
          },
        },
      };
    }
    case 'renewal-reminder': {
      const key = renewalReminderKey(event.endDate);
      return {
        notice: { key, request: { kind: 'renewal-reminder', data: { endDate: event.endDate } } },
        handled: key,
      };
    }
    case 'season-ends':
      return subscription.cancellation
        ? { change: { status: 'cancelled' } }
        : {
            change: { status: 'ended' },
            notice: {
              key: `ended/${event.endDate}`,
              request: { kind: 'subscription-ended', data: { endDate: event.endDate } },
            },
          };
  }
}
