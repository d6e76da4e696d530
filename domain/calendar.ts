import Type from 'typebox';

/**
 * Dates of the garden's life are calendar days in the garden's time zone (its `timeZone`),
 * written as ISO dates ("2026-11-24"). Instants (who did what when) are ISO timestamps in UTC.
 */
/** The time zone of a garden that has none recorded, and the default wherever none is given. */
export const gardenTimeZone = 'Europe/Paris';
// Days, weeks and months of this century: anything else is a typing mistake, and the API
// description says so (these patterns are in it).
export const isoDatePattern = '^20\\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
/** A month, "2026-11". */
export const monthPattern = '^20\\d{2}-(0[1-9]|1[0-2])$';

export type IsoDate = string;

/** A calendar day as people and the API write it; `format: date` refuses a 30 February. */
export const CalendarDay = Type.String({
  pattern: isoDatePattern,
  format: 'date',
  description: 'A calendar day, "2026-11-24".',
});

export function isIsoDate(value: string): boolean {
  if (!new RegExp(isoDatePattern).test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The calendar day it is in the garden's time zone at the given instant. */
export function gardenDay(instant: Date, timeZone = gardenTimeZone): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
  return parts;
}

export function addDays(day: IsoDate, count: number): IsoDate {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + count);
  return date.toISOString().slice(0, 10);
}

/** ISO 8601 weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: IsoDate): number {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The first day on or after `day` that falls on the ISO weekday (1 = Monday … 7 = Sunday). */
export function nextWeekday(day: IsoDate, weekday: number): IsoDate {
  const ahead = (weekday - isoWeekday(day) + 7) % 7;
  return addDays(day, ahead);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** "mardi 1 décembre 2026" / "Tuesday 1 December 2026". */
export function formatDay(day: IsoDate, locale: 'fr' | 'en' = 'fr'): string {
  let formatter = dayFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    dayFormatters.set(locale, formatter);
  }
  return formatter.format(new Date(`${day}T00:00:00Z`));
}

const monthFormatters = new Map<string, Intl.DateTimeFormat>();

/** "2026-11" → "novembre 2026" / "November 2026". */
export function formatMonth(month: string, locale: 'fr' | 'en' = 'fr'): string {
  let formatter = monthFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    monthFormatters.set(locale, formatter);
  }
  return formatter.format(new Date(`${month}-01T00:00:00Z`));
}
