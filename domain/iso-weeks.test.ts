import { describe, expect, it } from 'vitest';
import { addDays } from './calendar.ts';
import {
  isIsoWeek,
  isoWeek,
  isoWeekPattern,
  mondayOf,
  mondayOfWeek,
  weekAfter,
  weekBefore,
  weekDays,
  weekNumber,
} from './iso-weeks.ts';

describe('ISO weeks', () => {
  it('names the week of a day, Monday to Sunday', () => {
    expect(isoWeek('2026-11-30')).toBe('2026-W49');
    expect(isoWeek('2026-12-06')).toBe('2026-W49');
    expect(isoWeek('2026-12-07')).toBe('2026-W50');
  });

  it('puts the days around New Year in the week of their Thursday', () => {
    // 2026 ends on a Thursday: its week 53 runs to Sunday 3 January 2027.
    expect(isoWeek('2026-12-28')).toBe('2026-W53');
    expect(isoWeek('2026-12-31')).toBe('2026-W53');
    expect(isoWeek('2027-01-03')).toBe('2026-W53');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
    // 2024 ends on a Tuesday: its last days are already 2025's week 1.
    expect(isoWeek('2024-12-29')).toBe('2024-W52');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2025-01-01')).toBe('2025-W01');
    // 2021 starts on a Friday: its first days are still 2020's week 53.
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2021-01-04')).toBe('2021-W01');
  });

  it('knows which years have a week 53', () => {
    expect(isIsoWeek('2026-W53')).toBe(true);
    expect(isIsoWeek('2020-W53')).toBe(true);
    expect(isIsoWeek('2027-W53')).toBe(false);
    expect(isIsoWeek('2025-W53')).toBe(false);
    expect(isIsoWeek('2027-W52')).toBe(true);
    expect(isIsoWeek('2026-W00')).toBe(false);
    expect(isIsoWeek('2026-W54')).toBe(false);
    expect(isIsoWeek('2026-W1')).toBe(false);
    expect(isIsoWeek('2026-49')).toBe(false);
  });

  it('gives the Monday of a day and of a week', () => {
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
    expect(mondayOfWeek('2026-W49')).toBe('2026-11-30');
    expect(mondayOfWeek('2026-W53')).toBe('2026-12-28');
    expect(mondayOfWeek('2027-W01')).toBe('2027-01-04');
    expect(mondayOfWeek('2025-W01')).toBe('2024-12-30');
    expect(mondayOfWeek('2020-W53')).toBe('2020-12-28');
  });

  it('lists the seven days of a week, across the year boundary', () => {
    expect(weekDays('2026-W53')).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
  });

  it('steps from week to week, through week 53 and New Year', () => {
    expect(weekAfter('2026-W52')).toBe('2026-W53');
    expect(weekAfter('2026-W53')).toBe('2027-W01');
    expect(weekAfter('2027-W52')).toBe('2028-W01');
    expect(weekBefore('2027-W01')).toBe('2026-W53');
    expect(weekBefore('2028-W01')).toBe('2027-W52');
    expect(weekBefore('2026-W50')).toBe('2026-W49');
  });

  it('agrees with itself over ten years, day by day', () => {
    for (let day = '2020-01-01'; day < '2030-01-01'; day = addDays(day, 1)) {
      const week = isoWeek(day);
      expect(week).toMatch(new RegExp(isoWeekPattern));
      expect(isIsoWeek(week)).toBe(true);
      expect(weekDays(week)).toContain(day);
      expect(mondayOfWeek(week)).toBe(mondayOf(day));
    }
  });

  it('reads the number people say', () => {
    expect(weekNumber('2027-W01')).toBe(1);
    expect(weekNumber('2026-W53')).toBe(53);
  });
});
