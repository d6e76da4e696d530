import { describe, expect, it } from 'vitest';
import { addDays, gardenDay, isoWeekday, type IsoDate } from '../../domain/calendar.ts';
import {
  cutoffOf,
  defaultDeliveryCalendar,
  isClosedDay,
  isDeliveryDay,
  seasonOf,
  startOfDayIn,
  type DeliveryCalendar,
} from '../../domain/delivery-calendar.ts';
import { demoCalendar } from '../../infra/demo/demo-gardens.ts';
import { deliveriesLeftInSeason, deliveryDayAhead, type DeliveryDayNeeds } from './delivery-days.ts';

/**
 * The delivery days tests start their subscriptions on, worked out for every day of a year
 * at the hours that matter: whatever day `npm test` runs, the day given is one the garden's
 * rules accept, and the first one that is.
 */
const timeZone = 'Europe/Paris';
const at = (day: IsoDate, hour: number) => new Date(startOfDayIn(day, timeZone).getTime() + hour * 3_600_000);
const calendars: Record<string, (today: IsoDate) => DeliveryCalendar> = {
  // What a test garden has until it saves its own: two seasons from 1 March, no closed week.
  default: (today) => defaultDeliveryCalendar('g', today),
  // Closed in August and over Christmas and New Year, like the demo gardens.
  'with closures': (today) => ({ ...demoCalendar(today), gardenId: 'g', version: 1, updatedAt: '' }),
  // Deliveries from April to October only: a winter without any season.
  'summer only': (today) => {
    const year = Number(today.slice(0, 4));
    return {
      ...defaultDeliveryCalendar('g', today),
      seasons: [year, year + 1].map((start) => ({
        id: `été-${start}`,
        start: `${start}-04-01`,
        end: `${start}-10-31`,
      })),
    };
  },
};

/** Whether the day meets the needs, as the helper should judge it. */
function meets(
  calendar: DeliveryCalendar,
  weekday: number,
  day: IsoDate,
  needs: Required<Omit<DeliveryDayNeeds, 'from'>>,
  now: Date,
) {
  return (
    isDeliveryDay(calendar, weekday, day) &&
    cutoffOf(day, calendar.cutoffHours, timeZone).getTime() > now.getTime() + needs.changeableForMs &&
    deliveriesLeftInSeason(calendar, weekday, day) >= needs.followedBy
  );
}

describe('delivery days for tests', () => {
  // June 2027 to May 2028: August, Christmas and New Year closed, seasons changing on 1 March,
  // a 29 February, both daylight-saving changes and the end of a year.
  const days = Array.from({ length: 366 }, (_, index) => addDays('2027-06-01', index));
  const needs = { changeableForMs: 15 * 60_000, followedBy: 2 };

  it('gives the first day the rules accept, on any day of the year at any hour', () => {
    for (const [name, calendarOn] of Object.entries(calendars)) {
      for (const today of days) {
        const calendar = calendarOn(today);
        // Just after midnight, in the morning, and late on the day before a cutoff falls.
        for (const hour of [0.1, 10, 23.9]) {
          const now = at(today, hour);
          for (const weekday of [2, 4]) {
            const where = `${name}, ${now.toISOString()}, weekday ${weekday}`;
            const day = deliveryDayAhead(calendar, weekday, needs, now);
            expect(meets(calendar, weekday, day, needs, now), where).toBe(true);
            expect(isoWeekday(day), where).toBe(weekday);
            // Nothing earlier would have done.
            for (let earlier = gardenDay(now); earlier < day; earlier = addDays(earlier, 1)) {
              expect(meets(calendar, weekday, earlier, needs, now), `${where}: ${earlier}`).toBe(false);
            }
          }
        }
      }
    }
  }, 120_000);

  it('steps over what a fixed offset from today falls into', () => {
    const defaults = calendars.default!;
    const closures = calendars['with closures']!;
    // Late February: a week ahead leaves one delivery before the season ends with February.
    const february = at('2027-02-10', 10);
    expect(deliveriesLeftInSeason(defaults('2027-02-10'), 2, '2027-02-23')).toBe(0);
    const afterSeason = deliveryDayAhead(defaults('2027-02-10'), 2, { followedBy: 2 }, february);
    expect(afterSeason).toBe('2027-03-02');
    expect(seasonOf(defaults('2027-02-10'), afterSeason)?.id).toBe('2027-2028');
    // Christmas week: a week ahead is closed.
    expect(isClosedDay(closures('2027-12-21'), addDays('2027-12-21', 7))).toBe(true);
    expect(deliveryDayAhead(closures('2027-12-21'), 2, {}, at('2027-12-21', 10))).toBe('2028-01-04');
    // August: closed two weeks.
    expect(deliveryDayAhead(closures('2027-08-05'), 4, { from: '2027-08-12' }, at('2027-08-05', 10))).toBe(
      '2027-08-26',
    );
    // Saturday five minutes before midnight: Tuesday's cutoff (48 h) falls in five minutes.
    const saturdayNight = at('2027-01-09', 23 + 55 / 60);
    expect(deliveryDayAhead(defaults('2027-01-09'), 2, {}, saturdayNight)).toBe('2027-01-19');
    expect(deliveryDayAhead(defaults('2027-01-09'), 2, { changeableForMs: 0 }, saturdayNight)).toBe(
      '2027-01-12',
    );
    // No season over the winter: the first delivery of the next one.
    expect(deliveryDayAhead(calendars['summer only']!('2027-11-15'), 2, {}, at('2027-11-15', 10))).toBe(
      '2028-04-04',
    );
  });

  it('says so when the calendar has no such day', () => {
    const none = { seasons: [], closedWeeks: [], cutoffHours: 48 };
    expect(() => deliveryDayAhead(none, 2, {}, at('2027-06-01', 10))).toThrow(
      /has no delivery day on weekday 2 .* give the test garden a season/,
    );
  });
});
