import { describe, expect, it } from 'vitest';
import { weekAfter, weekBefore, weekNumber } from '../../../../domain/iso-weeks.ts';
import { currentWeek, weekSpan } from './week-dates.ts';

describe('week dates', () => {
  it('goes from one week to the next and back, across the new year', () => {
    expect(weekAfter('2026-W53')).toBe('2027-W01');
    expect(weekBefore('2027-W01')).toBe('2026-W53');
    expect(weekBefore('2026-W49')).toBe('2026-W48');
    expect(weekNumber('2026-W09')).toBe(9);
  });

  it('gives the Monday and Sunday of a week, and the week of a day in garden time', () => {
    expect(weekSpan('2026-W49')).toEqual({ monday: '2026-11-30', sunday: '2026-12-06' });
    // Sunday 23:30 UTC is already Monday in Paris.
    expect(currentWeek(new Date('2026-12-06T23:30:00Z'))).toBe('2026-W50');
  });
});
