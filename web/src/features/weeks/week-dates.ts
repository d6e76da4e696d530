import { addDays, gardenDay, type IsoDate } from '../../../../domain/calendar.ts';
import { isoWeek, mondayOfWeek } from '../../../../domain/iso-weeks.ts';

/** The week a day falls in, today's by default (garden time). */
export function currentWeek(now = new Date()): string {
  return isoWeek(gardenDay(now));
}

/** Its Monday and Sunday. */
export function weekSpan(week: string): { monday: IsoDate; sunday: IsoDate } {
  const monday = mondayOfWeek(week);
  return { monday, sunday: addDays(monday, 6) };
}
