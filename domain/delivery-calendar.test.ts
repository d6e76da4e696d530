import { describe, expect, it } from 'vitest';
import {
  atHour,
  calendarRefusal,
  cutoffOf,
  defaultDeliveryCalendar,
  isClosedDay,
  isDeliveryDay,
  offsetMinutes,
  seasonAfter,
  seasonOf,
  startOfDayIn,
  type DeliveryCalendarInput,
} from './delivery-calendar.ts';

const paris = 'Europe/Paris';
const hour = 3_600_000;

// In 2026, Paris moves to summer time on Sunday 29 March (02:00 → 03:00) and back to winter
// time on Sunday 25 October (03:00 → 02:00).
describe('garden time across the daylight-saving changes (Europe/Paris)', () => {
  it('finds the instant midnight starts a day, in winter, in summer and on both change days', () => {
    expect(startOfDayIn('2026-01-15', paris).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(startOfDayIn('2026-07-15', paris).toISOString()).toBe('2026-07-14T22:00:00.000Z');
    // Spring: the day before, the day itself (midnight is still winter time), the day after.
    expect(startOfDayIn('2026-03-28', paris).toISOString()).toBe('2026-03-27T23:00:00.000Z');
    expect(startOfDayIn('2026-03-29', paris).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDayIn('2026-03-30', paris).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    // Autumn: midnight of the change day is still summer time; the next one is winter time.
    expect(startOfDayIn('2026-10-24', paris).toISOString()).toBe('2026-10-23T22:00:00.000Z');
    expect(startOfDayIn('2026-10-25', paris).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfDayIn('2026-10-26', paris).toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('makes the change days 23 and 25 hours long', () => {
    const length = (day: string, next: string) =>
      (startOfDayIn(next, paris).getTime() - startOfDayIn(day, paris).getTime()) / hour;
    expect(length('2026-03-29', '2026-03-30')).toBe(23);
    expect(length('2026-10-25', '2026-10-26')).toBe(25);
    expect(length('2026-06-10', '2026-06-11')).toBe(24);
  });

  it('knows the offset of Paris on each side of the changes', () => {
    expect(offsetMinutes(new Date('2026-03-29T00:59:59Z'), paris)).toBe(60);
    expect(offsetMinutes(new Date('2026-03-29T01:00:00Z'), paris)).toBe(120);
    expect(offsetMinutes(new Date('2026-10-25T00:59:59Z'), paris)).toBe(120);
    expect(offsetMinutes(new Date('2026-10-25T01:00:00Z'), paris)).toBe(60);
    expect(offsetMinutes(new Date('2026-06-01T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('puts the cutoff at the midnight ending the last changeable day, the notice rounded up to whole days', () => {
    // Tuesday 1 December 2026, 48 h: Saturday 28 November is the last day, to midnight, Paris time.
    expect(cutoffOf('2026-12-01', 48, paris).toISOString()).toBe('2026-11-28T23:00:00.000Z');
    expect(cutoffOf('2026-12-01', 0, paris).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    // 36 h are not a whole number of days: the last day is the one 48 h would give.
    expect(cutoffOf('2026-12-01', 36, paris).toISOString()).toBe('2026-11-28T23:00:00.000Z');
    // Within summer time.
    expect(cutoffOf('2026-07-14', 24, paris).toISOString()).toBe('2026-07-12T22:00:00.000Z');
    // Across the 23-hour Sunday: Saturday 28 March is the last day for Tuesday 31 March, to
    // midnight on the clock (still winter time then), 47 elapsed hours before Tuesday.
    expect(cutoffOf('2026-03-31', 48, paris).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDayIn('2026-03-31', paris).getTime() - cutoffOf('2026-03-31', 48, paris).getTime()).toBe(
      47 * hour,
    );
    // And across the 25-hour Sunday before Tuesday 27 October: midnight ending Saturday 24.
    expect(cutoffOf('2026-10-27', 48, paris).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('gives the instant of an hour of the day, garden time, on ordinary days', () => {
    expect(atHour('2026-01-15', 17, paris).toISOString()).toBe('2026-01-15T16:00:00.000Z');
    expect(atHour('2026-07-15', 17, paris).toISOString()).toBe('2026-07-15T15:00:00.000Z');
    expect(atHour('2026-03-28', 17, paris).toISOString()).toBe('2026-03-28T16:00:00.000Z');
    expect(atHour('2026-03-30', 10, paris).toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(atHour('2026-10-24', 17, paris).toISOString()).toBe('2026-10-24T15:00:00.000Z');
    expect(atHour('2026-10-26', 10, paris).toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('gives the instant of an hour of the day, garden time, on both change days', () => {
    // "The day before at 17:00" for a Monday delivery after a change is a Sunday of change:
    // 17:00 on the clock of Paris, not 16:00 or 18:00.
    expect(atHour('2026-03-29', 17, paris).toISOString()).toBe('2026-03-29T15:00:00.000Z');
    expect(atHour('2026-03-29', 10, paris).toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(atHour('2026-10-25', 17, paris).toISOString()).toBe('2026-10-25T16:00:00.000Z');
    expect(atHour('2026-10-25', 10, paris).toISOString()).toBe('2026-10-25T09:00:00.000Z');
    // Hours before the change are the same either way.
    expect(atHour('2026-03-29', 1, paris).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(atHour('2026-10-25', 0, paris).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });
});

const calendar = {
  seasons: [
    { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
    { id: '2027-2028', start: '2027-03-01', end: '2028-02-29' },
  ],
  closedWeeks: ['2026-W33', '2026-W53'],
};

describe('delivery days', () => {
  it('delivers on the depot weekday inside a season', () => {
    expect(isDeliveryDay(calendar, 2, '2026-12-01')).toBe(true);
    // Wednesday, Thursday: not a Tuesday depot's day.
    expect(isDeliveryDay(calendar, 2, '2026-12-02')).toBe(false);
    expect(isDeliveryDay(calendar, 4, '2026-12-03')).toBe(true);
    expect(isDeliveryDay(calendar, 7, '2026-12-06')).toBe(true);
  });

  it('delivers from the first day of a season to its last, not outside', () => {
    // Sunday 1 March 2026 opens the season; Sunday 28 February 2027 ends it.
    expect(isDeliveryDay(calendar, 7, '2026-03-01')).toBe(true);
    expect(isDeliveryDay(calendar, 7, '2027-02-28')).toBe(true);
    // Saturday 28 February 2026, before any season.
    expect(isDeliveryDay(calendar, 6, '2026-02-28')).toBe(false);
    // After the last season.
    expect(isDeliveryDay(calendar, 3, '2028-03-01')).toBe(false);
    // Between two seasons with a gap.
    const gap = { seasons: [{ id: 'a', start: '2026-03-01', end: '2026-07-31' }], closedWeeks: [] };
    expect(isDeliveryDay(gap, 2, '2026-07-28')).toBe(true);
    expect(isDeliveryDay(gap, 2, '2026-08-04')).toBe(false);
  });

  it('skips closed weeks, whichever day of the week, also across the new year', () => {
    // ISO week 33 of 2026: Monday 10 to Sunday 16 August.
    expect(isDeliveryDay(calendar, 1, '2026-08-10')).toBe(false);
    expect(isDeliveryDay(calendar, 7, '2026-08-16')).toBe(false);
    expect(isDeliveryDay(calendar, 1, '2026-08-17')).toBe(true);
    expect(isDeliveryDay(calendar, 7, '2026-08-09')).toBe(true);
    // 2026 has 53 ISO weeks: the week of 28 December 2026 to 3 January 2027.
    expect(isClosedDay(calendar, '2026-12-29')).toBe(true);
    expect(isClosedDay(calendar, '2027-01-01')).toBe(true);
    expect(isDeliveryDay(calendar, 2, '2026-12-29')).toBe(false);
    expect(isDeliveryDay(calendar, 5, '2027-01-01')).toBe(false);
    expect(isDeliveryDay(calendar, 2, '2027-01-05')).toBe(true);
  });
});

describe('seasons', () => {
  it('finds the season of a day, bounds included', () => {
    expect(seasonOf(calendar, '2026-03-01')?.id).toBe('2026-2027');
    expect(seasonOf(calendar, '2027-02-28')?.id).toBe('2026-2027');
    expect(seasonOf(calendar, '2027-03-01')?.id).toBe('2027-2028');
    expect(seasonOf(calendar, '2028-02-29')?.id).toBe('2027-2028');
    expect(seasonOf(calendar, '2026-02-28')).toBeUndefined();
    expect(seasonOf(calendar, '2028-03-01')).toBeUndefined();
  });

  it('finds the season that follows one, whatever the order they were typed in', () => {
    const unordered = {
      seasons: [
        { id: 'c', start: '2028-03-01', end: '2029-02-28' },
        { id: 'a', start: '2026-03-01', end: '2027-02-28' },
        { id: 'b', start: '2027-04-01', end: '2028-02-29' },
      ],
    };
    const [c, a, b] = unordered.seasons;
    expect(seasonAfter(unordered, a!)?.id).toBe('b');
    expect(seasonAfter(unordered, b!)?.id).toBe('c');
    expect(seasonAfter(unordered, c!)).toBeUndefined();
  });
});

describe('calendar checks', () => {
  const valid: DeliveryCalendarInput = {
    seasons: [
      { id: 'saison-2', start: '2027-03-01', end: '2028-02-29' },
      { id: 'saison-1', start: '2026-03-01', end: '2027-02-28' },
    ],
    closedWeeks: ['2026-W33'],
    cutoffHours: 48,
  };

  it('accepts seasons that follow each other, in any order, and no season at all', () => {
    expect(calendarRefusal(valid)).toBeUndefined();
    expect(calendarRefusal({ ...valid, seasons: [] })).toBeUndefined();
    // A season of a single day.
    expect(
      calendarRefusal({ ...valid, seasons: [{ id: 'jour', start: '2026-06-01', end: '2026-06-01' }] }),
    ).toBeUndefined();
  });

  it('refuses overlapping seasons, naming both', () => {
    const refusal = calendarRefusal({
      ...valid,
      seasons: [
        { id: 'saison-1', start: '2026-03-01', end: '2027-03-01' },
        { id: 'saison-2', start: '2027-03-01', end: '2028-02-29' },
      ],
    });
    expect(refusal?.fr).toBe('Les saisons « saison-1 » et « saison-2 » se chevauchent.');
    expect(refusal?.en).toBe('Seasons "saison-1" and "saison-2" overlap.');
    // One inside another, typed last.
    expect(
      calendarRefusal({
        ...valid,
        seasons: [...valid.seasons, { id: 'été', start: '2026-06-01', end: '2026-08-31' }],
      })?.fr,
    ).toMatch(/« saison-1 » et « été » se chevauchent/);
  });

  it('refuses a season that ends before it starts', () => {
    const refusal = calendarRefusal({
      ...valid,
      seasons: [{ id: 'à-l-envers', start: '2027-02-28', end: '2026-03-01' }],
    });
    expect(refusal?.fr).toBe('La saison « à-l-envers » finit avant de commencer.');
    expect(refusal?.en).toBe('Season "à-l-envers" ends before it starts.');
  });

  it('refuses two seasons with the same name', () => {
    const refusal = calendarRefusal({
      ...valid,
      seasons: [
        { id: 'saison', start: '2026-03-01', end: '2027-02-28' },
        { id: 'saison', start: '2027-03-01', end: '2028-02-29' },
      ],
    });
    expect(refusal).toEqual({
      fr: 'Deux saisons portent le même nom.',
      en: 'Two seasons have the same name.',
    });
  });
});

describe('the default calendar', () => {
  it('opens this season and the next, March to February, with a 48-hour cutoff', () => {
    expect(defaultDeliveryCalendar('g-1', '2026-11-24')).toEqual({
      gardenId: 'g-1',
      seasons: [
        { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
        // 2028 is a leap year: the season ends on 29 February.
        { id: '2027-2028', start: '2027-03-01', end: '2028-02-29' },
      ],
      closedWeeks: [],
      cutoffHours: 48,
      version: 0,
      updatedAt: '2026-11-24T00:00:00.000Z',
    });
  });

  it('counts January and February in the season that started the March before', () => {
    expect(defaultDeliveryCalendar('g-1', '2027-02-28').seasons.map((season) => season.id)).toEqual([
      '2026-2027',
      '2027-2028',
    ]);
    expect(defaultDeliveryCalendar('g-1', '2027-01-01').seasons[0]).toEqual({
      id: '2026-2027',
      start: '2026-03-01',
      end: '2027-02-28',
    });
    expect(defaultDeliveryCalendar('g-1', '2027-03-01').seasons[0]?.id).toBe('2027-2028');
  });

  it('is always valid and covers the day it was made for', () => {
    for (const today of ['2026-01-01', '2026-03-01', '2026-11-24', '2027-02-28', '2028-02-29']) {
      const made = defaultDeliveryCalendar('g-1', today);
      expect(calendarRefusal(made)).toBeUndefined();
      expect(seasonOf(made, today)).toBeDefined();
    }
  });
});

describe('the cutoff of a delivery', () => {
  it('falls at the midnight that ends its last day, included, the notice counted in whole days', () => {
    // Tuesday 31 March 2026, two days after the clocks went forward.
    expect(cutoffOf('2026-03-31', 48, 'Europe/Paris').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(cutoffOf('2026-03-31', 36, 'Europe/Paris').toISOString()).toBe('2026-03-28T23:00:00.000Z');
  });

  it('keeps the hours-before rule for runs started before it (patch cutoff-last-day-included)', () => {
    // Exactly 48 h and 36 h before Tuesday's midnight, whatever the clocks did on Sunday.
    expect(cutoffOf('2026-03-31', 48, 'Europe/Paris', 'hours-before').toISOString()).toBe(
      '2026-03-28T22:00:00.000Z',
    );
    expect(cutoffOf('2026-03-31', 36, 'Europe/Paris', 'hours-before').toISOString()).toBe(
      '2026-03-29T10:00:00.000Z',
    );
  });
});
