import { addDays, formatMonth, type IsoDate } from './calendar.ts';
import type { Season } from './delivery-calendar.ts';
import type { Localized } from './locale.ts';

/** "2026-10" for "2026-11": the month before. */
export function monthBefore(month: string): string {
  return addDays(`${month}-01`, -1).slice(0, 7);
}

/**
 * Which month a garden may bill today, in its own words. A month is billed during the month
 * after it: on the 1st by the garden's schedule, or by staff until that month ends (when the
 * schedule missed it, or to finish a run that stopped; running it again issues nothing twice).
 * After that the month is closed: its invoices are out and being collected, and a run started
 * now would date them today and bill today's season, so an old month cannot be billed again by
 * mistake (a month typed wrong, a link kept from long ago). A month not over yet cannot be
 * billed either. Returns why a month cannot be billed, or undefined.
 */
export function billingMonthRefusal(month: string, today: IsoDate): Localized | undefined {
  const thisMonth = today.slice(0, 7);
  if (month >= thisMonth) {
    return {
      fr: `Seul un mois terminé peut être facturé : ${month} n'est pas encore fini.`,
      en: `Only a month that has ended can be billed: ${month} is not over yet.`,
    };
  }
  const lastMonth = monthBefore(thisMonth);
  if (month < lastMonth) {
    return {
      fr:
        `Le mois « ${formatMonth(month)} » est clos : un mois se facture au plus tard le mois suivant, ` +
        `par le calendrier du jardin ou par l'équipe. Seul « ${formatMonth(lastMonth)} » peut encore être facturé.`,
      en:
        `Month "${formatMonth(month, 'en')}" is closed: a month is billed at the latest during the following ` +
        `month, by the garden's schedule or by staff. Only "${formatMonth(lastMonth, 'en')}" can still be billed.`,
    };
  }
  return undefined;
}

/**
 * The season a month's deliveries belong to, for monthly billing: of the seasons covering part
 * of the month, the one that started last (a month where one season ends and the next begins
 * is the new season's first).
 */
export function seasonOfMonth(seasons: readonly Season[], month: string): Season | undefined {
  const first = `${month}-01`;
  const last = addDays(addDays(first, 31).slice(0, 8) + '01', -1);
  return [...seasons]
    .filter((season) => season.start <= last && first <= season.end)
    .sort((a, b) => b.start.localeCompare(a.start))[0];
}

/**
 * The year a household's membership fee (adhésion) is for: the year its season started. A
 * season from September to August, or March to February, is one membership whichever
 * calendar month is billed, so a run never bills a second fee in the season's second calendar
 * year, nor a past year's fee for an old month. Only with no season (monthly billing of a month
 * outside every season) does the billed month's year count.
 */
export function membershipYear(season: Pick<Season, 'start'> | undefined, month: string): string {
  return (season?.start ?? month).slice(0, 4);
}
