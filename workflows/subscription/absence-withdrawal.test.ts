import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { addDays, gardenDay, nextWeekday } from '../../domain/calendar.ts';
import { changeDeadline } from '../../domain/change-deadline.ts';
import { cutoffOf } from '../../domain/delivery-calendar.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import type { Localized } from '../../domain/locale.ts';
import { testActivities } from '../../tests/support/environment.ts';
import { emailsTo, uniqueEmail } from '../../tests/support/moto.ts';
import { sleepUntil, withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import {
  decideUpdate,
  nextDeliveriesQuery,
  refusedFailureType,
  reportAbsencesUpdate,
  subscriptionQuery,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  withdrawAbsenceUpdate,
} from './contract.ts';
import type { subscriptionWorkflow } from './workflow.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const member = { userId: 'u-member', name: 'Sophie Girardot' };
const paris = 'Europe/Paris';

/** The sentence a refused update carries. */
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
 * A member takes an absence back on the time-skipping server: until the delivery's cutoff the
 * basket comes back (and the extra one owed for it goes), the member is told, staff keep the
 * trace; after the cutoff, and for a day without an absence, the update is refused.
 */
describe('taking an absence back', () => {
  const garden = workflowTestGarden('withdraw');

  it('restores the basket until the cutoff, then refuses', async () => {
    const { env, store, gardenId, depotId } = garden;
    const t0 = new Date(await env.currentTimeMs());
    // Deliveries on the Tuesdays of a season that starts next week.
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
      { ...defaultGardenRules, maxAbsencesPerSeason: 4, absencePolicy: 'compensated' },
      0,
    );
    const d = (week: number) => addDays(seasonStart, 1 + 7 * week);
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail('withdraw');
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'Sophie', lastName: 'Girardot', email },
      t0.toISOString(),
    );
    const subscriptionId = `${memberId}.${d(0)}`;

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
      await handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(1), d(2)], actor: member }] });
      const baskets = async () =>
        (await handle.query(nextDeliveriesQuery, 5, t0.toISOString())).map((delivery) => [
          delivery.date,
          delivery.state,
          delivery.baskets,
        ]);
      expect(await baskets()).toEqual([
        [d(0), 'delivery', 1],
        [d(1), 'absent', 0],
        [d(2), 'absent', 0],
        [d(3), 'delivery', 2],
        [d(4), 'delivery', 2],
      ]);

      // A day without an absence: nothing to take back, nothing changes.
      const revision = (await handle.query(subscriptionQuery)).revision;
      expect(
        await refusal(handle.executeUpdate(withdrawAbsenceUpdate, { args: [{ date: d(3), actor: member }] })),
      ).toMatchObject({
        fr: expect.stringMatching(/^Aucune absence n'est notée pour le mardi .* : rien à annuler\.$/),
      });

      // The last hour of the last day before d(1)'s cutoff: the basket comes back, and the
      // extra basket owed for it is no longer planned.
      await sleepUntil(env, new Date(cutoffOf(d(1), 48, paris).getTime() - 3_600_000));
      const back = await handle.executeUpdate(withdrawAbsenceUpdate, {
        args: [{ date: d(1), actor: member }],
      });
      expect(back.revision).toBe(revision + 1);
      expect(back.absences?.map((absence) => absence.date)).toEqual([d(2)]);
      expect(back.withdrawnAbsences).toEqual([
        {
          date: d(1),
          reported: { by: member, at: expect.any(String) },
          withdrawn: { by: member, at: expect.any(String) },
        },
      ]);
      expect(await baskets()).toEqual([
        [d(0), 'delivery', 1],
        [d(1), 'delivery', 1],
        [d(2), 'absent', 0],
        [d(3), 'delivery', 2],
        [d(4), 'delivery', 1],
      ]);
      await expect
        .poll(() => store.subscriptions.get(gardenId, subscriptionId))
        .toMatchObject({ revision: back.revision, withdrawnAbsences: [{ date: d(1) }] });

      // Past d(2)'s cutoff, its absence stays, in the deadline's own words.
      const cutoff = cutoffOf(d(2), 48, paris);
      await sleepUntil(env, new Date(cutoff.getTime() + 60_000));
      const late = await refusal(
        handle.executeUpdate(withdrawAbsenceUpdate, { args: [{ date: d(2), actor: member }] }),
      );
      expect(late?.fr).toBe(
        `Trop tard : cette absence pouvait être annulée ${changeDeadline(cutoff.toISOString(), paris).fr}. Le panier de ce jour-là est déjà prévu sans vous.`,
      );
      expect((await handle.query(subscriptionQuery)).absences?.map((absence) => absence.date)).toEqual([
        d(2),
      ]);
    });

    // The member heard of it.
    await expect
      .poll(async () => (await emailsTo(email)).map((message) => message.subject), { timeout: 20_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/Absence annulée/)]));
  });
});
