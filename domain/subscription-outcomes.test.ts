import { describe, expect, it } from 'vitest';
import type { ScheduleContext } from './delivery-schedule.ts';
import { cancellationOutcome, suspensionStart } from './subscription-outcomes.ts';
import { seasonSubscription, someone } from '../tests/support/tuesday-subscription.ts';

const subscription = seasonSubscription;

const context: ScheduleContext = {
  calendar: {
    seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
    closedWeeks: [],
    cutoffHours: 48,
  },
  depotWeekdays: { 'd-mardi': 2 },
  absencePolicy: 'donated',
  timeZone: 'Europe/Paris',
};

// Tuesday 24 November 2026 at 13:00 in Paris: today's basket is promised; the first delivery
// still open to changes is Tuesday 1 December.
const now = new Date('2026-11-24T12:00:00.000Z');

describe('suspension for an unpaid invoice', () => {
  it('starts at the first delivery still open to changes', () => {
    expect(suspensionStart(subscription(), context, now, 'Europe/Paris')).toBe('2026-12-01');
  });

  it('keeps the first day of a suspension already running', () => {
    const suspended = subscription({
      suspension: { from: '2026-11-17', invoiceNumbers: [1], decided: someone, reason: 'impayé' },
    });
    expect(suspensionStart(suspended, context, now, 'Europe/Paris')).toBe('2026-11-17');
  });

  it("starts today, in the garden's time, before the garden's calendar is known", () => {
    // 00:30 on Wednesday 25 November in Paris is still the 24th in UTC.
    expect(
      suspensionStart(subscription(), undefined, new Date('2026-11-24T23:30:00.000Z'), 'Europe/Paris'),
    ).toBe('2026-11-25');
  });
});

describe('cancellation', () => {
  const rules = { cancellationNoticeDays: 14 };

  it('cancels an application not yet started at once', () => {
    for (const status of ['pending', 'waitlisted'] as const) {
      expect(cancellationOutcome(subscription({ status }), rules, now, 'Europe/Paris')).toEqual({
        effectiveDate: '2026-11-24',
        change: { status: 'cancelled' },
      });
    }
  });

  it("ends a running subscription after the garden's notice", () => {
    expect(cancellationOutcome(subscription(), rules, now, 'Europe/Paris')).toEqual({
      effectiveDate: '2026-12-08',
      change: { endDate: '2026-12-08' },
    });
  });

  it('never ends it after its season', () => {
    expect(cancellationOutcome(subscription({ endDate: '2026-12-01' }), rules, now, 'Europe/Paris')).toEqual({
      effectiveDate: '2026-12-01',
      change: { endDate: '2026-12-01' },
    });
  });
});
