import { describe, expect, it } from 'vitest';
import { changeDeadline } from '../../domain/change-deadline.ts';
import { cutoffOf } from '../../domain/delivery-calendar.ts';
import { absenceTestSubscription, member, paris, refusal } from '../../tests/support/absence-subscription.ts';
import { emailsTo } from '../../tests/support/moto.ts';
import { sleepUntil, workflowTestGarden } from '../../tests/support/temporal.ts';
import {
  nextDeliveriesQuery,
  reportAbsencesUpdate,
  subscriptionQuery,
  withdrawAbsenceUpdate,
} from './contract.ts';

/**
 * A member takes an absence back on the time-skipping server: until the delivery's cutoff the
 * basket comes back (and the extra one owed for it goes), the member is told, staff keep the
 * trace; after the cutoff, and for a day without an absence, the update is refused.
 */
describe('taking an absence back', () => {
  const garden = workflowTestGarden('withdraw');

  it('restores the basket until the cutoff, then refuses', async () => {
    const { env, store, gardenId } = garden;
    // Deliveries on the Tuesdays of a season that starts next week.
    const { t0, d, subscriptionId, email, run } = await absenceTestSubscription(garden, {
      maxAbsencesPerSeason: 4,
      emailPrefix: 'withdraw',
    });

    await run(async (handle) => {
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
