import { describe, expect, it } from 'vitest';
import { addDays, formatDay, gardenDay, type IsoDate } from './calendar.ts';
import { changeableUntilLine, changeDeadline, lastChangeableDayOf } from './change-deadline.ts';
import { cutoffOf, lastChangeableDay, offsetMinutes, startOfDayIn } from './delivery-calendar.ts';
import {
  absenceRefusal,
  absenceWithdrawalRefusal,
  deliverySchedule,
  type ScheduleContext,
} from './delivery-schedule.ts';
import { deliveriesCalendar } from './ical-feed.ts';
import { absencesOutcome, absenceWithdrawalOutcome } from './subscription-outcomes.ts';
import { tuesdaySubscription, someone } from '../tests/support/tuesday-subscription.ts';

const paris = 'Europe/Paris';
const hour = 3_600_000;
const minute = 60_000;

/** Every day of a year, from a given first day (no dependence on today's date). */
function yearOfDays(first: IsoDate): IsoDate[] {
  return Array.from({ length: 366 }, (_, index) => addDays(first, index));
}

/** "samedi 5 décembre": how the deadline names its last day, from the calendar's own words. */
const withoutYear = (day: IsoDate, locale: 'fr' | 'en') =>
  formatDay(day, locale)
    .replace(/ \d{4}$/, '')
    .replace(',', '');

// The year runs across both daylight-saving changes of Paris (29 March and 25 October 2026).
const year = yearOfDays('2026-01-01');
const notices = [0, 1, 24, 36, 48, 72, 168];

describe('the last day a delivery can be changed, over every day of a year', () => {
  it('ends at a midnight of the garden, never giving less notice than the hours the garden set', () => {
    for (const cutoffHours of notices) {
      for (const day of year) {
        const cutoff = cutoffOf(day, cutoffHours, paris);
        const last = lastChangeableDay(day, cutoffHours);
        const where = `${day}, ${cutoffHours} h`;
        expect(last < day, where).toBe(true);
        // The cutoff is the midnight that starts the day after the last one, on Paris's clock.
        expect(cutoff.getTime(), where).toBe(startOfDayIn(addDays(last, 1), paris).getTime());
        expect(gardenDay(cutoff, paris), where).toBe(addDays(last, 1));
        expect(gardenDay(new Date(cutoff.getTime() - 1), paris), where).toBe(last);
        // At least the garden's notice, and less than a day more (an hour more across a change).
        const notice = startOfDayIn(day, paris).getTime() - cutoff.getTime();
        expect(notice, where).toBeGreaterThanOrEqual(cutoffHours * hour - hour);
        expect(notice, where).toBeGreaterThanOrEqual(Math.ceil(cutoffHours / 24) * 24 * hour - hour);
        expect(notice, where).toBeLessThanOrEqual((Math.ceil(cutoffHours / 24) + 1) * 24 * hour + hour);
        expect(lastChangeableDayOf(cutoff.toISOString(), paris), where).toBe(last);
      }
    }
  });

  it('says the last day included, in French and English, the same way for every day', () => {
    for (const day of year) {
      const cutoff = cutoffOf(day, 48, paris).toISOString();
      const last = addDays(day, -3);
      expect(changeDeadline(cutoff, paris)).toEqual({
        fr: `jusqu'au ${withoutYear(last, 'fr')} inclus`,
        en: `until ${withoutYear(last, 'en')} inclusive`,
      });
      expect(changeableUntilLine(cutoff, paris)).toEqual({
        fr: `Modifiable jusqu'au ${withoutYear(last, 'fr')} inclus`,
        en: `Can be changed until ${withoutYear(last, 'en')} inclusive`,
      });
    }
  });

  it('words the example of the issue: a Tuesday 8 December delivery, 48 h before', () => {
    const cutoff = cutoffOf('2026-12-08', 48, paris).toISOString();
    expect(cutoff).toBe('2026-12-05T23:00:00.000Z');
    expect(changeableUntilLine(cutoff, paris).fr).toBe("Modifiable jusqu'au samedi 5 décembre inclus");
    expect(changeDeadline(cutoff, paris).en).toBe('until Saturday 5 December inclusive');
  });

  it('keeps the cutoff at midnight on the clock across the daylight-saving changes', () => {
    // Tuesday 31 March (summer time): Saturday 28 March is the last day, to midnight winter time.
    expect(cutoffOf('2026-03-31', 48, paris).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    // Tuesday 27 October (winter time): Saturday 24 October, to midnight summer time.
    expect(cutoffOf('2026-10-27', 48, paris).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    for (const day of year) {
      const cutoff = cutoffOf(day, 48, paris);
      const clock = new Date(cutoff.getTime() + offsetMinutes(cutoff, paris) * minute);
      expect(clock.toISOString().slice(11, 16), day).toBe('00:00');
    }
  });
});

describe('reporting and undoing an absence, at each delivery of a year', () => {
  const context: ScheduleContext = {
    calendar: {
      seasons: [{ id: 'year', start: '2026-01-01', end: '2027-01-01' }],
      closedWeeks: [],
      cutoffHours: 48,
    },
    depotWeekdays: { 'd-mardi': 2 },
    absencePolicy: 'donated',
    timeZone: paris,
  };
  const rules = { maxAbsencesPerSeason: 60 };
  const subscription = tuesdaySubscription({ startDate: '2026-01-06' });
  const tuesdays = deliverySchedule(subscription, context, '2026-01-01', '2026-12-31');

  it('accepts both until the last minute of the last day, and refuses both after, in the same words', () => {
    expect(tuesdays).toHaveLength(52);
    for (const delivery of tuesdays) {
      const deadline = changeDeadline(delivery.changeableUntil, paris);
      const lastMinute = new Date(Date.parse(delivery.changeableUntil) - minute);
      const atCutoff = new Date(delivery.changeableUntil);
      expect(lastChangeableDayOf(delivery.changeableUntil, paris)).toBe(addDays(delivery.date, -3));

      expect(
        absenceRefusal(subscription, context, rules, delivery.date, lastMinute),
        delivery.date,
      ).toBeUndefined();
      expect(absenceRefusal(subscription, context, rules, delivery.date, atCutoff)).toEqual({
        fr: `Trop tard : une absence pour cette livraison pouvait être signalée ${deadline.fr}.`,
        en: `Too late: an absence for this delivery could be reported ${deadline.en}.`,
      });

      const absent = tuesdaySubscription({
        startDate: '2026-01-06',
        absences: [{ date: delivery.date, reported: someone }],
      });
      expect(
        absenceWithdrawalRefusal(absent, context, delivery.date, lastMinute),
        delivery.date,
      ).toBeUndefined();
      expect(absenceWithdrawalRefusal(absent, context, delivery.date, atCutoff)).toEqual({
        fr: `Trop tard : cette absence pouvait être annulée ${deadline.fr}. Le panier de ce jour-là est déjà prévu sans vous.`,
        en: `Too late: this absence could be undone ${deadline.en}. That day's baskets are already planned without you.`,
      });
    }
  });

  it('gives the iCal feed the same deadline words as the portal', () => {
    const generatedAt = new Date('2026-01-01T08:00:00Z');
    for (const delivery of tuesdays.slice(1, 12)) {
      const feed = deliveriesCalendar({
        gardenName: 'Jardin',
        memberFirstName: 'Élodie',
        timeZone: paris,
        generatedAt,
        deliveries: [
          {
            ...delivery,
            subscriptionId: subscription.id,
            depot: { name: 'Dépôt', address: '1 rue de la Gare, 25000 Besançon' },
          },
        ],
      });
      const unfolded = feed.replace(/\r\n /g, '').replace(/\\n/g, '\n').replace(/\\,/g, ',');
      const deadline = changeDeadline(delivery.changeableUntil, paris).fr;
      expect(unfolded).toContain(`Signalez-le depuis votre espace adhérent ${deadline}.`);
      expect(changeableUntilLine(delivery.changeableUntil, paris).fr).toBe(`Modifiable ${deadline}`);
    }
  });
});

describe('undoing an absence', () => {
  const context: Pick<ScheduleContext, 'calendar' | 'timeZone'> = {
    calendar: {
      seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
      closedWeeks: [],
      cutoffHours: 48,
    },
    timeZone: paris,
  };
  // Tuesday 24 November 2026 at 13:00 in Paris.
  const now = new Date('2026-11-24T12:00:00.000Z');
  const staff = { userId: 'u-staff', name: 'Camille Martin' };

  it('refuses a day without an absence, a day that does not exist, and a subscription not running', () => {
    const absent = tuesdaySubscription({ absences: [{ date: '2026-12-08', reported: someone }] });
    expect(absenceWithdrawalRefusal(absent, context, '2026-12-15', now)).toEqual({
      fr: "Aucune absence n'est notée pour le mardi 15 décembre 2026 : rien à annuler.",
      en: 'No absence is recorded for Tuesday, 15 December 2026: nothing to undo.',
    });
    expect(absenceWithdrawalRefusal(absent, context, '2026-02-30', now)?.fr).toBe(
      "Le 2026-02-30 n'existe pas dans le calendrier.",
    );
    expect(absenceWithdrawalRefusal({ ...absent, status: 'cancelled' }, context, '2026-12-08', now)?.fr).toBe(
      "Cet abonnement n'est pas actif.",
    );
    expect(absenceWithdrawalRefusal(absent, context, '2026-12-08', now)).toBeUndefined();
  });

  it('bounds how many absences a season takes back, so the record stays small', () => {
    const withdrawn = Array.from({ length: 10 }, (_, index) => ({
      date: addDays('2026-12-08', 7 * index),
      reported: someone,
      withdrawn: someone,
    }));
    const absent = tuesdaySubscription({
      absences: [{ date: '2026-12-08', reported: someone }],
      withdrawnAbsences: withdrawn,
    });
    expect(absenceWithdrawalRefusal(absent, context, '2026-12-08', now)?.fr).toBe(
      "Vous avez déjà annulé 10 absences cette saison : pour celle-ci, parlez-en à l'équipe du jardin.",
    );
  });

  it('takes the absence back, keeps it for staff with who and when, and tells the member', () => {
    const reported = absencesOutcome(
      tuesdaySubscription(),
      ['2026-12-08', '2026-12-15'],
      someone.by,
      'donated',
      now,
    );
    const absent = tuesdaySubscription({ ...reported.change });
    const outcome = absenceWithdrawalOutcome(absent, '2026-12-08', staff, 'donated', now);
    expect(outcome.change.absences?.map((absence) => absence.date)).toEqual(['2026-12-15']);
    expect(outcome.change.withdrawnAbsences).toEqual([
      {
        date: '2026-12-08',
        reported: { by: someone.by, at: now.toISOString() },
        withdrawn: { by: staff, at: now.toISOString() },
      },
    ]);
    expect(outcome.notice).toEqual({
      key: `absence-withdrawn/2026-12-08/${absent.revision + 1}`,
      request: { kind: 'absence-withdrawn', data: { date: '2026-12-08', absencePolicy: 'donated' } },
    });
  });

  it('undoes what the absence did: the basket comes back, and a compensated one is no longer owed', () => {
    const compensated: ScheduleContext = {
      ...context,
      depotWeekdays: { 'd-mardi': 2 },
      absencePolicy: 'compensated',
    };
    const absent = tuesdaySubscription({ absences: [{ date: '2026-12-08', reported: someone }] });
    const baskets = (subscription: typeof absent) =>
      deliverySchedule(subscription, compensated, '2026-12-01', '2026-12-22').map((delivery) => [
        delivery.date,
        delivery.state,
        delivery.baskets,
      ]);
    expect(baskets(absent)).toEqual([
      ['2026-12-01', 'delivery', 1],
      ['2026-12-08', 'absent', 0],
      ['2026-12-15', 'delivery', 2],
      ['2026-12-22', 'delivery', 1],
    ]);
    const back = {
      ...absent,
      ...absenceWithdrawalOutcome(absent, '2026-12-08', staff, 'compensated', now).change,
    };
    expect(baskets(back)).toEqual([
      ['2026-12-01', 'delivery', 1],
      ['2026-12-08', 'delivery', 1],
      ['2026-12-15', 'delivery', 1],
      ['2026-12-22', 'delivery', 1],
    ]);
  });
});
