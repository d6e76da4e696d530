import { addDays, gardenDay, gardenTimeZone, type IsoDate } from '../../domain/calendar.ts';
import { cutoffOf, isDeliveryDay, seasonOf, type DeliveryCalendar } from '../../domain/delivery-calendar.ts';

/**
 * Delivery days for tests, worked out from the garden's own calendar (seasons, closed weeks,
 * cutoff) the way the demo seed does (infra/demo/demo-steps.ts), never as a fixed offset from
 * today: "today + 7 days" falls in a closed week at Christmas or in August, after the season's
 * end in late February, or past its cutoff late at night, and the test then fails on those days
 * only.
 */

type Calendar = Pick<DeliveryCalendar, 'seasons' | 'closedWeeks' | 'cutoffHours'>;

export interface DeliveryDayNeeds {
  /** Not before this day (e.g. next week's Monday, for a week that is not prepared yet). */
  from?: IsoDate;
  /**
   * Members may still change it (absence, pause…) for at least this long from now: the test
   * acts on it a little later. 15 minutes by default; 0 accepts a day already fixed.
   */
  changeableForMs?: number;
  /**
   * Deliveries its season still holds after it, on the same weekday: a season subscription
   * starting on it has that many more before it ends with its season.
   */
  followedBy?: number;
}

/** How far ahead a test may look: the API takes start dates up to 18 months ahead. */
const horizonDays = 550;

/** Deliveries a depot with this weekday still makes after `day` in that day's season. */
export function deliveriesLeftInSeason(
  calendar: Pick<DeliveryCalendar, 'seasons' | 'closedWeeks'>,
  weekday: number,
  day: IsoDate,
): number {
  const season = seasonOf(calendar, day);
  if (!season) return 0;
  let count = 0;
  for (let next = addDays(day, 7); next <= season.end; next = addDays(next, 7)) {
    if (isDeliveryDay(calendar, weekday, next)) count++;
  }
  return count;
}

/**
 * The first delivery day of a depot with this ISO weekday (1 = Monday) that meets the test's
 * needs, as the garden's calendar has it at `now`.
 */
export function deliveryDayAhead(
  calendar: Calendar,
  weekday: number,
  needs: DeliveryDayNeeds = {},
  now: Date = new Date(),
  timeZone: string = gardenTimeZone,
): IsoDate {
  const { from, changeableForMs = 15 * 60_000, followedBy = 0 } = needs;
  const today = gardenDay(now, timeZone);
  const last = addDays(today, horizonDays);
  for (let day = from && from > today ? from : today; day <= last; day = addDays(day, 1)) {
    if (!isDeliveryDay(calendar, weekday, day)) continue;
    const changeableUntil = cutoffOf(day, calendar.cutoffHours, timeZone).getTime();
    if (changeableForMs > 0 && changeableUntil <= now.getTime() + changeableForMs) continue;
    if (deliveriesLeftInSeason(calendar, weekday, day) < followedBy) continue;
    return day;
  }
  throw new Error(
    `The test garden's calendar has no delivery day on weekday ${weekday} from ${from ?? today} that ` +
      `stays open ${Math.round(changeableForMs / 60_000)} minutes and is followed by ${followedBy} more ` +
      `in its season: give the test garden a season that allows it.`,
  );
}
