import { describe, expect, it } from 'vitest';
import { isoWeek } from './iso-weeks.ts';
import {
  absenceRefusal,
  deliverySchedule,
  firstChangeableDelivery,
  termsOn,
  upcomingDeliveries,
  type ScheduleContext,
} from './delivery-schedule.ts';
import type { TermsChange } from './subscription.ts';
import { tuesdaySubscription, someone } from '../tests/support/tuesday-subscription.ts';

const subscription = tuesdaySubscription;

const absent = (...dates: string[]) => dates.map((date) => ({ date, reported: someone }));
const change = (effectiveFrom: string, terms: Omit<TermsChange, 'effectiveFrom' | 'requested'>) => ({
  effectiveFrom,
  ...terms,
  requested: someone,
});

function context(
  overrides: Partial<ScheduleContext['calendar']> = {},
  policy: ScheduleContext['absencePolicy'] = 'donated',
) {
  return {
    calendar: {
      seasons: [
        { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
        { id: '2027-2028', start: '2027-03-01', end: '2028-02-29' },
      ],
      closedWeeks: [],
      cutoffHours: 48,
      ...overrides,
    },
    depotWeekdays: { 'd-lundi': 1, 'd-mardi': 2, 'd-jeudi': 4 },
    absencePolicy: policy,
  } satisfies ScheduleContext;
}

const dates = (deliveries: Array<{ date: string }>) => deliveries.map((delivery) => delivery.date);
const rows = (deliveries: Array<{ date: string; state: string; baskets: number }>) =>
  deliveries.map((delivery) => [delivery.date, delivery.state, delivery.baskets]);

describe('the rhythm of deliveries', () => {
  it('delivers every week on the depot weekday, from the start day', () => {
    const schedule = deliverySchedule(subscription(), context(), '2026-10-01', '2026-12-01');
    expect(dates(schedule)).toEqual(['2026-11-03', '2026-11-10', '2026-11-17', '2026-11-24', '2026-12-01']);
    expect(schedule[0]).toEqual({
      date: '2026-11-03',
      depotId: 'd-mardi',
      basketSize: 'medium',
      baskets: 1,
      state: 'delivery',
      // 48 hours before Tuesday 3 November starts in Paris (winter time).
      changeableUntil: '2026-10-31T23:00:00.000Z',
    });
  });

  it('starts at the first depot day on or after a start day that is not one', () => {
    const wednesday = subscription({ startDate: '2026-11-04' });
    expect(dates(deliverySchedule(wednesday, context(), '2026-11-01', '2026-11-24'))).toEqual([
      '2026-11-10',
      '2026-11-17',
      '2026-11-24',
    ]);
  });

  it('delivers every other ISO week when fortnightly', () => {
    const fortnightly = subscription({ frequency: 'fortnightly' });
    expect(dates(deliverySchedule(fortnightly, context(), '2026-11-01', '2026-12-31'))).toEqual([
      '2026-11-03',
      '2026-11-17',
      '2026-12-01',
      '2026-12-15',
      '2026-12-29',
    ]);
    // A window that opens in an "off" week still keeps the rhythm.
    expect(dates(deliverySchedule(fortnightly, context(), '2026-11-09', '2026-11-30'))).toEqual([
      '2026-11-17',
    ]);
  });

  it('keeps the fortnightly parity across a closed week (the delivery is skipped, not moved)', () => {
    const fortnightly = subscription({ frequency: 'fortnightly' });
    expect(isoWeek('2026-11-17')).toBe('2026-W47');
    const schedule = deliverySchedule(
      fortnightly,
      context({ closedWeeks: ['2026-W47'] }),
      '2026-11-01',
      '2026-12-31',
    );
    expect(dates(schedule)).toEqual(['2026-11-03', '2026-12-01', '2026-12-15', '2026-12-29']);
  });

  it('keeps the fortnightly parity across a change to a depot delivering on another weekday', () => {
    const fortnightly = subscription({
      frequency: 'fortnightly',
      changes: [change('2026-12-01', { depotId: 'd-jeudi' })],
    });
    const schedule = deliverySchedule(fortnightly, context(), '2026-11-01', '2026-12-31');
    expect(schedule.map((delivery) => [delivery.date, delivery.depotId])).toEqual([
      ['2026-11-03', 'd-mardi'],
      ['2026-11-17', 'd-mardi'],
      // Thursdays of the same weeks as the Tuesdays would have been.
      ['2026-12-03', 'd-jeudi'],
      ['2026-12-17', 'd-jeudi'],
      ['2026-12-31', 'd-jeudi'],
    ]);
  });

  it('still delivers once in the week of a change to a depot with an earlier weekday', () => {
    // From Tuesday 1 December on, the member collects on Mondays. That week's basket must not
    // vanish: Monday 30 November is before the change, Tuesday 1 December is no longer theirs.
    const weekly = subscription({ changes: [change('2026-12-01', { depotId: 'd-lundi' })] });
    const schedule = deliverySchedule(weekly, context(), '2026-11-16', '2026-12-13');
    const weeks = schedule.map((delivery) => isoWeek(delivery.date));
    expect(weeks).toEqual(['2026-W47', '2026-W48', '2026-W49', '2026-W50']);
  });

  it('skips closed weeks, and delivers again the week after', () => {
    const schedule = deliverySchedule(
      subscription(),
      context({ closedWeeks: ['2026-W47', '2026-W53'] }),
      '2026-11-01',
      '2027-01-12',
    );
    expect(dates(schedule)).not.toContain('2026-11-17');
    expect(dates(schedule)).not.toContain('2026-12-29');
    expect(dates(schedule)).toEqual(expect.arrayContaining(['2026-11-10', '2026-11-24', '2027-01-05']));
  });

  it('stops at the end of the seasons, and between two seasons with a gap', () => {
    const calendar = {
      seasons: [
        { id: 'hiver', start: '2026-11-01', end: '2026-11-20' },
        { id: 'printemps', start: '2026-12-05', end: '2026-12-31' },
      ],
    };
    expect(dates(deliverySchedule(subscription(), context(calendar), '2026-11-01', '2027-01-31'))).toEqual([
      '2026-11-03',
      '2026-11-10',
      '2026-11-17',
      '2026-12-08',
      '2026-12-15',
      '2026-12-22',
      '2026-12-29',
    ]);
  });

  it('stops on its end date, which is still a delivery day', () => {
    const ending = subscription({ endDate: '2026-11-24' });
    expect(dates(deliverySchedule(ending, context(), '2026-11-01', '2026-12-31'))).toEqual([
      '2026-11-03',
      '2026-11-10',
      '2026-11-17',
      '2026-11-24',
    ]);
    expect(
      deliverySchedule(subscription({ endDate: '2026-11-23' }), context(), '2026-11-24', '2026-12-31'),
    ).toEqual([]);
  });
});

describe('changes of depot and basket', () => {
  const changes = [
    change('2026-12-01', { depotId: 'd-jeudi' }),
    change('2026-12-15', { basketSize: 'large' }),
    change('2027-01-05', { depotId: 'd-mardi', basketSize: 'small' }),
  ];

  it('applies every change effective by a day, the latest last', () => {
    const withChanges = subscription({ changes });
    expect(termsOn(withChanges, '2026-11-30')).toEqual({ depotId: 'd-mardi', basketSize: 'medium' });
    expect(termsOn(withChanges, '2026-12-01')).toEqual({ depotId: 'd-jeudi', basketSize: 'medium' });
    expect(termsOn(withChanges, '2026-12-14')).toEqual({ depotId: 'd-jeudi', basketSize: 'medium' });
    expect(termsOn(withChanges, '2026-12-15')).toEqual({ depotId: 'd-jeudi', basketSize: 'large' });
    expect(termsOn(withChanges, '2027-01-05')).toEqual({ depotId: 'd-mardi', basketSize: 'small' });
    expect(termsOn(subscription({ changes: undefined }), '2027-01-05')).toEqual({
      depotId: 'd-mardi',
      basketSize: 'medium',
    });
  });

  it('shows each delivery with the depot and basket in force that day', () => {
    const schedule = deliverySchedule(subscription({ changes }), context(), '2026-11-24', '2027-01-12');
    expect(schedule.map((delivery) => [delivery.date, delivery.depotId, delivery.basketSize])).toEqual([
      ['2026-11-24', 'd-mardi', 'medium'],
      ['2026-12-03', 'd-jeudi', 'medium'],
      ['2026-12-10', 'd-jeudi', 'medium'],
      ['2026-12-17', 'd-jeudi', 'large'],
      ['2026-12-24', 'd-jeudi', 'large'],
      ['2026-12-31', 'd-jeudi', 'large'],
      ['2027-01-05', 'd-mardi', 'small'],
      ['2027-01-12', 'd-mardi', 'small'],
    ]);
  });
});

describe('pauses and absences', () => {
  it('pauses from the first day (included) until the day deliveries resume (excluded)', () => {
    const paused = subscription({ pause: { from: '2026-11-17', until: '2026-12-01', requested: someone } });
    expect(rows(deliverySchedule(paused, context(), '2026-11-10', '2026-12-08'))).toEqual([
      ['2026-11-10', 'delivery', 1],
      ['2026-11-17', 'paused', 0],
      ['2026-11-24', 'paused', 0],
      ['2026-12-01', 'delivery', 1],
      ['2026-12-08', 'delivery', 1],
    ]);
  });

  it('gives an absent member’s basket away when the garden donates it', () => {
    const away = subscription({ absences: absent('2026-11-10') });
    expect(rows(deliverySchedule(away, context(), '2026-11-03', '2026-11-24'))).toEqual([
      ['2026-11-03', 'delivery', 1],
      ['2026-11-10', 'absent', 0],
      ['2026-11-17', 'delivery', 1],
      ['2026-11-24', 'delivery', 1],
    ]);
  });

  it('adds the missed basket to the next real delivery when the garden compensates', () => {
    const away = subscription({ absences: absent('2026-11-10') });
    expect(rows(deliverySchedule(away, context({}, 'compensated'), '2026-11-03', '2026-11-24'))).toEqual([
      ['2026-11-03', 'delivery', 1],
      ['2026-11-10', 'absent', 0],
      ['2026-11-17', 'delivery', 2],
      ['2026-11-24', 'delivery', 1],
    ]);
    // A window opening after the absence still shows the extra basket.
    expect(rows(deliverySchedule(away, context({}, 'compensated'), '2026-11-15', '2026-11-24'))).toEqual([
      ['2026-11-17', 'delivery', 2],
      ['2026-11-24', 'delivery', 1],
    ]);
  });

  it('keeps the extra basket for after a closed week', () => {
    const away = subscription({ absences: absent('2026-11-10') });
    const schedule = deliverySchedule(
      away,
      context({ closedWeeks: ['2026-W47'] }, 'compensated'),
      '2026-11-03',
      '2026-12-01',
    );
    expect(rows(schedule)).toEqual([
      ['2026-11-03', 'delivery', 1],
      ['2026-11-10', 'absent', 0],
      ['2026-11-24', 'delivery', 2],
      ['2026-12-01', 'delivery', 1],
    ]);
  });

  it('keeps the extra basket for after a pause, and for after another absence', () => {
    const away = subscription({
      absences: absent('2026-11-10', '2026-12-01'),
      pause: { from: '2026-11-17', until: '2026-12-01', requested: someone },
    });
    expect(rows(deliverySchedule(away, context({}, 'compensated'), '2026-11-03', '2026-12-22'))).toEqual([
      ['2026-11-03', 'delivery', 1],
      ['2026-11-10', 'absent', 0],
      ['2026-11-17', 'paused', 0],
      ['2026-11-24', 'paused', 0],
      ['2026-12-01', 'absent', 0],
      // Two baskets owed: one made up at each of the next two deliveries.
      ['2026-12-08', 'delivery', 2],
      ['2026-12-15', 'delivery', 2],
      ['2026-12-22', 'delivery', 1],
    ]);
  });
});

describe('each absence by its own outcome', () => {
  const noted = (date: string, outcome: 'donated' | 'compensated' | 'credited') => ({
    date,
    reported: someone,
    outcome,
  });

  it('owes an extra basket only for a compensated absence, whatever the garden rule is now', () => {
    const away = subscription({
      absences: [
        noted('2026-11-10', 'compensated'),
        noted('2026-11-17', 'credited'),
        noted('2026-11-24', 'donated'),
      ],
    });
    for (const policy of ['donated', 'compensated', 'credited'] as const) {
      const schedule = deliverySchedule(away, context({}, policy), '2026-11-03', '2026-12-08');
      expect(rows(schedule)).toEqual([
        ['2026-11-03', 'delivery', 1],
        ['2026-11-10', 'absent', 0],
        ['2026-11-17', 'absent', 0],
        ['2026-11-24', 'absent', 0],
        ['2026-12-01', 'delivery', 2],
        ['2026-12-08', 'delivery', 1],
      ]);
      expect(schedule.map((delivery) => delivery.outcome)).toEqual([
        undefined,
        'compensated',
        'credited',
        'donated',
        undefined,
        undefined,
      ]);
    }
  });

  it('reads an absence noted before outcomes were kept by the garden rule', () => {
    const away = subscription({ absences: absent('2026-11-10') });
    const credited = deliverySchedule(away, context({}, 'credited'), '2026-11-03', '2026-11-17');
    expect(rows(credited)).toEqual([
      ['2026-11-03', 'delivery', 1],
      ['2026-11-10', 'absent', 0],
      ['2026-11-17', 'delivery', 1],
    ]);
    expect(credited[1]?.outcome).toBe('credited');
    expect(deliverySchedule(away, context({}, 'compensated'), '2026-11-10', '2026-11-10')[0]?.outcome).toBe(
      'compensated',
    );
  });
});

describe('what comes next', () => {
  // Tuesday 24 November 2026, 20:00 in Paris.
  const tuesdayEvening = new Date('2026-11-24T19:00:00.000Z');

  it('lists the coming deliveries from today on, absent and paused ones included', () => {
    const withAbsence = subscription({
      absences: absent('2026-12-01'),
      pause: { from: '2026-12-08', until: '2026-12-15', requested: someone },
    });
    const next = upcomingDeliveries(withAbsence, context(), tuesdayEvening, 4);
    expect(rows(next)).toEqual([
      // Today's delivery stays on the list until the day is over.
      ['2026-11-24', 'delivery', 1],
      ['2026-12-01', 'absent', 0],
      ['2026-12-08', 'paused', 0],
      ['2026-12-15', 'delivery', 1],
    ]);
    // Just after midnight on Wednesday, Tuesday has gone.
    expect(
      dates(upcomingDeliveries(withAbsence, context(), new Date('2026-11-24T23:00:00.000Z'), 1)),
    ).toEqual(['2026-12-01']);
  });

  it('finds the first delivery still open to change, on either side of its cutoff', () => {
    // The cutoff of Tuesday 1 December (48 h) is Sunday 29 November at midnight in Paris.
    const cutoff = Date.parse('2026-11-28T23:00:00.000Z');
    expect(firstChangeableDelivery(subscription(), context(), tuesdayEvening)?.date).toBe('2026-12-01');
    expect(firstChangeableDelivery(subscription(), context(), new Date(cutoff - 1))?.date).toBe('2026-12-01');
    expect(firstChangeableDelivery(subscription(), context(), new Date(cutoff))?.date).toBe('2026-12-08');
    // None when every remaining delivery is fixed.
    expect(
      firstChangeableDelivery(subscription({ endDate: '2026-12-01' }), context(), new Date(cutoff)),
    ).toBeUndefined();
  });
});

describe('reporting an absence', () => {
  const rules = { maxAbsencesPerSeason: 2 };
  const early = new Date('2026-11-20T10:00:00.000Z');

  it('accepts a coming delivery before its cutoff', () => {
    expect(absenceRefusal(subscription(), context(), rules, '2026-12-01', early)).toBeUndefined();
    // A paused subscription may report absences for after its pause.
    const paused = subscription({
      status: 'paused',
      pause: { from: '2026-11-17', until: '2026-12-01', requested: someone },
    });
    expect(absenceRefusal(paused, context(), rules, '2026-12-08', early)).toBeUndefined();
  });

  it('refuses a day without a delivery for this member', () => {
    expect(absenceRefusal(subscription(), context(), rules, '2026-12-02', early)).toEqual({
      fr: "Aucune livraison n'est prévue pour vous le mercredi 2 décembre 2026.",
      en: 'No delivery is planned for you on Wednesday, 2 December 2026.',
    });
    // A closed week, before the start, after the end.
    expect(
      absenceRefusal(subscription(), context({ closedWeeks: ['2026-W49'] }), rules, '2026-12-01', early)?.fr,
    ).toMatch(/Aucune livraison/);
    expect(absenceRefusal(subscription(), context(), rules, '2026-10-27', early)?.fr).toMatch(
      /Aucune livraison/,
    );
    expect(
      absenceRefusal(subscription({ endDate: '2026-11-30' }), context(), rules, '2026-12-01', early)?.fr,
    ).toMatch(/Aucune livraison/);
  });

  it('refuses a day that does not exist with a sentence, instead of failing', () => {
    let refusal: ReturnType<typeof absenceRefusal>;
    expect(() => {
      refusal = absenceRefusal(subscription(), context(), rules, '2026-13-01', early);
    }).not.toThrow();
    expect(refusal!).toBeDefined();
  });

  it('refuses an absence already noted, and a day of pause', () => {
    expect(
      absenceRefusal(subscription({ absences: absent('2026-12-01') }), context(), rules, '2026-12-01', early),
    ).toEqual({
      fr: 'Cette absence est déjà notée.',
      en: 'This absence is already noted.',
    });
    const paused = subscription({ pause: { from: '2026-12-01', until: '2026-12-08', requested: someone } });
    expect(absenceRefusal(paused, context(), rules, '2026-12-01', early)?.fr).toBe(
      'Votre abonnement est en pause ce jour-là : rien à signaler.',
    );
    expect(absenceRefusal(paused, context(), rules, '2026-12-08', early)).toBeUndefined();
  });

  it('refuses after the cutoff, saying until when it could be reported', () => {
    const atCutoff = new Date('2026-11-28T23:00:00.000Z');
    expect(
      absenceRefusal(subscription(), context(), rules, '2026-12-01', new Date(atCutoff.getTime() - 1)),
    ).toBeUndefined();
    expect(absenceRefusal(subscription(), context(), rules, '2026-12-01', atCutoff)).toEqual({
      fr: "Trop tard : une absence pour cette livraison pouvait être signalée jusqu'au samedi 28 novembre inclus.",
      en: 'Too late: an absence for this delivery could be reported until Saturday 28 November inclusive.',
    });
    // Today's delivery, in the evening: long past its cutoff.
    expect(
      absenceRefusal(subscription(), context(), rules, '2026-11-24', new Date('2026-11-24T19:00:00.000Z'))
        ?.fr,
    ).toMatch(/^Trop tard/);
  });

  it('counts only the absences of the season of the day against the garden’s maximum', () => {
    const lastSeason = subscription({
      startDate: '2026-02-03',
      absences: absent('2026-02-10', '2026-02-17'),
    });
    // Two absences in February belong to the season before: December is still open.
    expect(
      absenceRefusal(
        lastSeason,
        context({
          seasons: [
            { id: '2025-2026', start: '2025-03-01', end: '2026-02-28' },
            { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
          ],
        }),
        rules,
        '2026-12-01',
        early,
      ),
    ).toBeUndefined();

    const twoThisSeason = subscription({ absences: absent('2026-11-10', '2026-11-17') });
    expect(absenceRefusal(twoThisSeason, context(), rules, '2026-12-01', early)).toEqual({
      fr: "Vous avez déjà signalé 2 absences cette saison : c'est le maximum prévu par le jardin.",
      en: "You have already reported 2 absences this season: that is the garden's maximum.",
    });
    expect(
      absenceRefusal(
        subscription({ absences: absent('2026-11-10') }),
        context(),
        { maxAbsencesPerSeason: 1 },
        '2026-12-01',
        early,
      )?.fr,
    ).toBe("Vous avez déjà signalé 1 absence cette saison : c'est le maximum prévu par le jardin.");
    // The next season starts a new count.
    expect(absenceRefusal(twoThisSeason, context(), rules, '2027-03-02', early)).toBeUndefined();
  });

  it('refuses when the subscription is not running', () => {
    for (const status of ['pending', 'waitlisted', 'rejected', 'cancelled', 'ended'] as const) {
      expect(absenceRefusal(subscription({ status }), context(), rules, '2026-12-01', early)).toEqual({
        fr: "Cet abonnement n'est pas actif.",
        en: 'This subscription is not active.',
      });
    }
  });
});
