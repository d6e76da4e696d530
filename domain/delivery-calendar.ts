import Type from 'typebox';
import { addDays, CalendarDay, dateFormatter, isIsoDate, isoWeekday, type IsoDate } from './calendar.ts';
import { isIsoWeek, isoWeek, isoWeekPattern } from './iso-weeks.ts';

/** A season of deliveries (e.g. from March to the end of February). */
export const Season = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 40 }),
    start: CalendarDay,
    end: CalendarDay,
  },
  { additionalProperties: false },
);
export type Season = Type.Static<typeof Season>;

/**
 * A garden's delivery calendar: its seasons, the weeks without deliveries (holidays, winter
 * break, August…), and how long before a delivery day members may still change it. Each
 * depot delivers on its own weekday (`Depot.deliveryWeekday`).
 */
export const DeliveryCalendarInput = Type.Object(
  {
    seasons: Type.Array(Season, { maxItems: 10 }),
    closedWeeks: Type.Array(Type.String({ pattern: isoWeekPattern }), { maxItems: 200 }),
    /** Hours before the delivery day starts (midnight, garden time) after which it is fixed. */
    cutoffHours: Type.Integer({ minimum: 0, maximum: 336 }),
  },
  { additionalProperties: false },
);
export type DeliveryCalendarInput = Type.Static<typeof DeliveryCalendarInput>;

export const DeliveryCalendar = Type.Object({
  ...DeliveryCalendarInput.properties,
  gardenId: Type.String(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});
export type DeliveryCalendar = Type.Static<typeof DeliveryCalendar>;

/** A calendar for a garden that has not set one yet: this season and the next, 48 h cutoff. */
export function defaultDeliveryCalendar(gardenId: string, today: IsoDate): DeliveryCalendar {
  const year = Number(today.slice(0, 4));
  const startYear = Number(today.slice(5, 7)) >= 3 ? year : year - 1;
  return {
    gardenId,
    seasons: [0, 1].map((offset) => ({
      id: `${startYear + offset}-${startYear + offset + 1}`,
      start: `${startYear + offset}-03-01`,
      end: addDays(`${startYear + offset + 1}-03-01`, -1),
    })),
    closedWeeks: [],
    cutoffHours: 48,
    version: 0,
    updatedAt: `${today}T00:00:00.000Z`,
  };
}

/** Why a calendar cannot be saved as typed, or undefined. */
export function calendarRefusal(input: DeliveryCalendarInput): { fr: string; en: string } | undefined {
  for (const season of input.seasons) {
    for (const day of [season.start, season.end]) {
      if (!isIsoDate(day)) {
        return {
          fr: `La saison « ${season.id} » a une date qui n'existe pas (${day}).`,
          en: `Season "${season.id}" has a date that does not exist (${day}).`,
        };
      }
    }
  }
  const impossibleWeek = input.closedWeeks.find((week) => !isIsoWeek(week));
  if (impossibleWeek) {
    return {
      fr: `La semaine ${impossibleWeek} n'existe pas.`,
      en: `Week ${impossibleWeek} does not exist.`,
    };
  }
  const seasons = [...input.seasons].sort((a, b) => a.start.localeCompare(b.start));
  for (const [index, season] of seasons.entries()) {
    if (season.end < season.start) {
      return {
        fr: `La saison « ${season.id} » finit avant de commencer.`,
        en: `Season "${season.id}" ends before it starts.`,
      };
    }
    const next = seasons[index + 1];
    if (next && next.start <= season.end) {
      return {
        fr: `Les saisons « ${season.id} » et « ${next.id} » se chevauchent.`,
        en: `Seasons "${season.id}" and "${next.id}" overlap.`,
      };
    }
  }
  if (new Set(input.seasons.map((season) => season.id)).size !== input.seasons.length) {
    return { fr: 'Deux saisons portent le même nom.', en: 'Two seasons have the same name.' };
  }
  return undefined;
}

export function seasonOf(calendar: Pick<DeliveryCalendar, 'seasons'>, day: IsoDate): Season | undefined {
  return calendar.seasons.find((season) => season.start <= day && day <= season.end);
}

/** The season that starts after the given one ends, if the garden has opened it. */
export function seasonAfter(calendar: Pick<DeliveryCalendar, 'seasons'>, season: Season): Season | undefined {
  return [...calendar.seasons]
    .filter((candidate) => candidate.start > season.end)
    .sort((a, b) => a.start.localeCompare(b.start))[0];
}

export function isClosedDay(calendar: Pick<DeliveryCalendar, 'closedWeeks'>, day: IsoDate): boolean {
  return calendar.closedWeeks.includes(isoWeek(day));
}

/** Whether a depot with this weekday delivers on that day: in a season, not in a closed week. */
export function isDeliveryDay(
  calendar: Pick<DeliveryCalendar, 'seasons' | 'closedWeeks'>,
  weekday: number,
  day: IsoDate,
): boolean {
  return isoWeekday(day) === weekday && seasonOf(calendar, day) !== undefined && !isClosedDay(calendar, day);
}

/** The instant (UTC ISO) at which midnight starts the given day in the time zone. */
export function startOfDayIn(day: IsoDate, timeZone: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // Two passes settle the offset across a daylight-saving change.
  let instant = utcMidnight;
  for (let pass = 0; pass < 2; pass++) {
    instant = utcMidnight - offsetMinutes(new Date(instant), timeZone) * 60_000;
  }
  return new Date(instant);
}

/** Minutes the time zone is ahead of UTC at that instant (Paris: 60 in winter, 120 in summer). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const formatter = dateFormatter('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts = formatter.formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const local = Date.UTC(
    value('year'),
    value('month') - 1,
    value('day'),
    value('hour'),
    value('minute'),
    value('second'),
  );
  return Math.round((local - instant.getTime()) / 60_000);
}

/**
 * The last day on which a delivery can still be changed (absence, depot…), included: members
 * read « jusqu'au samedi 5 décembre inclus », so the cutoff falls at a midnight of the garden.
 * The garden's notice is counted in whole days, rounded up: never less than the hours it set
 * (48 h before a Tuesday leave Saturday as the last day; 36 h leave Saturday too).
 */
export function lastChangeableDay(day: IsoDate, cutoffHours: number): IsoDate {
  return addDays(day, -(Math.ceil(Math.max(0, cutoffHours) / 24) + 1));
}

/**
 * After this instant, a delivery on that day can no longer be changed: the midnight that ends
 * its last changeable day, read on the garden's clock (right across daylight-saving changes).
 */
export function cutoffOf(
  day: IsoDate,
  cutoffHours: number,
  timeZone: string,
  rule: CutoffRule = 'last-day-included',
): Date {
  if (rule === 'hours-before')
    return new Date(startOfDayIn(day, timeZone).getTime() - cutoffHours * 3_600_000);
  return startOfDayIn(addDays(lastChangeableDay(day, cutoffHours), 1), timeZone);
}

/**
 * `last-day-included` is the rule. `hours-before` (exactly the garden's hours before the
 * delivery day's midnight) is the one subscription runs started before 2026-12-05 keep, so that
 * their histories replay as they ran (patch `cutoff-last-day-included`); the two differ only for
 * a notice that is not whole days, or across a daylight-saving change.
 */
export type CutoffRule = 'last-day-included' | 'hours-before';

/**
 * The instant of an hour of a day in garden time ("the day before at 17:00"), read on the
 * wall clock: right on the 23- and 25-hour days when the clocks change.
 */
export function atHour(day: IsoDate, hour: number, timeZone: string): Date {
  const wallClock = Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
  let instant = wallClock;
  for (let pass = 0; pass < 2; pass++) {
    instant = wallClock - offsetMinutes(new Date(instant), timeZone) * 60_000;
  }
  return new Date(instant);
}
