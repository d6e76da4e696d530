import { addDays, type IsoDate } from '../../../../domain/calendar.ts';
import {
  isDeliveryDay,
  seasonOf,
  type DeliveryCalendar,
  type Season,
} from '../../../../domain/delivery-calendar.ts';
import type { Depot } from '../../../../domain/depot.ts';
import { isoWeek, mondayOf, mondayOfWeek, weekDays } from '../../../../domain/iso-weeks.ts';

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
  const days = weekDays(week);
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
