import { addDays, formatDay, gardenDay, gardenTimeZone, isIsoDate, type IsoDate } from './calendar.ts';
import { firstChangeableDelivery, type ScheduleContext } from './delivery-schedule.ts';
import { seasonAfter, seasonOf, type DeliveryCalendar } from './delivery-calendar.ts';
import type { GardenRules } from './garden-rules.ts';
import type { Localized } from './locale.ts';
import { ownValue } from './records.ts';
import type { BasketSize, Subscription } from './subscription.ts';

/**
 * The rules of what a member or staff may do to a running subscription: each function says
 * why an action is refused, in words for the person, or returns undefined when it is allowed.
 * Workflows run them in their Update validators, the web app before sending.
 */

const notRunning: Localized = {
  fr: "Cet abonnement n'est pas en cours : cette action n'est plus possible.",
  en: 'This subscription is not running: this action is no longer possible.',
};

export function isRunning(subscription: Pick<Subscription, 'status'>): boolean {
  return subscription.status === 'active' || subscription.status === 'paused';
}

/** The longest pause a member may take in one go. */
export const maxPauseDays = 182;

/**
 * What a member may add to a subscription in one season. Besides keeping the garden's planning
 * readable, these bounds keep the subscription's record small: it is one stored item, and
 * absences are bounded by the garden's own maximum.
 */
export const maxPausesPerSeason = 3;
export const maxChangesPerSeason = 6;

/** Pauses already asked in the season of `day`. */
export function pausesTakenIn(
  subscription: Pick<Subscription, 'pausesInSeason'>,
  seasonId: string | undefined,
): number {
  return seasonId && subscription.pausesInSeason?.seasonId === seasonId
    ? subscription.pausesInSeason.count
    : 0;
}

export function pauseRefusal(
  subscription: Subscription,
  context: ScheduleContext,
  from: IsoDate,
  until: IsoDate,
  now: Date,
): Localized | undefined {
  if (!isRunning(subscription)) return notRunning;
  if (!isIsoDate(from) || !isIsoDate(until)) {
    return { fr: "Une des dates n'existe pas.", en: 'One of the dates does not exist.' };
  }
  if (until <= from) {
    return {
      fr: 'La reprise doit être après le début de la pause.',
      en: 'Deliveries must resume after the pause starts.',
    };
  }
  if (Date.parse(until) - Date.parse(from) > maxPauseDays * 86_400_000) {
    return {
      fr: `Une pause dure au plus ${maxPauseDays / 7} semaines ; au-delà, parlez-en à l'équipe du jardin.`,
      en: `A pause lasts ${maxPauseDays / 7} weeks at most; beyond that, talk to the garden's staff.`,
    };
  }
  const first = firstChangeableDelivery(subscription, context, now);
  if (!first || from < first.date) {
    return {
      fr: first
        ? `La pause peut commencer au plus tôt le ${formatDay(first.date, 'fr')} : les livraisons d'ici là sont déjà préparées.`
        : 'Aucune livraison à venir ne peut plus être changée.',
      en: first
        ? `The pause can start on ${formatDay(first.date, 'en')} at the earliest: deliveries before then are already being prepared.`
        : 'No upcoming delivery can be changed any more.',
    };
  }
  if (subscription.endDate && from > subscription.endDate) {
    return {
      fr: "La pause commencerait après la fin de l'abonnement.",
      en: 'The pause would start after the subscription ends.',
    };
  }
  if (pausesTakenIn(subscription, seasonOf(context.calendar, from)?.id) >= maxPausesPerSeason) {
    return {
      fr: `Vous avez déjà demandé ${maxPausesPerSeason} pauses cette saison : pour une autre, parlez-en à l'équipe du jardin.`,
      en: `You have already asked for ${maxPausesPerSeason} pauses this season: for another one, talk to the garden's staff.`,
    };
  }
  return undefined;
}

/** A depot or basket change takes effect from the first delivery that can still be changed. */
export function changeRefusal(
  subscription: Subscription,
  context: ScheduleContext,
  change: { depotId?: string; basketSize?: BasketSize },
  now: Date,
): Localized | undefined {
  if (!isRunning(subscription)) return notRunning;
  if (!change.depotId && !change.basketSize) {
    return { fr: 'Rien à changer.', en: 'Nothing to change.' };
  }
  if (change.depotId && ownValue(context.depotWeekdays, change.depotId) === undefined) {
    return { fr: "Ce point de dépôt n'existe pas.", en: 'This pick-up point does not exist.' };
  }
  const first = firstChangeableDelivery(subscription, context, now);
  if (!first) {
    return {
      fr: 'Aucune livraison à venir ne peut plus être changée.',
      en: 'No upcoming delivery can be changed any more.',
    };
  }
  const season = seasonOf(context.calendar, first.date);
  const changesThisSeason = (subscription.changes ?? []).filter(
    (change) => season && season.start <= change.effectiveFrom && change.effectiveFrom <= season.end,
  ).length;
  if (changesThisSeason >= maxChangesPerSeason) {
    return {
      fr: `Cet abonnement a déjà changé ${maxChangesPerSeason} fois de dépôt ou de panier cette saison : pour un autre changement, parlez-en à l'équipe du jardin.`,
      en: `This subscription has already changed depot or basket ${maxChangesPerSeason} times this season: for another change, talk to the garden's staff.`,
    };
  }
  return undefined;
}

/** How long a subscription keeps the detail of its past changes and absences. */
const keptDays = 400;

/**
 * The same subscription without the detail that no longer matters: changes and absences more
 * than a year and a season old. Old changes are folded into its terms (depot and basket in
 * force), so every delivery from then on is the same; its start (the fortnightly rhythm)
 * stays. A subscription that runs for years thus keeps a small record.
 */
export function compactSubscription(subscription: Subscription, today: IsoDate): Subscription {
  const horizon = addDays(today, -keptDays);
  const old = (subscription.changes ?? []).filter((change) => change.effectiveFrom < horizon);
  const oldAbsences = (subscription.absences ?? []).filter((absence) => absence.date < horizon);
  const oldWithdrawn = (subscription.withdrawnAbsences ?? []).filter((absence) => absence.date < horizon);
  if (old.length === 0 && oldAbsences.length === 0 && oldWithdrawn.length === 0) return subscription;
  let { depotId, basketSize } = subscription;
  for (const change of old) {
    depotId = change.depotId ?? depotId;
    basketSize = change.basketSize ?? basketSize;
  }
  return {
    ...subscription,
    depotId,
    basketSize,
    changes: (subscription.changes ?? []).filter((change) => change.effectiveFrom >= horizon),
    absences: (subscription.absences ?? []).filter((absence) => absence.date >= horizon),
    ...(subscription.withdrawnAbsences
      ? { withdrawnAbsences: subscription.withdrawnAbsences.filter((absence) => absence.date >= horizon) }
      : {}),
  };
}

/** The last day of a subscription cancelled now: after the garden's notice, never after its end. */
export function cancellationEffectiveDate(
  subscription: Pick<Subscription, 'endDate' | 'startDate'>,
  rules: Pick<GardenRules, 'cancellationNoticeDays'>,
  now: Date,
  timeZone = gardenTimeZone,
): IsoDate {
  const afterNotice = addDays(gardenDay(now, timeZone), rules.cancellationNoticeDays);
  if (subscription.endDate && subscription.endDate < afterNotice) return subscription.endDate;
  return afterNotice;
}

export function cancellationRefusal(
  subscription: Subscription,
  origin: 'member' | 'staff',
  reason: string | undefined,
): Localized | undefined {
  if (subscription.cancellation) {
    return {
      fr: `Cet abonnement est déjà résilié : il prend fin le ${formatDay(subscription.cancellation.effectiveDate, 'fr')}.`,
      en: `This subscription is already cancelled: it ends on ${formatDay(subscription.cancellation.effectiveDate, 'en')}.`,
    };
  }
  if (!isRunning(subscription) && subscription.status !== 'pending' && subscription.status !== 'waitlisted') {
    return notRunning;
  }
  if (origin === 'staff' && (reason ?? '').trim().length < 3) {
    return {
      fr: 'Indiquez le motif de la résiliation : il sera communiqué à l’adhérent.',
      en: 'Give the reason for the cancellation: the member will be told.',
    };
  }
  return undefined;
}

/** Season subscriptions renew into the next season the garden has opened. */
export function renewalRefusal(
  subscription: Subscription,
  calendar: Pick<DeliveryCalendar, 'seasons'>,
): Localized | undefined {
  if (!isRunning(subscription)) return notRunning;
  if (subscription.cancellation) {
    return {
      fr: 'Cet abonnement est résilié : il ne peut pas être renouvelé.',
      en: 'This subscription is cancelled: it cannot be renewed.',
    };
  }
  if (!subscription.endDate || !subscription.seasonId) {
    return {
      fr: 'Cet abonnement continue sans date de fin : rien à renouveler.',
      en: 'This subscription goes on without an end date: nothing to renew.',
    };
  }
  const current = calendar.seasons.find((season) => season.id === subscription.seasonId);
  const next = current ? seasonAfter(calendar, current) : undefined;
  if (!next) {
    return {
      fr: "La saison suivante n'est pas encore ouverte par le jardin : réessayez un peu plus tard.",
      en: 'The garden has not opened the next season yet: try again a little later.',
    };
  }
  return undefined;
}

/** End date and season of a season subscription starting on a day; none for rolling ones. */
export function seasonTerms(
  calendar: Pick<DeliveryCalendar, 'seasons'>,
  rules: Pick<GardenRules, 'renewal'>,
  startDate: IsoDate,
): { endDate?: IsoDate; seasonId?: string } {
  if (rules.renewal === 'rolling') return {};
  const season =
    seasonOf(calendar, startDate) ??
    [...calendar.seasons].sort((a, b) => a.start.localeCompare(b.start)).find((s) => s.start >= startDate);
  return season ? { endDate: season.end, seasonId: season.id } : {};
}
