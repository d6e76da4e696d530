import { describe, expect, it } from 'vitest';
import { addDays } from './calendar.ts';
import { firstChangeableDelivery, upcomingDeliveries, type ScheduleContext } from './delivery-schedule.ts';
import {
  cancellationEffectiveDate,
  cancellationRefusal,
  changeRefusal,
  compactSubscription,
  isRunning,
  maxChangesPerSeason,
  maxPauseDays,
  maxPausesPerSeason,
  pauseRefusal,
  renewalRefusal,
  seasonTerms,
} from './subscription-actions.ts';
import { seasonSubscription, someone } from '../tests/support/tuesday-subscription.ts';

const subscription = seasonSubscription;

const seasons = [
  { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
  { id: '2027-2028', start: '2027-03-01', end: '2028-02-29' },
];

const context: ScheduleContext = {
  calendar: { seasons, closedWeeks: [], cutoffHours: 48 },
  depotWeekdays: { 'd-mardi': 2, 'd-jeudi': 4 },
  absencePolicy: 'donated',
};

// Tuesday 24 November 2026 at 13:00 in Paris: today's delivery is fixed; the first one that
// can still be changed is Tuesday 1 December (until Sunday 29 November at midnight).
const now = new Date('2026-11-24T12:00:00.000Z');
const notRunning = {
  fr: "Cet abonnement n'est pas en cours : cette action n'est plus possible.",
  en: 'This subscription is not running: this action is no longer possible.',
};

describe('pausing', () => {
  it('accepts a pause from the first delivery that can still be changed', () => {
    expect(pauseRefusal(subscription(), context, '2026-12-01', '2026-12-15', now)).toBeUndefined();
    // From a day without delivery, and for exactly the longest pause.
    expect(pauseRefusal(subscription(), context, '2026-12-02', '2027-01-05', now)).toBeUndefined();
    expect(maxPauseDays).toBe(182);
    expect(pauseRefusal(subscription(), context, '2026-12-01', '2027-06-01', now)).toBeUndefined();
    // A paused subscription may change its pause.
    expect(
      pauseRefusal(
        subscription({
          status: 'paused',
          pause: { from: '2026-11-17', until: '2026-12-08', requested: someone },
        }),
        context,
        '2026-12-01',
        '2026-12-15',
        now,
      ),
    ).toBeUndefined();
  });

  it('refuses a resume day on or before the first day', () => {
    const refusal = {
      fr: 'La reprise doit être après le début de la pause.',
      en: 'Deliveries must resume after the pause starts.',
    };
    expect(pauseRefusal(subscription(), context, '2026-12-08', '2026-12-08', now)).toEqual(refusal);
    expect(pauseRefusal(subscription(), context, '2026-12-08', '2026-12-01', now)).toEqual(refusal);
  });

  it('refuses a pause longer than 26 weeks', () => {
    expect(pauseRefusal(subscription(), context, '2026-12-01', '2027-06-02', now)).toEqual({
      fr: "Une pause dure au plus 26 semaines ; au-delà, parlez-en à l'équipe du jardin.",
      en: "A pause lasts 26 weeks at most; beyond that, talk to the garden's staff.",
    });
  });

  it('refuses a pause that starts before the first delivery that can still be changed', () => {
    expect(pauseRefusal(subscription(), context, '2026-11-30', '2026-12-15', now)).toEqual({
      fr: "La pause peut commencer au plus tôt le mardi 1 décembre 2026 : les livraisons d'ici là sont déjà préparées.",
      en: 'The pause can start on Tuesday, 1 December 2026 at the earliest: deliveries before then are already being prepared.',
    });
    expect(pauseRefusal(subscription(), context, '2026-11-24', '2026-12-15', now)?.fr).toMatch(
      /au plus tôt le mardi 1 décembre 2026/,
    );
    // Right at the cutoff of 1 December, the earliest becomes 8 December.
    expect(
      pauseRefusal(subscription(), context, '2026-12-01', '2026-12-15', new Date('2026-11-28T23:00:00.000Z'))
        ?.fr,
    ).toMatch(/au plus tôt le mardi 8 décembre 2026/);
  });

  it('refuses a pause when no coming delivery can be changed any more', () => {
    const ending = subscription({ endDate: '2026-12-01' });
    expect(
      pauseRefusal(ending, context, '2026-12-01', '2026-12-15', new Date('2026-11-30T12:00:00.000Z')),
    ).toEqual({
      fr: 'Aucune livraison à venir ne peut plus être changée.',
      en: 'No upcoming delivery can be changed any more.',
    });
  });

  it('refuses a pause that starts after the end of the subscription', () => {
    expect(
      pauseRefusal(subscription({ endDate: '2026-12-08' }), context, '2026-12-09', '2026-12-22', now),
    ).toEqual({
      fr: "La pause commencerait après la fin de l'abonnement.",
      en: 'The pause would start after the subscription ends.',
    });
    // On the last day itself, it may.
    expect(
      pauseRefusal(subscription({ endDate: '2026-12-08' }), context, '2026-12-08', '2026-12-22', now),
    ).toBeUndefined();
  });

  it('refuses dates that do not exist, and subscriptions that are not running', () => {
    expect(pauseRefusal(subscription(), context, '2026-02-30', '2026-12-15', now)?.fr).toBe(
      "Une des dates n'existe pas.",
    );
    expect(pauseRefusal(subscription(), context, '2026-12-01', '2026-13-01', now)?.fr).toBe(
      "Une des dates n'existe pas.",
    );
    for (const status of ['pending', 'waitlisted', 'rejected', 'cancelled', 'ended'] as const) {
      expect(pauseRefusal(subscription({ status }), context, '2026-12-01', '2026-12-15', now)).toEqual(
        notRunning,
      );
    }
  });
});

describe('changing depot or basket', () => {
  it('accepts another depot, another basket size, or both', () => {
    expect(changeRefusal(subscription(), context, { depotId: 'd-jeudi' }, now)).toBeUndefined();
    expect(changeRefusal(subscription(), context, { basketSize: 'large' }, now)).toBeUndefined();
    expect(
      changeRefusal(subscription(), context, { depotId: 'd-jeudi', basketSize: 'small' }, now),
    ).toBeUndefined();
    expect(
      changeRefusal(subscription({ status: 'paused' }), context, { basketSize: 'small' }, now),
    ).toBeUndefined();
  });

  it('refuses nothing to change, an unknown depot, and no delivery left to change', () => {
    expect(changeRefusal(subscription(), context, {}, now)).toEqual({
      fr: 'Rien à changer.',
      en: 'Nothing to change.',
    });
    expect(changeRefusal(subscription(), context, { depotId: 'd-nulle-part' }, now)).toEqual({
      fr: "Ce point de dépôt n'existe pas.",
      en: 'This pick-up point does not exist.',
    });
    expect(
      changeRefusal(
        subscription({ endDate: '2026-12-01' }),
        context,
        { basketSize: 'large' },
        new Date('2026-11-30T12:00:00.000Z'),
      ),
    ).toEqual({
      fr: 'Aucune livraison à venir ne peut plus être changée.',
      en: 'No upcoming delivery can be changed any more.',
    });
  });

  it('refuses as unknown a depot named like what every object inherits', () => {
    // The workflow receives the depots' weekdays as JSON: a plain object.
    const fromJson: ScheduleContext = JSON.parse(JSON.stringify(context));
    for (const depotId of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(changeRefusal(subscription(), fromJson, { depotId }, now), depotId).toEqual({
        fr: "Ce point de dépôt n'existe pas.",
        en: 'This pick-up point does not exist.',
      });
    }
  });

  it('plans no delivery, and does not fail, after a change to such a depot recorded before', () => {
    const fromJson: ScheduleContext = JSON.parse(JSON.stringify(context));
    const recorded = subscription({
      changes: [{ effectiveFrom: '2026-12-08', depotId: 'constructor', requested: someone }],
    });
    const deliveries = upcomingDeliveries(recorded, fromJson, now, 10);
    expect(deliveries.map((delivery) => delivery.date)).toEqual(['2026-11-24', '2026-12-01']);
    expect(firstChangeableDelivery(recorded, fromJson, now)?.date).toBe('2026-12-01');
  });

  it('refuses subscriptions that are not running', () => {
    for (const status of ['pending', 'waitlisted', 'rejected', 'cancelled', 'ended'] as const) {
      expect(changeRefusal(subscription({ status }), context, { basketSize: 'large' }, now)).toEqual(
        notRunning,
      );
    }
    expect(isRunning({ status: 'active' })).toBe(true);
    expect(isRunning({ status: 'paused' })).toBe(true);
    expect(isRunning({ status: 'pending' })).toBe(false);
  });
});

describe('cancelling', () => {
  it('takes effect after the garden’s notice, counted in garden days', () => {
    expect(cancellationEffectiveDate(subscription(), { cancellationNoticeDays: 14 }, now)).toBe('2026-12-08');
    expect(cancellationEffectiveDate(subscription(), { cancellationNoticeDays: 0 }, now)).toBe('2026-11-24');
    // At 00:30 on Wednesday in Paris it is still Tuesday in UTC: Paris's day counts.
    expect(
      cancellationEffectiveDate(
        subscription(),
        { cancellationNoticeDays: 14 },
        new Date('2026-11-24T23:30:00.000Z'),
      ),
    ).toBe('2026-12-09');
    // A rolling subscription has no end to stop at.
    expect(
      cancellationEffectiveDate(subscription({ endDate: undefined }), { cancellationNoticeDays: 90 }, now),
    ).toBe('2027-02-22');
  });

  it('never takes effect after the subscription would have ended anyway', () => {
    expect(
      cancellationEffectiveDate(subscription({ endDate: '2026-12-01' }), { cancellationNoticeDays: 14 }, now),
    ).toBe('2026-12-01');
    expect(
      cancellationEffectiveDate(subscription({ endDate: '2026-12-08' }), { cancellationNoticeDays: 14 }, now),
    ).toBe('2026-12-08');
  });

  it('lets the member cancel without a reason, and staff with one', () => {
    expect(cancellationRefusal(subscription(), 'member', undefined)).toBeUndefined();
    expect(cancellationRefusal(subscription(), 'staff', 'Déménagement hors du secteur')).toBeUndefined();
    expect(cancellationRefusal(subscription({ status: 'paused' }), 'member', undefined)).toBeUndefined();
  });

  it('asks staff for a reason of at least three characters', () => {
    const refusal = {
      fr: 'Indiquez le motif de la résiliation : il sera communiqué à l’adhérent.',
      en: 'Give the reason for the cancellation: the member will be told.',
    };
    expect(cancellationRefusal(subscription(), 'staff', undefined)).toEqual(refusal);
    expect(cancellationRefusal(subscription(), 'staff', '   ')).toEqual(refusal);
    expect(cancellationRefusal(subscription(), 'staff', ' ok ')).toEqual(refusal);
  });

  it('lets an application waiting for a decision be withdrawn', () => {
    expect(cancellationRefusal(subscription({ status: 'pending' }), 'member', undefined)).toBeUndefined();
    expect(cancellationRefusal(subscription({ status: 'waitlisted' }), 'member', undefined)).toBeUndefined();
  });

  it('refuses a second cancellation, saying when the first takes effect', () => {
    const cancelled = subscription({
      endDate: '2026-12-08',
      cancellation: { ...someone, origin: 'member', effectiveDate: '2026-12-08' },
    });
    expect(cancellationRefusal(cancelled, 'member', undefined)).toEqual({
      fr: 'Cet abonnement est déjà résilié : il prend fin le mardi 8 décembre 2026.',
      en: 'This subscription is already cancelled: it ends on Tuesday, 8 December 2026.',
    });
    expect(cancellationRefusal(cancelled, 'staff', 'Erreur de saisie')?.fr).toMatch(/déjà résilié/);
  });

  it('refuses subscriptions that have ended or were rejected', () => {
    for (const status of ['rejected', 'cancelled', 'ended'] as const) {
      expect(cancellationRefusal(subscription({ status }), 'member', undefined)).toEqual(notRunning);
    }
  });
});

describe('renewing', () => {
  const calendar = { seasons };

  it('renews a season subscription when the garden has opened the next season', () => {
    expect(renewalRefusal(subscription(), calendar)).toBeUndefined();
    expect(renewalRefusal(subscription({ status: 'paused' }), calendar)).toBeUndefined();
  });

  it('refuses when the next season is not open yet', () => {
    const refusal = {
      fr: "La saison suivante n'est pas encore ouverte par le jardin : réessayez un peu plus tard.",
      en: 'The garden has not opened the next season yet: try again a little later.',
    };
    expect(renewalRefusal(subscription({ seasonId: '2027-2028', endDate: '2028-02-29' }), calendar)).toEqual(
      refusal,
    );
    // A season the garden has removed since.
    expect(renewalRefusal(subscription({ seasonId: '2019-2020' }), calendar)).toEqual(refusal);
  });

  it('has nothing to renew for a rolling subscription', () => {
    const refusal = {
      fr: 'Cet abonnement continue sans date de fin : rien à renouveler.',
      en: 'This subscription goes on without an end date: nothing to renew.',
    };
    expect(renewalRefusal(subscription({ endDate: undefined, seasonId: undefined }), calendar)).toEqual(
      refusal,
    );
    expect(renewalRefusal(subscription({ seasonId: undefined }), calendar)).toEqual(refusal);
  });

  it('refuses a cancelled subscription, and one that is not running', () => {
    const cancelled = subscription({
      cancellation: { ...someone, origin: 'member', effectiveDate: '2026-12-08' },
    });
    expect(renewalRefusal(cancelled, calendar)).toEqual({
      fr: 'Cet abonnement est résilié : il ne peut pas être renouvelé.',
      en: 'This subscription is cancelled: it cannot be renewed.',
    });
    for (const status of ['pending', 'waitlisted', 'rejected', 'cancelled', 'ended'] as const) {
      expect(renewalRefusal(subscription({ status }), calendar)).toEqual(notRunning);
    }
  });
});

describe('the terms of a new subscription', () => {
  const calendar = {
    seasons: [
      { id: 'été', start: '2027-06-01', end: '2027-09-30' },
      { id: 'printemps', start: '2027-03-01', end: '2027-05-15' },
    ],
  };

  it('runs to the end of the season it starts in, when the garden renews by season', () => {
    expect(seasonTerms(calendar, { renewal: 'season' }, '2027-03-01')).toEqual({
      endDate: '2027-05-15',
      seasonId: 'printemps',
    });
    expect(seasonTerms(calendar, { renewal: 'season' }, '2027-09-30')).toEqual({
      endDate: '2027-09-30',
      seasonId: 'été',
    });
  });

  it('joins the next season when it starts before any season or between two', () => {
    expect(seasonTerms(calendar, { renewal: 'season' }, '2026-11-24')).toEqual({
      endDate: '2027-05-15',
      seasonId: 'printemps',
    });
    expect(seasonTerms(calendar, { renewal: 'season' }, '2027-05-20')).toEqual({
      endDate: '2027-09-30',
      seasonId: 'été',
    });
  });

  it('has no end and no season when rolling, or when no season is open for it', () => {
    expect(seasonTerms(calendar, { renewal: 'rolling' }, '2027-03-01')).toEqual({});
    expect(seasonTerms(calendar, { renewal: 'season' }, '2027-10-01')).toEqual({});
    expect(seasonTerms({ seasons: [] }, { renewal: 'season' }, '2027-03-01')).toEqual({});
  });
});

describe('what a member may add in a season, and the size of the record', () => {
  it('refuses a fourth pause in a season, not one in the next season', () => {
    const three = subscription({ pausesInSeason: { seasonId: '2026-2027', count: 3 } });
    expect(pauseRefusal(three, context, '2026-12-01', '2026-12-15', now)).toEqual({
      fr: `Vous avez déjà demandé ${maxPausesPerSeason} pauses cette saison : pour une autre, parlez-en à l'équipe du jardin.`,
      en: `You have already asked for ${maxPausesPerSeason} pauses this season: for another one, talk to the garden's staff.`,
    });
    const two = subscription({ pausesInSeason: { seasonId: '2026-2027', count: 2 } });
    expect(pauseRefusal(two, context, '2026-12-01', '2026-12-15', now)).toBeUndefined();
    const lastSeason = subscription({ pausesInSeason: { seasonId: '2025-2026', count: 3 } });
    expect(pauseRefusal(lastSeason, context, '2026-12-01', '2026-12-15', now)).toBeUndefined();
  });

  it('refuses more depot or basket changes than the season allows', () => {
    const changes = Array.from({ length: maxChangesPerSeason }, (_, index) => ({
      effectiveFrom: `2026-1${index % 2}-0${index + 1}`,
      basketSize: 'small' as const,
      requested: someone,
    }));
    expect(changeRefusal(subscription({ changes }), context, { basketSize: 'large' }, now)).toMatchObject({
      fr: expect.stringContaining(`${maxChangesPerSeason} fois`),
    });
    expect(
      changeRefusal(subscription({ changes: changes.slice(1) }), context, { basketSize: 'large' }, now),
    ).toBeUndefined();
  });

  it('folds changes and absences long past into the terms, keeping every delivery to come', () => {
    const old = subscription({
      startDate: '2024-03-05',
      endDate: undefined,
      seasonId: undefined,
      changes: [
        { effectiveFrom: '2024-06-04', depotId: 'd-jeudi', requested: someone },
        { effectiveFrom: '2025-01-07', basketSize: 'large', requested: someone },
        { effectiveFrom: '2026-10-06', depotId: 'd-mardi', requested: someone },
      ],
      absences: [
        { date: '2024-06-13', reported: someone },
        { date: '2026-11-03', reported: someone },
      ],
    });
    const wide: ScheduleContext = {
      ...context,
      calendar: {
        ...context.calendar,
        seasons: [{ id: 'toujours', start: '2024-01-01', end: '2028-12-31' }],
      },
    };
    const compact = compactSubscription(old, '2026-11-24');
    expect(compact.changes).toEqual([old.changes?.[2]]);
    expect(compact.absences).toEqual([old.absences?.[1]]);
    expect(compact).toMatchObject({ depotId: 'd-jeudi', basketSize: 'large', startDate: '2024-03-05' });
    expect(upcomingDeliveries(compact, wide, now, 60)).toEqual(upcomingDeliveries(old, wide, now, 60));
    expect(compactSubscription(compact, '2026-11-24')).toBe(compact);
  });

  it('keeps the record of a subscription running for ten years small', () => {
    let record = subscription({ endDate: undefined, seasonId: undefined, startDate: '2026-03-03' });
    for (let year = 2026; year < 2036; year++) {
      // Every season: the most changes allowed and 52 absences, the most a garden can allow.
      const changes = Array.from({ length: maxChangesPerSeason }, (_, index) => ({
        effectiveFrom: `${year}-0${index + 3}-10`,
        depotId: index % 2 ? 'd-jeudi' : 'd-mardi',
        requested: {
          by: { userId: 'u'.repeat(36), name: 'N'.repeat(255) },
          at: `${year}-01-01T00:00:00.000Z`,
        },
      }));
      const absences = Array.from({ length: 52 }, (_, index) => ({
        date: addDays(`${year}-03-01`, 7 * index),
        reported: {
          by: { userId: 'u'.repeat(36), name: 'N'.repeat(255) },
          at: `${year}-01-01T00:00:00.000Z`,
        },
      }));
      record = compactSubscription(
        {
          ...record,
          changes: [...(record.changes ?? []), ...changes],
          absences: [...(record.absences ?? []), ...absences],
        },
        `${year + 1}-02-28`,
      );
    }
    // DynamoDB refuses items over 400 KB; this one stays far below.
    expect(JSON.stringify(record).length).toBeLessThan(80_000);
  });
});
