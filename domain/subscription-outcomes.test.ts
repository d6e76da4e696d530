import { describe, expect, it } from 'vitest';
import type { ScheduleContext } from './delivery-schedule.ts';
import {
  absencesOutcome,
  absenceWithdrawalOutcome,
  applicantGoneOutcome,
  applicationReceivedNotice,
  cancellation,
  cancellationOutcome,
  decisionOutcome,
  depotDetails,
  pauseOutcome,
  renewalOutcome,
  resumptionOutcome,
  suspensionOutcome,
  suspensionStart,
  termsChangeOutcome,
  type OutcomeGarden,
} from './subscription-outcomes.ts';
import { absencesRefusal } from './delivery-schedule.ts';
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

const staff = { userId: 'u-2', name: 'Paul Martin' };
const mairie = { name: 'Mairie', address: '1 place de la Mairie', openingHours: '17 h – 19 h' };
const garden: OutcomeGarden = {
  calendar: {
    seasons: [
      { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
      { id: '2027-2028', start: '2027-03-01', end: '2028-02-29' },
    ],
  },
  rules: { renewal: 'season', absencePolicy: 'compensated', cancellationNoticeDays: 14 },
  depots: {
    'd-mardi': mairie,
    'd-gare': { name: 'Gare', address: '2 rue de la Gare', openingHours: '18 h' },
  },
};

describe('the depot in a notice', () => {
  it('gives its name, address and hours, or empty words for a depot no longer known', () => {
    expect(depotDetails(mairie)).toEqual({
      depotName: 'Mairie',
      depotAddress: '1 place de la Mairie',
      openingHours: '17 h – 19 h',
    });
    expect(depotDetails(undefined)).toEqual({ depotName: '', depotAddress: '', openingHours: '' });
  });
});

describe('an application made online', () => {
  it('is acknowledged once, with what was asked for and where', () => {
    const application = subscription({ status: 'pending', endDate: undefined, seasonId: undefined });
    expect(applicationReceivedNotice(application, garden)).toEqual({
      key: 'application-received',
      request: {
        kind: 'application-received',
        data: {
          startDate: application.startDate,
          depotName: 'Mairie',
          basketSize: application.basketSize,
          frequency: application.frequency,
        },
      },
    });
    // A depot no longer known still gives a message.
    expect(applicationReceivedNotice(application, undefined).request.data).toMatchObject({ depotName: '' });
  });
});

describe('a staff decision', () => {
  const application = subscription({ status: 'pending', endDate: undefined, seasonId: undefined });

  it('approves with the season of the start date, and tells the member where and when', () => {
    const outcome = decisionOutcome(application, { decision: 'approve', reason: '  ' }, staff, garden, now);
    expect(outcome.change).toEqual({
      status: 'active',
      decision: { by: staff, at: now.toISOString(), outcome: 'approved' },
      endDate: '2027-02-28',
      seasonId: '2026-2027',
    });
    expect(outcome.notice).toEqual({
      key: 'approved',
      request: {
        kind: 'subscription-approved',
        data: {
          startDate: '2026-11-03',
          depotName: 'Mairie',
          depotAddress: '1 place de la Mairie',
          openingHours: '17 h – 19 h',
          basketSize: 'medium',
          frequency: 'weekly',
        },
      },
    });
  });

  it('rejects with the reason, trimmed', () => {
    const outcome = decisionOutcome(
      application,
      { decision: 'reject', reason: ' Dépôt fermé ' },
      staff,
      undefined,
      now,
    );
    expect(outcome.change).toMatchObject({
      status: 'rejected',
      decision: { outcome: 'rejected', reason: 'Dépôt fermé' },
    });
    expect(outcome.notice).toEqual({
      key: 'rejected',
      request: { kind: 'subscription-rejected', data: { reason: 'Dépôt fermé' } },
    });
  });

  it('puts the application on the waiting list, naming the depot that is full', () => {
    const outcome = decisionOutcome(application, { decision: 'waitlist' }, staff, garden, now);
    expect(outcome.change.status).toBe('waitlisted');
    expect(outcome.notice?.request).toEqual({
      kind: 'subscription-waitlisted',
      data: { depotName: 'Mairie' },
    });
  });
});

describe('absences', () => {
  it('notes each date once, in order among those already noted, and confirms them together', () => {
    const reported = { by: staff, at: now.toISOString() };
    const noted = subscription({ absences: [{ date: '2026-12-08', reported: someone }] });
    const outcome = absencesOutcome(
      noted,
      ['2026-12-15', '2026-12-01', '2026-12-15'],
      staff,
      'compensated',
      now,
    );
    expect(outcome.change.absences?.map((absence) => absence.date)).toEqual([
      '2026-12-01',
      '2026-12-08',
      '2026-12-15',
    ]);
    expect(outcome.change.absences?.[0]?.reported).toEqual(reported);
    expect(outcome.notice).toEqual({
      key: 'absence/2026-12-01+2026-12-15',
      request: {
        kind: 'absence-confirmed',
        data: { dates: ['2026-12-01', '2026-12-15'], absencePolicy: 'compensated' },
      },
    });
  });

  it('notes each absence with its own outcome: the decided one, else the garden rule', () => {
    const noted = subscription({ absences: [{ date: '2026-12-08', reported: someone }] });
    const outcome = absencesOutcome(noted, ['2026-12-15', '2026-12-01'], staff, 'donated', now, {
      '2026-12-15': 'credited',
    });
    expect(outcome.change.absences?.map((absence) => [absence.date, absence.outcome])).toEqual([
      ['2026-12-01', 'donated'],
      // Noted before outcomes were kept: left as it was (the garden rule reads it).
      ['2026-12-08', undefined],
      ['2026-12-15', 'credited'],
    ]);
    expect(outcome.notice?.request).toEqual({
      kind: 'absence-confirmed',
      data: {
        dates: ['2026-12-01', '2026-12-15'],
        absencePolicy: 'donated',
        outcomes: ['donated', 'credited'],
      },
    });
    const credited = absencesOutcome(noted, ['2026-12-15'], staff, 'credited', now);
    expect(credited.notice?.request).toEqual({
      kind: 'absence-confirmed',
      data: { dates: ['2026-12-15'], absencePolicy: 'credited' },
    });
  });

  it('tells a member taking back an absence what its own outcome was', () => {
    const noted = subscription({
      absences: [{ date: '2026-12-15', reported: someone, outcome: 'credited' }],
    });
    const outcome = absenceWithdrawalOutcome(noted, '2026-12-15', staff, 'compensated', now);
    expect(outcome.notice?.request).toEqual({
      kind: 'absence-withdrawn',
      data: { date: '2026-12-15', absencePolicy: 'credited' },
    });
    // Taken back, its basket is delivered: nothing is kept of the outcome.
    expect(outcome.change.withdrawnAbsences).toEqual([
      { date: '2026-12-15', reported: someone, withdrawn: { by: staff, at: now.toISOString() } },
    ]);
  });

  it('refuses an empty report, or one of more than 20 dates', () => {
    const rules = { maxAbsencesPerSeason: 5 };
    expect(absencesRefusal(subscription(), context, rules, [], now)?.en).toBe(
      'Choose between 1 and 20 dates.',
    );
    const many = Array.from({ length: 21 }, (_, week) => `2027-01-${String(week + 1).padStart(2, '0')}`);
    expect(absencesRefusal(subscription(), context, rules, many, now)?.en).toBe(
      'Choose between 1 and 20 dates.',
    );
  });

  it("counts the dates of one report together against the season's maximum", () => {
    const rules = { maxAbsencesPerSeason: 1 };
    expect(absencesRefusal(subscription(), context, rules, ['2026-12-01'], now)).toBeUndefined();
    expect(absencesRefusal(subscription(), context, rules, ['2026-12-08', '2026-12-01'], now)?.en).toMatch(
      /already reported 1 absence this season/,
    );
  });

  it('refuses a day with no delivery, as a single absence would be', () => {
    expect(
      absencesRefusal(subscription(), context, { maxAbsencesPerSeason: 5 }, ['2026-12-02'], now)?.en,
    ).toMatch(/No delivery is planned/);
  });
});

describe('a pause', () => {
  it("is counted among its season's pauses and confirmed", () => {
    const paused = subscription({ pausesInSeason: { seasonId: '2026-2027', count: 1 } });
    const outcome = pauseOutcome(
      paused,
      { from: '2026-12-08', until: '2027-01-05', actor: staff },
      garden.calendar,
      now,
    );
    expect(outcome.change).toEqual({
      pause: { from: '2026-12-08', until: '2027-01-05', requested: { by: staff, at: now.toISOString() } },
      pausesInSeason: { seasonId: '2026-2027', count: 2 },
    });
    expect(outcome.notice?.key).toBe('pause/2026-12-08/2027-01-05');
  });

  it('is not counted before the calendar is known', () => {
    const outcome = pauseOutcome(
      subscription(),
      { from: '2026-12-08', until: '2027-01-05', actor: staff },
      undefined,
      now,
    );
    expect(outcome.change.pausesInSeason).toBeUndefined();
  });
});

describe('a change of depot or basket', () => {
  it('takes effect from the first delivery still open to changes, under the next revision', () => {
    const outcome = termsChangeOutcome(
      subscription(),
      { depotId: 'd-gare', actor: staff },
      context,
      garden.depots,
      now,
    );
    expect(outcome.change.changes).toEqual([
      { effectiveFrom: '2026-12-01', depotId: 'd-gare', requested: { by: staff, at: now.toISOString() } },
    ]);
    expect(outcome.notice).toEqual({
      key: 'change/3',
      request: { kind: 'terms-changed', data: { effectiveFrom: '2026-12-01', depotName: 'Gare' } },
    });
  });

  it('names a basket size alone, and a depot no longer known by its id', () => {
    const size = termsChangeOutcome(subscription(), { basketSize: 'large', actor: staff }, context, {}, now);
    expect(size.notice?.request.data).toEqual({ effectiveFrom: '2026-12-01', basketSize: 'large' });
    const unknown = termsChangeOutcome(subscription(), { depotId: 'd-x', actor: staff }, context, {}, now);
    expect(unknown.notice?.request.data).toEqual({ effectiveFrom: '2026-12-01', depotName: 'd-x' });
  });
});

describe('a renewal', () => {
  it('moves the subscription into the next season', () => {
    expect(renewalOutcome(subscription(), garden.calendar)).toEqual({
      change: { seasonId: '2027-2028', endDate: '2028-02-29' },
      notice: {
        key: 'renewed/2027-2028',
        request: { kind: 'subscription-renewed', data: { endDate: '2028-02-29' } },
      },
    });
  });

  it('does nothing while the next season is not open', () => {
    expect(renewalOutcome(subscription(), { seasons: [garden.calendar.seasons[0]!] })).toBeUndefined();
  });
});

describe('an unpaid invoice', () => {
  const invoice = { invoiceNumber: 7, invoiceLabel: 'F-7', amount: 4200, reason: 'Impayé', decided: someone };

  it('suspends deliveries and tells the member from when', () => {
    const outcome = suspensionOutcome(subscription(), invoice, context, now, 'Europe/Paris');
    expect(outcome?.change.suspension).toEqual({
      from: '2026-12-01',
      invoiceNumbers: [7],
      decided: someone,
      reason: 'Impayé',
    });
    expect(outcome?.notice).toEqual({
      key: 'suspended/7',
      request: {
        kind: 'deliveries-suspended',
        data: { invoiceLabel: 'F-7', amount: 4200, from: '2026-12-01' },
      },
    });
  });

  it('adds a second invoice to a suspension without telling the member again', () => {
    const suspended = subscription({
      suspension: { from: '2026-11-17', invoiceNumbers: [3], decided: someone, reason: 'Premier impayé' },
    });
    expect(suspensionOutcome(suspended, invoice, context, now, 'Europe/Paris')).toEqual({
      change: {
        suspension: {
          from: '2026-11-17',
          invoiceNumbers: [3, 7],
          decided: someone,
          reason: 'Premier impayé',
        },
      },
    });
    expect(
      suspensionOutcome(suspended, { ...invoice, invoiceNumber: 3 }, context, now, 'Europe/Paris'),
    ).toBeUndefined();
  });

  it('does nothing to a subscription that is not running', () => {
    expect(
      suspensionOutcome(subscription({ status: 'ended' }), invoice, context, now, 'Europe/Paris'),
    ).toBeUndefined();
  });

  it('resumes deliveries once no unpaid invoice holds them, and only then tells the member', () => {
    const suspended = subscription({
      suspension: { from: '2026-11-17', invoiceNumbers: [3, 7], decided: someone, reason: 'Impayé' },
    });
    const first = resumptionOutcome(suspended, { invoiceNumber: 3, invoiceLabel: 'F-3' });
    expect(first).toEqual({ change: { suspension: { ...suspended.suspension, invoiceNumbers: [7] } } });
    const last = resumptionOutcome(
      { ...suspended, ...first?.change },
      { invoiceNumber: 7, invoiceLabel: 'F-7', writtenOff: true },
    );
    expect(last).toEqual({
      change: { suspension: undefined },
      notice: {
        key: 'resumed/7',
        request: { kind: 'deliveries-resumed', data: { invoiceLabel: 'F-7', writtenOff: true } },
      },
    });
    expect(resumptionOutcome(subscription(), { invoiceNumber: 7, invoiceLabel: 'F-7' })).toBeUndefined();
  });
});

describe('a cancellation request', () => {
  it('records who, when, why and until when, and acknowledges it', () => {
    const outcome = cancellation(
      subscription(),
      { origin: 'member', reason: ' Déménagement ', actor: staff },
      { cancellationNoticeDays: 14 },
      now,
      'Europe/Paris',
    );
    expect(outcome.change).toEqual({
      cancellation: {
        by: staff,
        at: now.toISOString(),
        origin: 'member',
        effectiveDate: '2026-12-08',
        reason: 'Déménagement',
      },
      endDate: '2026-12-08',
    });
    expect(outcome.notice).toEqual({
      key: 'cancellation',
      request: {
        kind: 'cancellation-acknowledged',
        data: {
          requestedAt: now.toISOString(),
          effectiveDate: '2026-12-08',
          origin: 'member',
          reason: 'Déménagement',
        },
      },
    });
  });
});

describe("an applicant's account deleted before the decision", () => {
  it('withdraws the application today, with no notice', () => {
    expect(applicantGoneOutcome(subscription({ status: 'waitlisted' }), 'u-9', now, 'Europe/Paris')).toEqual({
      change: {
        status: 'cancelled',
        cancellation: {
          by: { userId: 'u-9', name: 'm-1' },
          at: now.toISOString(),
          origin: 'member',
          effectiveDate: '2026-11-24',
          reason: 'Compte en ligne supprimé avant la décision.',
        },
      },
    });
  });

  it('changes nothing once staff decided', () => {
    expect(applicantGoneOutcome(subscription(), 'u-9', now, 'Europe/Paris')).toBeUndefined();
  });
});
