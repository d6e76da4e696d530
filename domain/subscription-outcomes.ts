/**
 * What people and invoices do to a subscription: a staff decision, absences, a pause, a change
 * of depot or basket, a renewal, a cancellation, an unpaid invoice and its settlement, an
 * applicant's account deleted. Pure rules, read by the subscription workflow when the Update or
 * signal arrives (`now` as an argument): each answers the new state and the notice that tells
 * the member, which the workflow records and sends.
 */
import type { Actor } from './actor.ts';
import { gardenDay, gardenTimeZone, type IsoDate } from './calendar.ts';
import { seasonAfter, seasonOf, type DeliveryCalendar } from './delivery-calendar.ts';
import { firstChangeableDelivery, upcomingDeliveries, type ScheduleContext } from './delivery-schedule.ts';
import type { GardenRules } from './garden-rules.ts';
import type { NotificationRequest } from './notifications.ts';
import { ownValue } from './records.ts';
import { cancellationEffectiveDate, isRunning, pausesTakenIn, seasonTerms } from './subscription-actions.ts';
import {
  absenceOutcomeOf,
  awaitsDecision,
  type AbsenceOutcome,
  type BasketSize,
  type Subscription,
  type SubscriptionDecisionInput,
} from './subscription.ts';

/** A notice for the member, under a key that sends it once whatever happens. */
export interface SubscriptionNotice {
  key: string;
  request: NotificationRequest;
}

/** What an action does: the subscription's new state, and the notice that tells the member. */
export interface SubscriptionOutcome {
  change: Partial<Subscription>;
  notice?: SubscriptionNotice;
}

/** What messages say of a depot. */
export interface DepotWords {
  name: string;
  address: string;
  openingHours: string;
}

/** The depot's fields of a notice (empty when the depot is unknown). */
export function depotDetails(depot: DepotWords | undefined): {
  depotName: string;
  depotAddress: string;
  openingHours: string;
} {
  return {
    depotName: depot?.name ?? '',
    depotAddress: depot?.address ?? '',
    openingHours: depot?.openingHours ?? '',
  };
}

/** What the outcomes read of the garden (its snapshot, as the workflow holds it). */
export interface OutcomeGarden {
  calendar: Pick<DeliveryCalendar, 'seasons'>;
  rules: Pick<GardenRules, 'renewal' | 'absencePolicy' | 'cancellationNoticeDays'>;
  depots: Readonly<Record<string, DepotWords>>;
}

/**
 * An application made online is acknowledged at once, before staff decide: what was asked for,
 * once per application (its key).
 */
export function applicationReceivedNotice(
  subscription: Subscription,
  garden: Pick<OutcomeGarden, 'depots'> | undefined,
): SubscriptionNotice {
  const depot = garden ? ownValue(garden.depots, subscription.depotId) : undefined;
  return {
    key: 'application-received',
    request: {
      kind: 'application-received',
      data: {
        startDate: subscription.startDate,
        depotName: depotDetails(depot).depotName,
        basketSize: subscription.basketSize,
        frequency: subscription.frequency,
      },
    },
  };
}

/**
 * Staff decide on an application. A waiting list or a rejection needs nothing of the garden;
 * an approval takes the season's terms (its end and season), so the garden must be known.
 */
export function decisionOutcome(
  subscription: Subscription,
  decision: SubscriptionDecisionInput,
  actor: Actor,
  garden: OutcomeGarden | undefined,
  now: Date,
): SubscriptionOutcome {
  const reason = decision.reason?.trim();
  const decided = { by: actor, at: now.toISOString(), ...(reason ? { reason } : {}) };
  const depotOf = (depotId: string) => (garden ? ownValue(garden.depots, depotId) : undefined);
  if (decision.decision === 'waitlist') {
    return {
      change: { status: 'waitlisted', decision: { ...decided, outcome: 'waitlisted' } },
      notice: {
        key: 'waitlisted',
        request: {
          kind: 'subscription-waitlisted',
          data: { depotName: depotOf(subscription.depotId)?.name ?? '' },
        },
      },
    };
  }
  if (decision.decision === 'reject') {
    return {
      change: { status: 'rejected', decision: { ...decided, outcome: 'rejected' } },
      notice: { key: 'rejected', request: { kind: 'subscription-rejected', data: { reason: reason ?? '' } } },
    };
  }
  const terms = garden ? seasonTerms(garden.calendar, garden.rules, subscription.startDate) : {};
  const change: Partial<Subscription> = {
    status: 'active',
    decision: { ...decided, outcome: 'approved' },
    ...terms,
  };
  const approved = { ...subscription, ...change };
  return {
    change,
    notice: {
      key: 'approved',
      request: {
        kind: 'subscription-approved',
        data: {
          startDate: approved.startDate,
          ...depotDetails(depotOf(approved.depotId)),
          basketSize: approved.basketSize,
          frequency: approved.frequency,
        },
      },
    },
  };
}

/**
 * Absences noted (each date once, in order), each with what becomes of its basket: the
 * outcome decided for that day (`outcomes`: the garden's absence-policy extension), else the
 * garden's rule. The confirmation says it for each day.
 */
export function absencesOutcome(
  subscription: Subscription,
  dates: readonly IsoDate[],
  actor: Actor,
  absencePolicy: GardenRules['absencePolicy'],
  now: Date,
  outcomes: Readonly<Partial<Record<IsoDate, AbsenceOutcome>>> = {},
): SubscriptionOutcome {
  const reported = { by: actor, at: now.toISOString() };
  const unique = [...new Set(dates)].sort();
  const outcomeOf = (date: IsoDate): AbsenceOutcome => ownValue(outcomes, date) ?? absencePolicy;
  const each = unique.map(outcomeOf);
  const mixed = each.some((outcome) => outcome !== each[0]);
  return {
    change: {
      absences: [
        ...(subscription.absences ?? []),
        ...unique.map((date) => ({ date, reported, outcome: outcomeOf(date) })),
      ].sort((a, b) => a.date.localeCompare(b.date)),
    },
    notice: {
      key: `absence/${unique.join('+')}`,
      request: {
        kind: 'absence-confirmed',
        data: {
          dates: unique,
          absencePolicy: each[0] ?? absencePolicy,
          ...(mixed ? { outcomes: each } : {}),
        },
      },
    },
  };
}

/**
 * An absence taken back before its cutoff: the day's basket is delivered after all. With
 * compensated absences, the extra basket it was owed goes with it (the schedule counts what is
 * owed from the absences noted); with donated ones, the basket is no longer set aside to give.
 * Staff still see it, with who reported it and who took it back.
 */
export function absenceWithdrawalOutcome(
  subscription: Subscription,
  date: IsoDate,
  actor: Actor,
  absencePolicy: GardenRules['absencePolicy'],
  now: Date,
): SubscriptionOutcome {
  const absences = subscription.absences ?? [];
  const taken = absences.find((absence) => absence.date === date);
  // What the member is told is taken back: this absence's own outcome.
  const outcome = taken ? absenceOutcomeOf(taken, absencePolicy) : absencePolicy;
  const withdrawn = taken
    ? [
        ...(subscription.withdrawnAbsences ?? []),
        // Taken back, its basket is delivered: no outcome is kept with it.
        { date: taken.date, reported: taken.reported, withdrawn: { by: actor, at: now.toISOString() } },
      ]
    : (subscription.withdrawnAbsences ?? []);
  return {
    change: {
      absences: absences.filter((absence) => absence.date !== date),
      withdrawnAbsences: withdrawn,
    },
    notice: {
      // Reported and taken back again, the same day makes a new notice each time.
      key: `absence-withdrawn/${date}/${subscription.revision + 1}`,
      request: { kind: 'absence-withdrawn', data: { date, absencePolicy: outcome } },
    },
  };
}

/** A pause asked, counted in the pauses of its season (when the garden's calendar knows it). */
export function pauseOutcome(
  subscription: Subscription,
  pause: { from: IsoDate; until: IsoDate; actor: Actor },
  calendar: Pick<DeliveryCalendar, 'seasons'> | undefined,
  now: Date,
): SubscriptionOutcome {
  const { from, until } = pause;
  const seasonId = calendar ? seasonOf(calendar, from)?.id : undefined;
  return {
    change: {
      pause: { from, until, requested: { by: pause.actor, at: now.toISOString() } },
      ...(seasonId ? { pausesInSeason: { seasonId, count: pausesTakenIn(subscription, seasonId) + 1 } } : {}),
    },
    notice: { key: `pause/${from}/${until}`, request: { kind: 'pause-confirmed', data: { from, until } } },
  };
}

/**
 * Another depot or basket size, from the first delivery still open to changes (today when none
 * is). The notice's key is the revision this change is recorded under, one more than now.
 */
export function termsChangeOutcome(
  subscription: Subscription,
  terms: { depotId?: string; basketSize?: BasketSize; actor: Actor },
  context: ScheduleContext,
  depots: Readonly<Record<string, DepotWords>>,
  now: Date,
): SubscriptionOutcome {
  const { depotId, basketSize } = terms;
  const effectiveFrom =
    firstChangeableDelivery(subscription, context, now)?.date ??
    gardenDay(now, context.timeZone ?? gardenTimeZone);
  return {
    change: {
      changes: [
        ...(subscription.changes ?? []),
        {
          effectiveFrom,
          ...(depotId ? { depotId } : {}),
          ...(basketSize ? { basketSize } : {}),
          requested: { by: terms.actor, at: now.toISOString() },
        },
      ],
    },
    notice: {
      key: `change/${subscription.revision + 1}`,
      request: {
        kind: 'terms-changed',
        data: {
          effectiveFrom,
          ...(depotId ? { depotName: ownValue(depots, depotId)?.name ?? depotId } : {}),
          ...(basketSize ? { basketSize } : {}),
        },
      },
    },
  };
}

/** The subscription continues into the season after its own, or nothing when none is open yet. */
export function renewalOutcome(
  subscription: Subscription,
  calendar: Pick<DeliveryCalendar, 'seasons'>,
): SubscriptionOutcome | undefined {
  const current = calendar.seasons.find((season) => season.id === subscription.seasonId);
  const next = current ? seasonAfter(calendar, current) : undefined;
  if (!next) return undefined;
  return {
    change: { seasonId: next.id, endDate: next.end },
    notice: {
      key: `renewed/${next.id}`,
      request: { kind: 'subscription-renewed', data: { endDate: next.end } },
    },
  };
}

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

/** What staff decided of an unpaid invoice, as the payment process tells the subscription. */
export interface UnpaidInvoice {
  invoiceNumber: number;
  invoiceLabel: string;
  /** What is still due, in cents. */
  amount: number;
  reason: string;
  decided: Subscription['requested'];
}

/**
 * Deliveries suspended while the invoice stays unpaid. A subscription already suspended adds
 * the invoice to those holding it (the member was told already); nothing happens to one not
 * running, or for an invoice already holding it.
 */
export function suspensionOutcome(
  subscription: Subscription,
  invoice: UnpaidInvoice,
  context: ScheduleContext | undefined,
  now: Date,
  timeZone: string,
): SubscriptionOutcome | undefined {
  if (!isRunning(subscription)) return undefined;
  const current = subscription.suspension;
  if (current?.invoiceNumbers.includes(invoice.invoiceNumber)) return undefined;
  const from = suspensionStart(subscription, context, now, timeZone);
  const change: Partial<Subscription> = {
    suspension: {
      from,
      invoiceNumbers: [...(current?.invoiceNumbers ?? []), invoice.invoiceNumber],
      decided: current?.decided ?? invoice.decided,
      reason: current?.reason ?? invoice.reason,
    },
  };
  if (current) return { change };
  return {
    change,
    notice: {
      key: `suspended/${invoice.invoiceNumber}`,
      request: {
        kind: 'deliveries-suspended',
        data: { invoiceLabel: invoice.invoiceLabel, amount: invoice.amount, from },
      },
    },
  };
}

/**
 * That invoice is settled: deliveries resume once no other unpaid invoice holds them, and the
 * member hears of it then. Nothing happens for an invoice not holding the subscription.
 */
export function resumptionOutcome(
  subscription: Subscription,
  settled: { invoiceNumber: number; invoiceLabel: string; writtenOff?: boolean },
): SubscriptionOutcome | undefined {
  const current = subscription.suspension;
  if (!current?.invoiceNumbers.includes(settled.invoiceNumber)) return undefined;
  const rest = current.invoiceNumbers.filter((number) => number !== settled.invoiceNumber);
  if (rest.length > 0) return { change: { suspension: { ...current, invoiceNumbers: rest } } };
  return {
    change: { suspension: undefined },
    notice: {
      key: `resumed/${settled.invoiceNumber}`,
      request: {
        kind: 'deliveries-resumed',
        data: {
          invoiceLabel: settled.invoiceLabel,
          ...(settled.writtenOff ? { writtenOff: settled.writtenOff } : {}),
        },
      },
    },
  };
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
  const notStarted = awaitsDecision(subscription.status);
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

/** A cancellation by the member (online) or staff, recorded with who, when and why, and acknowledged. */
export function cancellation(
  subscription: Subscription,
  request: { origin: 'member' | 'staff'; reason?: string | undefined; actor: Actor },
  rules: Pick<GardenRules, 'cancellationNoticeDays'>,
  now: Date,
  timeZone: string,
): SubscriptionOutcome {
  const at = now.toISOString();
  const { origin } = request;
  const reason = request.reason?.trim();
  const { effectiveDate, change: ending } = cancellationOutcome(subscription, rules, now, timeZone);
  return {
    change: {
      cancellation: { by: request.actor, at, origin, effectiveDate, ...(reason ? { reason } : {}) },
      ...ending,
    },
    notice: {
      key: 'cancellation',
      request: {
        kind: 'cancellation-acknowledged',
        data: { requestedAt: at, effectiveDate, origin, ...(reason ? { reason } : {}) },
      },
    },
  };
}

/**
 * The applicant's online account was deleted before staff decided: the application is
 * withdrawn (cancelled today, with no notice: there is no one to tell). Nothing changes once
 * it was decided.
 */
export function applicantGoneOutcome(
  subscription: Subscription,
  userId: string,
  now: Date,
  timeZone: string,
): SubscriptionOutcome | undefined {
  if (!awaitsDecision(subscription.status)) return undefined;
  return {
    change: {
      status: 'cancelled',
      cancellation: {
        by: { userId, name: subscription.memberId },
        at: now.toISOString(),
        origin: 'member',
        effectiveDate: gardenDay(now, timeZone),
        reason: 'Compte en ligne supprimé avant la décision.',
      },
    },
  };
}
