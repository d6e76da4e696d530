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

// Building a formatter costs far more than using one: schedules and feeds ask for hundreds of
// days, so each formatter is made once.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** One `Intl.DateTimeFormat` for a language tag and options, made on first use and kept. */
export function dateFormatter(languageTag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${languageTag} ${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(languageTag, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The calendar day it is in the garden's time zone at the given instant. */
export function gardenDay(instant: Date, timeZone = gardenTimeZone): IsoDate {
  return dateFormatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
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

/**
 * A calendar day written in the reader's language with the parts asked for ("mardi 1 décembre
 * 2026", "1 déc. 2026"…): the day as given, whatever the time zone of the machine.
 */
export function formatCalendarDay(
  day: IsoDate,
  locale: 'fr' | 'en',
  parts: Omit<Intl.DateTimeFormatOptions, 'timeZone'>,
): string {
  const formatter = dateFormatter(locale === 'fr' ? 'fr-FR' : 'en-GB', { ...parts, timeZone: 'UTC' });
  return formatter.format(new Date(`${day}T00:00:00Z`));
}

/** "mardi 1 décembre 2026" / "Tuesday 1 December 2026". */
export function formatDay(day: IsoDate, locale: 'fr' | 'en' = 'fr'): string {
  return formatCalendarDay(day, locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** "2026-11" → "novembre 2026" / "November 2026". */
export function formatMonth(month: string, locale: 'fr' | 'en' = 'fr'): string {
  return formatCalendarDay(`${month}-01`, locale, { month: 'long', year: 'numeric' });
}
