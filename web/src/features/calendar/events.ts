import { addDays, type IsoDate } from '../../../../domain/calendar.ts';
import { isDeliveryDay, type DeliveryCalendar } from '../../../../domain/delivery-calendar.ts';
import type { Depot } from '../../../../domain/depot.ts';
import { mondayOfWeek } from '../../../../domain/iso-weeks.ts';

/** An event as @event-calendar/core reads it (all-day only here). */
export interface CalendarEventInput {
  id: string;
  start: IsoDate;
  /** Exclusive, as the calendar reads all-day ends. */
  end: IsoDate;
  title: string;
  allDay: true;
  display?: 'background';
  classNames: string[];
  extendedProps: { kind: 'delivery' | 'closed-week' | 'season-start' | 'season-end'; week?: string };
}

/** The words the events carry, in the screen's language. */
export interface EventWords {
  delivery: (depotName: string) => string;
  closedWeek: (weekNumber: number) => string;
  seasonStart: (seasonId: string) => string;
  seasonEnd: (seasonId: string) => string;
}

/**
 * What the staff calendar shows between two days (the end excluded): each depot's delivery
 * days (its weekday, inside a season, not in a closed week), the closed weeks as a background
 * (and a bar saying so), and the seasons' first and last days.
 */
export function calendarEvents(
  calendar: Pick<DeliveryCalendar, 'seasons' | 'closedWeeks'>,
  depots: readonly Pick<Depot, 'id' | 'name' | 'deliveryWeekday'>[],
  from: IsoDate,
  until: IsoDate,
  words: EventWords,
): CalendarEventInput[] {
  const events: CalendarEventInput[] = [];
  for (let day = from; day < until; day = addDays(day, 1)) {
    for (const depot of depots) {
      if (!isDeliveryDay(calendar, depot.deliveryWeekday, day)) continue;
      events.push({
        id: `delivery/${depot.id}/${day}`,
        start: day,
        end: addDays(day, 1),
        title: words.delivery(depot.name),
        allDay: true,
        classNames: ['cal-delivery'],
        extendedProps: { kind: 'delivery' },
      });
    }
  }
  for (const week of calendar.closedWeeks) {
    const monday = mondayOfWeek(week);
    const nextMonday = addDays(monday, 7);
    if (nextMonday <= from || monday >= until) continue;
    const title = words.closedWeek(Number(week.slice(6)));
    events.push(
      {
        id: `closed/${week}`,
        start: monday,
        end: nextMonday,
        title,
        allDay: true,
        display: 'background',
        classNames: ['cal-closed-week'],
        extendedProps: { kind: 'closed-week', week },
      },
      // The same in words across the week, so a closed week never rests on colour alone.
      {
        id: `closed-label/${week}`,
        start: monday,
        end: nextMonday,
        title,
        allDay: true,
        classNames: ['cal-closed-label'],
        extendedProps: { kind: 'closed-week', week },
      },
    );
  }
  for (const season of calendar.seasons) {
    for (const [kind, day] of [
      ['season-start', season.start],
      ['season-end', season.end],
    ] as const) {
      if (day < from || day >= until) continue;
      events.push({
        id: `${kind}/${season.id}`,
        start: day,
        end: addDays(day, 1),
        title: kind === 'season-start' ? words.seasonStart(season.id) : words.seasonEnd(season.id),
        allDay: true,
        classNames: ['cal-season'],
        extendedProps: { kind },
      });
    }
  }
  return events;
}
