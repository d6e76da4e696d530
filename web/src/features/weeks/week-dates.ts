import { addDays, gardenDay, isoWeek, type IsoDate } from '../../../../domain/calendar.ts';
import { isIsoWeek } from '../../../../domain/delivery-calendar.ts';
import { mondayOfWeek, weekAfter } from '../../../../domain/delivery-week.ts';

export { isIsoWeek, weekAfter };

/** The week a day falls in, today's by default (garden time). */
export function currentWeek(now = new Date()): string {
  return isoWeek(gardenDay(now));
}

export function weekBefore(week: string): string {
  return isoWeek(addDays(mondayOfWeek(week), -7));
}

/** Its Monday and Sunday. */
export function weekSpan(week: string): { monday: IsoDate; sunday: IsoDate } {
  const monday = mondayOfWeek(week);
  return { monday, sunday: addDays(monday, 6) };
}

/** "2026-W49" → 49, the number people say. */
export function weekNumberOf(week: string): number {
  return Number(week.slice(6));
}
