import { describe, expect, it } from 'vitest';
import type { ScheduleContext } from '../../../../domain/delivery-schedule.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import {
  absenceProblem,
  cancellationDate,
  changeProblem,
  lastChangeEffectiveFrom,
  pauseProblem,
  pauseSummary,
} from './subscription-actions.ts';

const now = new Date('2026-11-24T10:00:00Z'); // a Tuesday, in Paris too
const context: ScheduleContext = {
  calendar: {
    seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
    closedWeeks: ['2026-W52'],
    cutoffHours: 48,
  },
  depotWeekdays: { 'd-centre': 2, 'd-nord': 5 },
  absencePolicy: 'donated',
};
const active = aSubscription({ status: 'active', startDate: '2026-11-24' });

describe('subscription actions, checked in the browser', () => {
  it('refuses a delivery day already fixed, in the workflow’s words', () => {
    expect(absenceProblem(active, context, { maxAbsencesPerSeason: 4 }, ['2026-11-24'], now, 'fr')).toMatch(
      /^Trop tard : une absence pour cette livraison pouvait être signalée jusqu'au \S+ \d+ \S+ inclus\.$/,
    );
    expect(
      absenceProblem(active, context, { maxAbsencesPerSeason: 4 }, ['2026-12-01'], now, 'fr'),
    ).toBeUndefined();
  });

  it('counts the days reported together against the season’s maximum', () => {
    expect(
      absenceProblem(active, context, { maxAbsencesPerSeason: 1 }, ['2026-12-08', '2026-12-01'], now, 'fr'),
    ).toBe("Vous avez déjà signalé 1 absence cette saison : c'est le maximum prévu par le jardin.");
  });

  it('says there is no delivery on a closed week', () => {
    expect(absenceProblem(active, context, { maxAbsencesPerSeason: 4 }, ['2026-12-22'], now, 'en')).toMatch(
      /^No delivery is planned for you on Tuesday,? 22 December 2026\.$/,
    );
  });

  it('ends a cancelled subscription after the notice, never after its own end; withdraws an application today', () => {
    const rules = { cancellationNoticeDays: 14 };
    expect(cancellationDate(active, rules, now)).toBe('2026-12-08');
    expect(cancellationDate({ ...active, endDate: '2026-12-01' }, rules, now)).toBe('2026-12-01');
    expect(cancellationDate({ ...active, status: 'pending' }, rules, now)).toBe('2026-11-24');
  });

  it('says how many deliveries a pause skips, and when they resume', () => {
    expect(pauseSummary(active, context, '2026-12-01', '2026-12-15')).toEqual({
      skipped: 2,
      resumesOn: '2026-12-15',
    });
    // The closed week is skipped anyway: the first delivery back is the week after.
    expect(pauseSummary(active, context, '2026-12-15', '2026-12-22')).toEqual({
      skipped: 1,
      resumesOn: '2026-12-29',
    });
    expect(pauseProblem(active, context, '2026-12-15', '2026-12-08', now, 'fr')).toBe(
      'La reprise doit être après le début de la pause.',
    );
    expect(pauseProblem(active, context, '2026-11-24', '2026-12-08', now, 'fr')).toMatch(
      /^La pause peut commencer au plus tôt le mardi 1 décembre 2026/,
    );
  });

  it('refuses a change that changes nothing, and reads the date a change applies from', () => {
    expect(changeProblem(active, context, {}, now, 'fr')).toBe('Rien à changer.');
    expect(changeProblem(active, context, { depotId: 'd-nord' }, now, 'fr')).toBeUndefined();
    const by = { by: { userId: 'u', name: 'É' }, at: '2026-11-24T10:00:00Z' };
    expect(
      lastChangeEffectiveFrom({
        changes: [
          { effectiveFrom: '2026-12-01', basketSize: 'large', requested: by },
          { effectiveFrom: '2026-12-08', depotId: 'd-nord', requested: by },
        ],
      }),
    ).toBe('2026-12-08');
  });
});
