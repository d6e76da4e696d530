import { describe, expect, it } from 'vitest';
import { aDepot } from '../../testing/fixtures.ts';
import { calendarEvents } from './events.ts';
import { mondayOfWeek } from '../../../../domain/iso-weeks.ts';
import { nextClosedWeek, weekOverview, weeksBetween } from './weeks.ts';

const calendar = {
  seasons: [
    { id: '2026-2027', start: '2026-03-01', end: '2026-12-31' },
    { id: '2027', start: '2027-01-11', end: '2027-12-31' },
  ],
  closedWeeks: ['2026-W52', '2026-W50'],
};
const depots = [aDepot(), aDepot({ id: 'd-nord', name: 'Zone nord', deliveryWeekday: 5 })];

describe('calendar weeks', () => {
  it('finds the Monday of an ISO week, across years', () => {
    expect(mondayOfWeek('2026-W52')).toBe('2026-12-21');
    expect(mondayOfWeek('2026-W01')).toBe('2025-12-29');
    expect(mondayOfWeek('2027-W01')).toBe('2027-01-04');
    expect(weeksBetween('2026-12-31', '2027-01-11')).toEqual(['2026-W53', '2027-W01', '2027-W02']);
  });

  it('says what a week holds: closed, out of season, or which depots deliver', () => {
    expect(weekOverview(calendar, depots, '2026-W49')).toMatchObject({
      closed: false,
      season: { id: '2026-2027' },
      depots: [{ id: 'd-centre' }, { id: 'd-nord' }],
    });
    expect(weekOverview(calendar, depots, '2026-W50')).toMatchObject({
      closed: true,
      depots: [{ id: 'd-centre' }, { id: 'd-nord' }],
    });
    expect(weekOverview(calendar, depots, '2027-W01')).toMatchObject({ season: undefined, depots: [] });
  });

  it('finds the next closed week from today on', () => {
    expect(nextClosedWeek(calendar, '2026-11-24')).toBe('2026-W50');
    expect(nextClosedWeek(calendar, '2026-12-08')).toBe('2026-W50');
    expect(nextClosedWeek(calendar, '2026-12-14')).toBe('2026-W52');
    expect(nextClosedWeek(calendar, '2026-12-28')).toBeUndefined();
  });

  it('shows delivery days, closed weeks as a background, and seasons’ ends', () => {
    const events = calendarEvents(calendar, depots, '2026-12-07', '2026-12-21', {
      delivery: (depot) => depot,
      closedWeek: (week) => `Semaine ${week} fermée`,
      seasonStart: (id) => `Début ${id}`,
      seasonEnd: (id) => `Fin ${id}`,
    });
    expect(
      events
        .filter((event) => event.extendedProps.kind === 'delivery')
        .map((event) => `${event.start} ${event.title}`),
    ).toEqual(['2026-12-15 Biocoop Centre', '2026-12-18 Zone nord']);
    expect(
      events.filter((event) => event.extendedProps.kind === 'closed-week').map((event) => event.display),
    ).toEqual(['background', undefined]);
    expect(events.find((event) => event.display === 'background')).toMatchObject({
      start: '2026-12-07',
      end: '2026-12-14',
      title: 'Semaine 50 fermée',
      extendedProps: { week: '2026-W50' },
    });
    const seasonEnds = calendarEvents(calendar, depots, '2026-12-28', '2027-01-18', {
      delivery: (depot) => depot,
      closedWeek: String,
      seasonStart: (id) => `Début ${id}`,
      seasonEnd: (id) => `Fin ${id}`,
    }).filter((event) => event.extendedProps.kind !== 'delivery');
    expect(seasonEnds.map((event) => `${event.start} ${event.title}`)).toEqual([
      '2026-12-31 Fin 2026-2027',
      '2027-01-11 Début 2027',
    ]);
  });
});
