import { describe, expect, it } from 'vitest';
import type { AbsenceDecision } from '../../domain/absence-decisions.ts';
import { addDays } from '../../domain/calendar.ts';
import { absenceTestSubscription, member, refusal } from '../../tests/support/absence-subscription.ts';
import { workflowTestGarden } from '../../tests/support/temporal.ts';
import { nextDeliveriesQuery, reportAbsencesUpdate } from './contract.ts';

/**
 * The absence-policy extension's decisions, as the API passes them in the Update's arguments:
 * the workflow takes a day the extension allowed beyond the garden's maximum, refuses a day it
 * refused in its words, keeps the facts (a day without delivery is refused whatever was
 * decided), and notes each absence with its outcome: the decided one, else the garden's rule
 * (here compensated), so only the compensated absence is owed as an extra basket.
 */
describe('absence decisions carried by the report', () => {
  const garden = workflowTestGarden('absence-decisions');

  it('applies the decisions in the arguments, never over the facts', async () => {
    const { t0, d, run } = await absenceTestSubscription(garden, {
      maxAbsencesPerSeason: 1,
      emailPrefix: 'absence-decisions',
    });
    const credited = (date: string): AbsenceDecision => ({
      date,
      decision: 'credited',
      reason: { fr: 'Déduit de la prochaine facture.', en: 'Taken off the next invoice.' },
      extension: { name: 'absences-ete', version: '1.0.0' },
    });

    await run(async (handle) => {
      // Without decisions, the garden's maximum (one absence) holds.
      await handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(1)], actor: member }] });
      expect(
        await refusal(
          handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(2)], actor: member }] }),
        ),
      ).toMatchObject({ fr: expect.stringMatching(/maximum prévu par le jardin/) });

      // Allowed by the extension: taken beyond the maximum, each basket as it decided.
      const taken = await handle.executeUpdate(reportAbsencesUpdate, {
        args: [{ dates: [d(2), d(3)], actor: member, decisions: [credited(d(2)), credited(d(3))] }],
      });
      expect(taken.absences?.map((absence) => [absence.date, absence.outcome])).toEqual([
        [d(1), 'compensated'],
        [d(2), 'credited'],
        [d(3), 'credited'],
      ]);
      expect(
        (await handle.query(nextDeliveriesQuery, 6, t0.toISOString())).map((delivery) => [
          delivery.date,
          delivery.state,
          delivery.baskets,
          delivery.outcome,
        ]),
      ).toEqual([
        [d(0), 'delivery', 1, undefined],
        [d(1), 'absent', 0, 'compensated'],
        [d(2), 'absent', 0, 'credited'],
        [d(3), 'absent', 0, 'credited'],
        // One extra basket: the compensated absence's; the credited ones are billing's.
        [d(4), 'delivery', 2, undefined],
        [d(5), 'delivery', 1, undefined],
      ]);

      // Refused by the extension, in its words, even under what it allowed before.
      const words = { fr: 'Pas cette semaine-là.', en: 'Not that week.' };
      expect(
        await refusal(
          handle.executeUpdate(reportAbsencesUpdate, {
            args: [
              {
                dates: [d(5)],
                actor: member,
                decisions: [{ date: d(5), decision: 'refused', reason: words }],
              },
            ],
          }),
        ),
      ).toEqual(words);

      // The facts still hold: a Wednesday has no delivery, whatever the extension said.
      const wednesday = addDays(d(6), 1);
      expect(
        await refusal(
          handle.executeUpdate(reportAbsencesUpdate, {
            args: [{ dates: [wednesday], actor: member, decisions: [credited(wednesday)] }],
          }),
        ),
      ).toMatchObject({ fr: expect.stringMatching(/^Aucune livraison n'est prévue/) });
    });
  });
});
