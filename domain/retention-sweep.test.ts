import { describe, expect, it } from 'vitest';
import { addDays, gardenDay, isoWeekday } from './calendar.ts';
import { startOfDayIn } from './delivery-calendar.ts';
import { weekDays } from './iso-weeks.ts';
import { retention } from './retention.ts';
import {
  isInactiveMember,
  lastActivityDay,
  lastWeekBefore,
  monthsBefore,
  retentionCutoff,
  retentionCutoffs,
  retentionSummary,
  startedOutcome,
  sweptKinds,
  withPage,
  type MemberActivity,
  type RetentionReport,
} from './retention-sweep.ts';

const hour = 3_600_000;

/** The calendar anniversary `months` later (the month's last day when it has no such day). */
function monthsAfter(day: string, months: number): string {
  return monthsBefore(day, -months);
}

/** Every day from `first` to `last`, inclusive. */
function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Instants of a garden day a run may start at: just after midnight, at night, just before the next midnight. */
function instantsOf(day: string, timeZone: string): Date[] {
  const start = startOfDayIn(day, timeZone).getTime();
  const end = startOfDayIn(addDays(day, 1), timeZone).getTime();
  return [new Date(start + 30_000), new Date(start + 4 * hour + 10 * 60_000), new Date(end - 30_000)];
}

describe('monthsBefore', () => {
  it('goes back whole calendar months, to the month’s last day when the day does not exist', () => {
    expect(monthsBefore('2026-12-07', 12)).toBe('2025-12-07');
    expect(monthsBefore('2026-12-07', 36)).toBe('2023-12-07');
    expect(monthsBefore('2028-02-29', 12)).toBe('2027-02-28');
    expect(monthsBefore('2028-02-29', 48)).toBe('2024-02-29');
    expect(monthsBefore('2027-03-31', 1)).toBe('2027-02-28');
    expect(monthsBefore('2027-01-15', 1)).toBe('2026-12-15');
    expect(monthsBefore('2027-01-15', 13)).toBe('2025-12-15');
    expect(monthsAfter('2028-02-29', 12)).toBe('2029-02-28');
  });
});

// 2028 is a leap year; in Paris summer time starts on 26 March and ends on 29 October 2028.
const simulatedYear = daysFrom('2027-12-25', '2029-01-05');
const timeZones = [
  'Europe/Paris',
  'Indian/Reunion',
  'America/Guadeloupe',
  'America/Cayenne',
  'Pacific/Noumea',
];

describe('cutoffs over a whole simulated year, every day, in the gardens’ time zones', () => {
  for (const timeZone of timeZones) {
    it(`keeps each record its whole period, and not more than a day past it (${timeZone})`, () => {
      let previous: ReturnType<typeof retentionCutoffs> | undefined;
      for (const day of simulatedYear) {
        for (const ranAt of instantsOf(day, timeZone)) {
          expect(gardenDay(ranAt, timeZone)).toBe(day);
          const cutoffs = retentionCutoffs(ranAt, timeZone);
          for (const kind of sweptKinds) {
            const cutoff = cutoffs[kind];
            const { months } = retention[kind];
            expect(cutoff).toMatchObject({ kind, months, then: retention[kind].then });
            // The newest record that goes has had its whole period…
            const newestRemoved = addDays(cutoff.keepFrom, -1);
            expect(monthsAfter(newestRemoved, months) < day).toBe(true);
            // …and the oldest kept is within a day of its end (29 February's anniversary).
            expect(monthsAfter(cutoff.keepFrom, months) >= addDays(day, -1)).toBe(true);
            // The instant is the garden's midnight that starts the first day kept.
            const instant = new Date(cutoff.keepFromInstant);
            expect(gardenDay(instant, timeZone)).toBe(cutoff.keepFrom);
            expect(gardenDay(new Date(instant.getTime() - 1), timeZone)).toBe(newestRemoved);
            if (previous) {
              // Never back in time from one run to the next, and never more than two days on.
              const before = previous[kind];
              expect(cutoff.keepFrom >= before.keepFrom).toBe(true);
              expect(cutoff.keepFromInstant >= before.keepFromInstant).toBe(true);
              expect(cutoff.keepFrom <= addDays(before.keepFrom, 2)).toBe(true);
            }
          }
          previous = cutoffs;
        }
      }
    });
  }

  it('moves the first day kept on 1 March after a 29 February, and keeps it the same on 29 February', () => {
    const paris = 'Europe/Paris';
    const at = (day: string) => new Date(startOfDayIn(day, paris).getTime() + 4 * hour);
    expect(retentionCutoff('notificationLog', at('2028-02-28'), paris).keepFrom).toBe('2027-02-28');
    expect(retentionCutoff('notificationLog', at('2028-02-29'), paris).keepFrom).toBe('2027-02-28');
    expect(retentionCutoff('notificationLog', at('2028-03-01'), paris).keepFrom).toBe('2027-03-01');
    // The record of 29 February 2028 goes on 1 March 2029, its anniversary being the 28th.
    expect(retentionCutoff('deliveryRounds', at('2029-02-28'), paris).keepFrom).toBe('2028-02-28');
    expect(retentionCutoff('deliveryRounds', at('2029-03-01'), paris).keepFrom).toBe('2028-03-01');
    expect(retentionCutoff('inactiveMember', at('2028-02-29'), paris).keepFrom).toBe('2025-02-28');
  });

  it('starts the first day kept at the garden’s midnight, summer or winter time', () => {
    const paris = 'Europe/Paris';
    // A run on the morning summer time starts (26 March 2028): the first day kept is in winter.
    const spring = new Date('2028-03-26T03:00:00Z');
    expect(retentionCutoff('notificationLog', spring, paris)).toMatchObject({
      keepFrom: '2027-03-26',
      keepFromInstant: '2027-03-25T23:00:00.000Z',
    });
    // A run in summer: the first day kept is in summer too.
    expect(retentionCutoff('notificationLog', new Date('2028-07-01T02:10:00Z'), paris)).toMatchObject({
      keepFrom: '2027-07-01',
      keepFromInstant: '2027-06-30T22:00:00.000Z',
    });
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(retentionCutoff('notificationLog', new Date('2028-12-31T23:30:00Z'), paris).keepFrom).toBe(
      '2028-01-01',
    );
    expect(
      retentionCutoff('notificationLog', new Date('2028-12-31T23:30:00Z'), 'America/Cayenne').keepFrom,
    ).toBe('2027-12-31');
  });
});

describe('the last week wholly before the first day kept', () => {
  it('is the week whose Sunday is the last one before it, every day of the year', () => {
    let previous: string | undefined;
    for (const day of simulatedYear) {
      const week = lastWeekBefore(day);
      const days = weekDays(week);
      const sunday = days[6] as string;
      expect(isoWeekday(sunday)).toBe(7);
      expect(sunday < day).toBe(true);
      expect(addDays(sunday, 7) >= day).toBe(true);
      if (previous) expect(week >= previous).toBe(true);
      previous = week;
    }
    expect(lastWeekBefore('2027-12-06')).toBe('2027-W48');
    expect(lastWeekBefore('2027-12-05')).toBe('2027-W47');
    // Week 1 of 2027 starts on Monday 4 January; the week before is 2026-W53.
    expect(lastWeekBefore('2027-01-11')).toBe('2027-W01');
    expect(lastWeekBefore('2027-01-10')).toBe('2026-W53');
  });
});

describe('inactive members', () => {
  const cutoff = { keepFrom: '2023-12-07' };
  const quiet: MemberActivity = {
    member: { createdAt: '2020-03-01T10:00:00.000Z', updatedAt: '2021-05-01T10:00:00.000Z' },
    subscriptions: [
      {
        status: 'ended',
        startDate: '2020-04-01',
        endDate: '2022-10-31',
        updatedAt: '2022-11-01T05:00:00.000Z',
      },
    ],
    invoices: [{ status: 'paid', issuedOn: '2022-10-01', payments: [{ receivedOn: '2022-10-15' }] }],
    otherActs: ['2020-03-01T10:00:00.000Z'],
  };

  it('are those with nothing ongoing and no activity since the first day kept', () => {
    expect(lastActivityDay(quiet)).toBe('2022-11-01');
    expect(isInactiveMember(quiet, cutoff)).toBe(true);
  });

  it('are not those with anything on or after the first day kept', () => {
    const recent = (change: Partial<MemberActivity>) => isInactiveMember({ ...quiet, ...change }, cutoff);
    expect(recent({ member: { ...quiet.member, updatedAt: '2023-12-07T08:00:00.000Z' } })).toBe(false);
    // 23:30 UTC on 6 December is the 7th in Paris.
    expect(recent({ member: { ...quiet.member, updatedAt: '2023-12-06T23:30:00.000Z' } })).toBe(false);
    expect(recent({ member: { ...quiet.member, updatedAt: '2023-12-06T22:30:00.000Z' } })).toBe(true);
    expect(
      recent({ subscriptions: [{ status: 'cancelled', startDate: '2021-01-01', endDate: '2023-12-31' }] }),
    ).toBe(false);
    expect(
      recent({
        invoices: [{ status: 'paid', issuedOn: '2023-11-01', payments: [{ receivedOn: '2024-01-03' }] }],
      }),
    ).toBe(false);
    expect(recent({ otherActs: ['2024-02-01T09:00:00.000Z'] })).toBe(false);
  });

  it('are never those still subscribed, waiting, paused, or owing an invoice, however old', () => {
    for (const status of ['pending', 'waitlisted', 'active', 'paused']) {
      expect(
        isInactiveMember({ ...quiet, subscriptions: [{ status, startDate: '2019-01-01' }] }, cutoff),
      ).toBe(false);
    }
    expect(
      isInactiveMember({ ...quiet, invoices: [{ status: 'open', issuedOn: '2019-01-01' }] }, cutoff),
    ).toBe(false);
  });

  it('cannot be told without a readable date', () => {
    const unreadable: MemberActivity = {
      member: { createdAt: 'yesterday', updatedAt: 12 },
      subscriptions: [],
      invoices: [{ status: 'paid', payments: 'none' }],
      otherActs: [null],
    };
    expect(lastActivityDay(unreadable)).toBeUndefined();
    expect(isInactiveMember(unreadable, cutoff)).toBeUndefined();
  });
});

describe('the report', () => {
  it('adds pages up, keeps the first problems only, and says the run in both languages', () => {
    const cutoff = retentionCutoff('notificationLog', new Date('2026-12-07T03:10:00Z'));
    let outcome = startedOutcome(cutoff);
    expect(outcome).toEqual({
      kind: 'notificationLog',
      action: 'delete',
      keepFrom: '2025-12-07',
      removed: 0,
      listed: 0,
      errors: 0,
      problems: [],
      outcome: 'done',
    });
    for (let page = 0; page < 4; page++) {
      outcome = withPage(outcome, { removed: 100, errors: 3, problems: ['a', 'b', 'c'] });
    }
    expect(outcome).toMatchObject({ removed: 400, errors: 12 });
    expect(outcome.problems).toHaveLength(10);
    const members = withPage(
      startedOutcome(retentionCutoff('inactiveMember', new Date('2026-12-07T03:10:00Z')), 'list'),
      {
        removed: 0,
        listed: 2,
        errors: 0,
        problems: [],
      },
    );
    const report: RetentionReport = {
      gardenId: 'g-demo',
      ranAt: '2026-12-07T03:10:00.000Z',
      timeZone: 'Europe/Paris',
      rules: [outcome, { ...members, outcome: 'unfinished' }],
    };
    const summary = retentionSummary(report);
    expect(summary.fr).toContain('Journal des e-mails et SMS envoyés : 400 traités, 12 erreurs');
    expect(summary.fr).toContain(
      'Adhérents inactifs : 0 traités, 2 repérés, 0 erreurs (à suivre la nuit prochaine)',
    );
    expect(summary.en).toContain('Inactive members: 0 handled, 2 found, 0 errors (continued next night)');
  });
});
