import { describe, expect, it } from 'vitest';
import { dateFormatter, formatCalendarDay, formatMonth, nextWeekday } from './calendar.ts';
import { isoWeek } from './iso-weeks.ts';

describe('calendar days', () => {
  it('finds the next day with a given weekday, the day itself included', () => {
    expect(nextWeekday('2026-11-24', 2)).toBe('2026-11-24');
    expect(nextWeekday('2026-11-24', 1)).toBe('2026-11-30');
    expect(nextWeekday('2026-11-29', 7)).toBe('2026-11-29');
    expect(nextWeekday('2026-12-31', 5)).toBe('2027-01-01');
  });

  it('names ISO weeks across the new year', () => {
    expect(isoWeek('2026-12-31')).toBe('2026-W53');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
  });

  it('names a month as people say it, in French by default', () => {
    expect(formatMonth('2026-11')).toBe('novembre 2026');
    expect(formatMonth('2027-01', 'en')).toBe('January 2027');
  });

  it('writes a calendar day with the parts asked for, the same day whatever the time zone', () => {
    expect(formatCalendarDay('2026-12-01', 'fr', { day: 'numeric', month: 'short', year: 'numeric' })).toBe(
      '1 déc. 2026',
    );
    expect(formatCalendarDay('2026-12-05', 'en', { weekday: 'long', day: 'numeric', month: 'long' })).toBe(
      'Saturday 5 December',
    );
  });

  it('makes a date formatter once for the same language and options', () => {
    const options = { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    expect(dateFormatter('en-CA', { ...options })).toBe(dateFormatter('en-CA', { ...options }));
    expect(dateFormatter('en-CA', options)).not.toBe(dateFormatter('en-GB', options));
  });
});
