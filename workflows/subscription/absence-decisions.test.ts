import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { AbsenceDecision } from '../../domain/absence-decisions.ts';
import { addDays, gardenDay, nextWeekday } from '../../domain/calendar.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import type { Localized } from '../../domain/locale.ts';
import { testActivities } from '../../tests/support/environment.ts';
import { uniqueEmail } from '../../tests/support/moto.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import {
  decideUpdate,
  nextDeliveriesQuery,
  refusedFailureType,
  reportAbsencesUpdate,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
} from './contract.ts';
import type { subscriptionWorkflow } from './workflow.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const member = { userId: 'u-member', name: 'Sophie Girardot' };
const paris = 'Europe/Paris';

async function refusal(update: Promise<unknown>): Promise<Localized | undefined> {
  const error = await update.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as { type?: string; details?: Localized[] };
  expect(cause.type).toBe(refusedFailureType);
  return cause.details?.[0];
}

/**
 * The absence-policy extension's decisions, as the API passes them in the Update's arguments:
 * the workflow takes a day the extension allowed beyond the garden's maximum, refuses a day it
 * refused in its words, keeps the facts (a day without delivery is refused whatever was
 * decided) and the garden's policy for the basket (`credited` cannot be carried out yet).
 */
describe('absence decisions carried by the report', () => {
  const garden = workflowTestGarden('absence-decisions');

  it('applies the decisions in the arguments, never over the facts', async () => {
    const { env, store, gardenId, depotId } = garden;
    const t0 = new Date(await env.currentTimeMs());
    const seasonStart = nextWeekday(addDays(gardenDay(t0, paris), 7), 1);
    await store.settings.saveCalendar(
      gardenId,
      {
        seasons: [{ id: 'saison', start: seasonStart, end: addDays(seasonStart, 180) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      0,
      t0.toISOString(),
    );
    await store.settings.saveRules(
      gardenId,
      { ...defaultGardenRules, maxAbsencesPerSeason: 1, absencePolicy: 'compensated' },
      0,
    );
    const d = (week: number) => addDays(seasonStart, 1 + 7 * week);
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'Sophie', lastName: 'Girardot', email: uniqueEmail('absence-decisions') },
      t0.toISOString(),
    );
    const subscriptionId = `${memberId}.${d(0)}`;
    const credited = (date: string): AbsenceDecision => ({
      date,
      decision: 'credited',
      reason: { fr: 'Déduit de la prochaine facture.', en: 'Taken off the next invoice.' },
      extension: { name: 'absences-ete', version: '1.0.0' },
    });

    await withTestWorker(env, testActivities(store), async (taskQueue) => {
      const handle: WorkflowHandle<typeof subscriptionWorkflow> = await env.client.workflow.start(
        subscriptionWorkflowType,
        {
          taskQueue,
          workflowId: subscriptionWorkflowId(gardenId, subscriptionId),
          args: [
            {
              gardenId,
              subscriptionId,
              request: { memberId, basketSize: 'medium', frequency: 'weekly', depotId, startDate: d(0) },
              requested: { by: staff, at: t0.toISOString() },
            },
          ],
        },
      );
      await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });

      // Without decisions, the garden's maximum (one absence) holds.
      await handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(1)], actor: member }] });
      expect(
        await refusal(
          handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(2)], actor: member }] }),
        ),
      ).toMatchObject({ fr: expect.stringMatching(/maximum prévu par le jardin/) });

      // Allowed by the extension: taken beyond the maximum, the basket as the garden does it.
      const taken = await handle.executeUpdate(reportAbsencesUpdate, {
        args: [{ dates: [d(2), d(3)], actor: member, decisions: [credited(d(2)), credited(d(3))] }],
      });
      expect(taken.absences?.map((absence) => absence.date)).toEqual([d(1), d(2), d(3)]);
      expect(
        (await handle.query(nextDeliveriesQuery, 5, t0.toISOString())).map((delivery) => [
          delivery.date,
          delivery.state,
          delivery.baskets,
        ]),
      ).toEqual([
        [d(0), 'delivery', 1],
        [d(1), 'absent', 0],
        [d(2), 'absent', 0],
        [d(3), 'absent', 0],
        [d(4), 'delivery', 2],
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
