import { addDays, isoWeekday, type IsoDate } from './calendar.ts';

/**
 * ISO 8601 weeks, as the garden plans them: "2026-W49" runs Monday 30 November to Sunday
 * 6 December. Week 1 is the week with the year's first Thursday, so a year has 52 or 53 weeks
 * and its first and last days may belong to the neighbouring year's weeks.
 */

/**
 * An ISO week, "2026-W49", in this century: anything else is a typing mistake, and the API
 * description says so. A week 53 may still not exist that year: see isIsoWeek.
 */
export const isoWeekPattern = '^20\\d{2}-W(0[1-9]|[1-4]\\d|5[0-3])$';

/** ISO week label of a day, e.g. "2026-W48". */
export function isoWeek(day: IsoDate): string {
  const date = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(date);
  thursday.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7));
  const yearStart = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((thursday.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** "2026-W49" → 49, the number people say. */
export function weekNumber(week: string): number {
  return Number(week.slice(6));
}

/** Whether "2026-W53" names a real ISO week (years have 52 or 53). */
export function isIsoWeek(week: string): boolean {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return false;
  const number = Number(match[2]);
  // The 28th of December is always in a year's last week.
  return number >= 1 && number <= weekNumber(isoWeek(`${match[1]}-12-28`));
}

/** The Monday a day's week starts on. */
export function mondayOf(day: IsoDate): IsoDate {
  return addDays(day, 1 - isoWeekday(day));
}

/** The Monday of an ISO week ("2026-W49" → "2026-11-30"). */
export function mondayOfWeek(week: string): IsoDate {
  const [yearText, weekText] = week.split('-W');
  // The 4th of January is always in week 1.
  return addDays(mondayOf(`${yearText}-01-04`), 7 * (Number(weekText) - 1));
}

/** Its seven days, Monday to Sunday. */
export function weekDays(week: string): IsoDate[] {
  const monday = mondayOfWeek(week);
  return [0, 1, 2, 3, 4, 5, 6].map((offset) => addDays(monday, offset));
}

export function weekAfter(week: string): string {
  return isoWeek(addDays(mondayOfWeek(week), 7));
}

export function weekBefore(week: string): string {
  return isoWeek(addDays(mondayOfWeek(week), -7));
}
