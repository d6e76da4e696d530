import { addDays, formatDay, gardenDay, gardenTimeZone, isIsoDate, type IsoDate } from './calendar.ts';
import { changeDeadline } from './change-deadline.ts';
import {
  cutoffOf,
  isDeliveryDay,
  seasonOf,
  type CutoffRule,
  type DeliveryCalendar,
} from './delivery-calendar.ts';
import { mondayOf } from './iso-weeks.ts';
import type { GardenRules } from './garden-rules.ts';
import type { Localized } from './locale.ts';
import { ownValue } from './records.ts';
import { absenceOutcomeOf, type AbsenceOutcome, type BasketSize, type Subscription } from './subscription.ts';

/** What the schedule of a subscription depends on besides the subscription itself. */
export interface ScheduleContext {
  calendar: Pick<DeliveryCalendar, 'seasons' | 'closedWeeks' | 'cutoffHours'>;
  /** Delivery weekday of each depot, by id. */
  depotWeekdays: Readonly<Record<string, number>>;
  /** The garden's rule: the outcome of absences noted before each kept its own. */
  absencePolicy: GardenRules['absencePolicy'];
  timeZone?: string;
  /** Absent: the last day included (see `CutoffRule`); only older subscription runs say otherwise. */
  cutoffRule?: CutoffRule;
}

/** One delivery day of a subscription, as the member and staff see it ahead. */
export interface ScheduledDelivery {
  date: IsoDate;
  depotId: string;
  basketSize: BasketSize;
  /** Baskets handed over: two when an absence is made up for (compensated absences). */
  baskets: number;
  /** `suspended`: no basket while an invoice is unpaid (staff decision). */
  state: 'delivery' | 'absent' | 'paused' | 'suspended';
  /** An absent day: what becomes of its basket (donated, made up for, credited). */
  outcome?: AbsenceOutcome;
  /** Until this instant (ISO, UTC) the member may still change this delivery. */
  changeableUntil: string;
}

/** What of a subscription its schedule is worked out from. */
export type ScheduledSubscription = Pick<
  Subscription,
  | 'startDate'
  | 'depotId'
  | 'basketSize'
  | 'frequency'
  | 'changes'
  | 'absences'
  | 'pause'
  | 'endDate'
  | 'suspension'
>;

/** Depot and basket size in force on a day, after the changes effective by then. */
export function termsOn(
  subscription: ScheduledSubscription,
  day: IsoDate,
): { depotId: string; basketSize: BasketSize } {
  let depotId = subscription.depotId;
  let basketSize = subscription.basketSize;
  for (const change of subscription.changes ?? []) {
    if (change.effectiveFrom > day) continue;
    depotId = change.depotId ?? depotId;
    basketSize = change.basketSize ?? basketSize;
  }
  return { depotId, basketSize };
}

/** Fortnightly subscriptions deliver every other ISO week, counted from their start week. */
function inRhythm(subscription: ScheduledSubscription, day: IsoDate): boolean {
  if (subscription.frequency === 'weekly') return true;
  const weeks = Math.round(
    (Date.parse(mondayOf(day)) - Date.parse(mondayOf(subscription.startDate))) / (7 * 86_400_000),
  );
  return weeks % 2 === 0;
}

/**
 * Changes as they take effect: a move to a depot that delivers earlier in the week than the
 * change's first day would leave that week without a basket (the new depot's day is past,
 * the old one's no longer applies), so that week stays at the old depot and the move starts
 * the week after.
 */
function settledChanges(
  subscription: ScheduledSubscription,
  depotWeekdays: Readonly<Record<string, number>>,
): ScheduledSubscription['changes'] {
  let depotId = subscription.depotId;
  return (subscription.changes ?? []).map((change) => {
    const previous = depotId;
    if (!change.depotId) return change;
    depotId = change.depotId;
    const before = ownValue(depotWeekdays, previous);
    const after = ownValue(depotWeekdays, change.depotId);
    if (before === undefined || after === undefined) return change;
    const monday = mondayOf(change.effectiveFrom);
    const newDay = addDays(monday, after - 1);
    const oldDay = addDays(monday, before - 1);
    if (newDay < change.effectiveFrom && oldDay >= change.effectiveFrom) {
      return { ...change, effectiveFrom: addDays(monday, 7) };
    }
    return change;
  });
}

/**
 * The delivery days of a subscription between two days (inclusive), following the garden's
 * calendar (seasons, closed weeks), the depot's weekday, the frequency, depot and basket
 * changes, the pause and reported absences.
 */
export function deliverySchedule(
  subscription: ScheduledSubscription,
  context: ScheduleContext,
  from: IsoDate,
  until: IsoDate,
  /** At most this many deliveries: the rest of the window is not worked out. */
  limit = Number.POSITIVE_INFINITY,
): ScheduledDelivery[] {
  const timeZone = context.timeZone ?? gardenTimeZone;
  const settled = { ...subscription, changes: settledChanges(subscription, context.depotWeekdays) };
  const absent = new Map(
    (subscription.absences ?? []).map((absence) => [
      absence.date,
      absenceOutcomeOf(absence, context.absencePolicy),
    ]),
  );
  const last = subscription.endDate && subscription.endDate < until ? subscription.endDate : until;
  const schedule: ScheduledDelivery[] = [];
  // Absences owed as extra baskets, counted from the start so a window shows them right.
  let owed = 0;
  for (let day = subscription.startDate; day <= last && schedule.length < limit; day = addDays(day, 1)) {
    const terms = termsOn(settled, day);
    const weekday = ownValue(context.depotWeekdays, terms.depotId);
    if (
      weekday === undefined ||
      !isDeliveryDay(context.calendar, weekday, day) ||
      !inRhythm(subscription, day)
    ) {
      continue;
    }
    const pause = subscription.pause;
    let state: ScheduledDelivery['state'] = 'delivery';
    let baskets = 1;
    if (pause && pause.from <= day && day < pause.until) {
      state = 'paused';
      baskets = 0;
    } else if (subscription.suspension && subscription.suspension.from <= day) {
      state = 'suspended';
      baskets = 0;
    } else if (absent.has(day)) {
      state = 'absent';
      baskets = 0;
      // Each absence by its own outcome: only a compensated one is owed as an extra basket.
      if (absent.get(day) === 'compensated') owed++;
    } else if (owed > 0) {
      baskets += 1;
      owed--;
    }
    if (day >= from) {
      const outcome = state === 'absent' ? absent.get(day) : undefined;
      schedule.push({
        date: day,
        ...terms,
        baskets,
        state,
        ...(outcome ? { outcome } : {}),
        changeableUntil: cutoffOf(
          day,
          context.calendar.cutoffHours,
          timeZone,
          context.cutoffRule,
        ).toISOString(),
      });
    }
  }
  return schedule;
}

/** The next delivery days from now on (a year ahead at most), including absent and paused ones. */
export function upcomingDeliveries(
  subscription: ScheduledSubscription,
  context: ScheduleContext,
  now: Date,
  count: number,
): ScheduledDelivery[] {
  const today = gardenDay(now, context.timeZone ?? gardenTimeZone);
  return deliverySchedule(subscription, context, today, addDays(today, 370), count);
}

/** The first delivery day that can still be changed: changes take effect from it. */
export function firstChangeableDelivery(
  subscription: ScheduledSubscription,
  context: ScheduleContext,
  now: Date,
): ScheduledDelivery | undefined {
  const timeZone = context.timeZone ?? gardenTimeZone;
  const today = gardenDay(now, timeZone);
  // No day before the cutoff's reach can change; of the deliveries from that day on, the
  // first may fall on it and be fixed already, the second cannot.
  const reach = gardenDay(new Date(now.getTime() + context.calendar.cutoffHours * 3_600_000), timeZone);
  return deliverySchedule(subscription, context, reach > today ? reach : today, addDays(today, 370), 2).find(
    (delivery) => Date.parse(delivery.changeableUntil) > now.getTime(),
  );
}

/**
 * Why no absence can be reported or taken back on this day at all: a day the calendar does
 * not have, or a subscription that is not running.
 */
function absenceDayRefusal(status: Subscription['status'], day: IsoDate): Localized | undefined {
  if (!isIsoDate(day)) {
    return { fr: `Le ${day} n'existe pas dans le calendrier.`, en: `${day} does not exist.` };
  }
  if (status !== 'active' && status !== 'paused') {
    return { fr: "Cet abonnement n'est pas actif.", en: 'This subscription is not active.' };
  }
  return undefined;
}

/** How many of these absences fall in the season of `day` (none when `day` is in no season). */
function countInSeason(
  absences: ReadonlyArray<{ date: IsoDate }> | undefined,
  calendar: ScheduleContext['calendar'],
  day: IsoDate,
): number {
  const season = seasonOf(calendar, day);
  if (!season) return 0;
  return (absences ?? []).filter((absence) => season.start <= absence.date && absence.date <= season.end)
    .length;
}

/**
 * The garden's policy on one more absence: why it is refused when `taken` are already noted
 * this season, or undefined. By default the season's maximum (`seasonLimitRefusal`); an
 * absence-policy extension's decisions replace it (`decidedPolicy`), never the facts.
 */
export type AbsencePolicyCheck = (day: IsoDate, taken: number) => Localized | undefined;

/** Why this absence cannot be reported, or undefined when it can. */
export function absenceRefusal(
  subscription: ScheduledSubscription & Pick<Subscription, 'status'>,
  context: ScheduleContext,
  rules: Pick<GardenRules, 'maxAbsencesPerSeason'>,
  day: IsoDate,
  now: Date,
  policy: AbsencePolicyCheck = (_day, taken) => seasonLimitRefusal(taken, rules),
): Localized | undefined {
  const timeZone = context.timeZone ?? gardenTimeZone;
  const refused = absenceDayRefusal(subscription.status, day);
  if (refused) return refused;
  const [delivery] = deliverySchedule(subscription, context, day, day);
  if (!delivery) {
    return {
      fr: `Aucune livraison n'est prévue pour vous le ${formatDay(day, 'fr')}.`,
      en: `No delivery is planned for you on ${formatDay(day, 'en')}.`,
    };
  }
  if (delivery.state === 'absent') {
    return { fr: 'Cette absence est déjà notée.', en: 'This absence is already noted.' };
  }
  if (delivery.state === 'paused') {
    return {
      fr: 'Votre abonnement est en pause ce jour-là : rien à signaler.',
      en: 'Your subscription is paused that day: nothing to report.',
    };
  }
  if (Date.parse(delivery.changeableUntil) <= now.getTime()) {
    return {
      fr: `Trop tard : une absence pour cette livraison pouvait être signalée ${changeDeadline(delivery.changeableUntil, timeZone).fr}.`,
      en: `Too late: an absence for this delivery could be reported ${changeDeadline(delivery.changeableUntil, timeZone).en}.`,
    };
  }
  return policy(day, countInSeason(subscription.absences, context.calendar, day));
}

/**
 * The garden's own limit on absences: why one more cannot be taken when `taken` are already
 * noted this season, or undefined. The rest of `absenceRefusal` is about facts (no delivery
 * that day, too late); this part is policy, which the absence-policy extension hook may replace.
 */
export function seasonLimitRefusal(
  taken: number,
  rules: Pick<GardenRules, 'maxAbsencesPerSeason'>,
): Localized | undefined {
  if (rules.maxAbsencesPerSeason === 0) {
    return {
      fr: "Le jardin ne prévoit pas d'absences : parlez-en à l'équipe du jardin.",
      en: 'The garden does not take absences: talk to the garden staff.',
    };
  }
  if (taken >= rules.maxAbsencesPerSeason) {
    return {
      fr: `Vous avez déjà signalé ${taken} absence${taken > 1 ? 's' : ''} cette saison : c'est le maximum prévu par le jardin.`,
      en: `You have already reported ${taken} absence${taken > 1 ? 's' : ''} this season: that is the garden's maximum.`,
    };
  }
  return undefined;
}

/** The most dates one report of absences may hold. */
export const maxAbsencesPerReport = 20;

/**
 * Why these absences cannot be reported together, or undefined when they can. Each date is
 * checked as if the earlier ones were already noted, so the season's maximum counts them all.
 */
export function absencesRefusal(
  subscription: ScheduledSubscription & Pick<Subscription, 'status'>,
  context: ScheduleContext,
  rules: Pick<GardenRules, 'maxAbsencesPerSeason'>,
  days: readonly IsoDate[],
  now: Date,
  policy?: AbsencePolicyCheck,
): Localized | undefined {
  if (days.length === 0 || days.length > maxAbsencesPerReport) {
    return {
      fr: `Choisissez entre 1 et ${maxAbsencesPerReport} dates.`,
      en: `Choose between 1 and ${maxAbsencesPerReport} dates.`,
    };
  }
  let candidate = subscription;
  for (const day of [...new Set(days)].sort()) {
    const refusal = absenceRefusal(candidate, context, rules, day, now, policy);
    if (refusal) return refusal;
    const noted = { date: day, reported: { by: { userId: '', name: '' }, at: '' } };
    candidate = { ...candidate, absences: [...(candidate.absences ?? []), noted] };
  }
  return undefined;
}

/**
 * How many absences a member may take back in one season. Each one taken back stays in the
 * subscription's record for staff to see, so their number is bounded like changes and pauses.
 */
export const maxAbsenceWithdrawalsPerSeason = 10;

/**
 * Why this absence cannot be taken back (the basket delivered after all), or undefined when
 * it can: until the delivery's cutoff, the same last day included as for reporting it.
 */
export function absenceWithdrawalRefusal(
  subscription: Pick<Subscription, 'status' | 'absences' | 'withdrawnAbsences'>,
  context: Pick<ScheduleContext, 'calendar' | 'timeZone' | 'cutoffRule'>,
  day: IsoDate,
  now: Date,
): Localized | undefined {
  const timeZone = context.timeZone ?? gardenTimeZone;
  const refused = absenceDayRefusal(subscription.status, day);
  if (refused) return refused;
  if (!(subscription.absences ?? []).some((absence) => absence.date === day)) {
    return {
      fr: `Aucune absence n'est notée pour le ${formatDay(day, 'fr')} : rien à annuler.`,
      en: `No absence is recorded for ${formatDay(day, 'en')}: nothing to undo.`,
    };
  }
  const changeableUntil = cutoffOf(
    day,
    context.calendar.cutoffHours,
    timeZone,
    context.cutoffRule,
  ).toISOString();
  if (Date.parse(changeableUntil) <= now.getTime()) {
    return {
      fr: `Trop tard : cette absence pouvait être annulée ${changeDeadline(changeableUntil, timeZone).fr}. Le panier de ce jour-là est déjà prévu sans vous.`,
      en: `Too late: this absence could be undone ${changeDeadline(changeableUntil, timeZone).en}. That day's baskets are already planned without you.`,
    };
  }
  const withdrawn = countInSeason(subscription.withdrawnAbsences, context.calendar, day);
  if (withdrawn >= maxAbsenceWithdrawalsPerSeason) {
    return {
      fr: `Vous avez déjà annulé ${maxAbsenceWithdrawalsPerSeason} absences cette saison : pour celle-ci, parlez-en à l'équipe du jardin.`,
      en: `You have already undone ${maxAbsenceWithdrawalsPerSeason} absences this season: for this one, talk to the garden's staff.`,
    };
  }
  return undefined;
}
