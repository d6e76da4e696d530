import { formatCalendarDay, gardenDay, gardenTimeZone, type IsoDate } from './calendar.ts';
import type { Localized } from './locale.ts';

/**
 * How long a delivery can still be changed, in one wording everywhere a member reads it (the
 * portal, the iCal feed, messages, refusals): the last day included, « jusqu'au samedi
 * 5 décembre inclus ». The rule itself is `lastChangeableDay` / `cutoffOf`
 * (delivery-calendar.ts): the cutoff is the midnight that ends that day.
 */

/** The last day a delivery whose changes close at `changeableUntil` (ISO instant) can be changed. */
export function lastChangeableDayOf(changeableUntil: string, timeZone = gardenTimeZone): IsoDate {
  // The cutoff is the first instant of the next day: the instant before it is the last one.
  return gardenDay(new Date(Date.parse(changeableUntil) - 1), timeZone);
}

/** "samedi 5 décembre" / "Saturday 5 December": the year goes without saying this close. */
function dayWithoutYear(day: IsoDate, locale: 'fr' | 'en'): string {
  return formatCalendarDay(day, locale, { weekday: 'long', day: 'numeric', month: 'long' });
}

/** « jusqu'au samedi 5 décembre inclus » / "until Saturday 5 December inclusive", for a last day. */
export function untilDayIncluded(lastDay: IsoDate): Localized {
  return {
    fr: `jusqu'au ${dayWithoutYear(lastDay, 'fr')} inclus`,
    en: `until ${dayWithoutYear(lastDay, 'en')} inclusive`,
  };
}

/** « jusqu'au samedi 5 décembre inclus », for a delivery's `changeableUntil`. */
export function changeDeadline(changeableUntil: string, timeZone = gardenTimeZone): Localized {
  return untilDayIncluded(lastChangeableDayOf(changeableUntil, timeZone));
}

/** « Modifiable jusqu'au samedi 5 décembre inclus », as the portal writes it beside a delivery. */
export function changeableUntilLine(changeableUntil: string, timeZone = gardenTimeZone): Localized {
  const deadline = changeDeadline(changeableUntil, timeZone);
  return { fr: `Modifiable ${deadline.fr}`, en: `Can be changed ${deadline.en}` };
}
