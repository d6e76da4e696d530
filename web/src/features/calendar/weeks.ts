import { addDays, isoWeek, isoWeekday, type IsoDate } from '../../../../domain/calendar.ts';
import {
  isDeliveryDay,
  seasonOf,
  type DeliveryCalendar,
  type Season,
} from '../../../../domain/delivery-calendar.ts';
import type { Depot } from '../../../../domain/depot.ts';

/** The Monday a day's week starts on. */
export function mondayOf(day: IsoDate): IsoDate {
  return addDays(day, 1 - isoWeekday(day));
}

/** The Monday of an ISO week ("2026-W52" → "2026-12-21"). */
export function mondayOfWeek(week: string): IsoDate {
  const year = Number(week.slice(0, 4));
  const number = Number(week.slice(6));
  // 4 January is always in week 1.
  return addDays(mondayOf(`${year}-01-04`), (number - 1) * 7);
}

/** "2026-W52" → 52, the number people say. */
export function weekNumber(week: string): number {
  return Number(week.slice(6));
}

/** The ISO weeks that have a day between two days (inclusive), in order. */
export function weeksBetween(from: IsoDate, until: IsoDate): string[] {
  const weeks: string[] = [];
  for (let monday = mondayOf(from); monday <= until; monday = addDays(monday, 7)) weeks.push(isoWeek(monday));
  return weeks;
}

/** One week as the calendar screen lists it: its days, and which depots deliver in it. */
export interface WeekOverview {
  week: string;
  monday: IsoDate;
  sunday: IsoDate;
  closed: boolean;
  /** The season the week falls in (any of its days), if any. */
  season: Season | undefined;
  /** Depots that would deliver that week if it is open (their weekday falls inside a season). */
  depots: Pick<Depot, 'id' | 'name'>[];
}

export function weekOverview(
  calendar: Pick<DeliveryCalendar, 'seasons' | 'closedWeeks'>,
  depots: readonly Pick<Depot, 'id' | 'name' | 'deliveryWeekday'>[],
  week: string,
): WeekOverview {
  const monday = mondayOfWeek(week);
  const sunday = addDays(monday, 6);
  const open = { ...calendar, closedWeeks: [] };
  const days = [0, 1, 2, 3, 4, 5, 6].map((offset) => addDays(monday, offset));
  return {
    week,
    monday,
    sunday,
    closed: calendar.closedWeeks.includes(week),
    season: days.map((day) => seasonOf(calendar, day)).find((season) => season !== undefined),
    depots: depots
      .filter((depot) =>
        isDeliveryDay(open, depot.deliveryWeekday, addDays(monday, depot.deliveryWeekday - 1)),
      )
      .map(({ id, name }) => ({ id, name })),
  };
}

/** The next closed week from a day on (its own week included), if any. */
export function nextClosedWeek(
  calendar: Pick<DeliveryCalendar, 'closedWeeks'>,
  today: IsoDate,
): string | undefined {
  const current = isoWeek(today);
  return [...calendar.closedWeeks].sort().find((week) => week >= current);
}
