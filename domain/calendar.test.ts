import { describe, expect, it } from 'vitest';
import { formatMonth, nextWeekday } from './calendar.ts';
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
});
