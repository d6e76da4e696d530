import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay, nextWeekday, type IsoDate } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { incidentKeys } from '../../domain/incidents.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { createTestGarden, testActivities, testStore } from '../../tests/support/environment.ts';
import { timeSkippingEnvironment, withTestWorker } from '../../tests/support/temporal.ts';
import { weekAwaitingComposition } from '../../tests/support/week-preparation.ts';
import { basketsChangedSignal, weekProgressQuery } from './contract.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };

/**
 * One subscription whose stored data cannot be planned (written before the checks that now
 * refuse it) must not stop the garden's week: the others are planned, that one goes to the
 * staff inbox, and it is planned again once corrected.
 */
describe('a week with a subscription it cannot plan', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let gardenId: string;
  let depotId: string;
  let week: string;
  let weekStart: IsoDate;
  let good: Subscription;
  let broken: Subscription;

  beforeAll(async () => {
    [env, store] = await Promise.all([timeSkippingEnvironment(), testStore()]);
    ({ gardenId, depotId } = await createTestGarden(store, 'unplannable'));
    const today = gardenDay(new Date(await env.currentTimeMs()), 'Europe/Paris');
    weekStart = nextWeekday(addDays(today, 7), 1);
    week = isoWeek(weekStart);
    await store.settings.saveCalendar(
      gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(weekStart, -70), end: addDays(weekStart, 200) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      0,
      new Date().toISOString(),
    );
    const subscription = (memberId: string, startDate: string): Subscription => ({
      id: `${memberId}.start`,
      gardenId,
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId,
      startDate,
      status: 'active',
      requested: { by: staff, at: new Date().toISOString() },
      changes: [],
      absences: [],
      updatedAt: new Date().toISOString(),
      revision: 2,
    });
    good = subscription(`m-good-${randomUUID().slice(0, 6)}`, addDays(weekStart, -14));
    // A day that does not exist: every date computed from it throws.
    broken = subscription(`m-broken-${randomUUID().slice(0, 6)}`, '2026-00-01');
    for (const record of [good, broken]) {
      await store.members.create(gardenId, record.memberId, { firstName: 'A', lastName: 'B' }, '');
      await store.subscriptions.record(record);
    }
  });

  afterAll(async () => {
    await env?.teardown();
    store?.close();
  });

  it('plans the others, puts that one in the inbox, and plans it once it is corrected', async () => {
    await withTestWorker(env, testActivities(store), async (taskQueue) => {
      // The week goes on to the composition, as any other week.
      const handle = await weekAwaitingComposition(env, taskQueue, gardenId, week);
      const progress = await handle.query(weekProgressQuery);
      expect(progress.unplannable).toEqual([broken.id]);
      expect(progress.counts?.total).toEqual({ small: 0, medium: 1, large: 0 });
      const baskets = await store.weeks.baskets(gardenId, week);
      expect(baskets.map((basket) => basket.subscriptionId)).toEqual([good.id]);

      const incidents = await store.incidents.list(gardenId);
      expect(incidents).toEqual([
        expect.objectContaining({
          key: incidentKeys.unplannable(broken.id),
          kind: 'subscription-unplannable',
          retriesByItself: false,
          subject: { subscriptionId: broken.id, memberId: broken.memberId, week },
          cause: expect.stringContaining('RangeError'),
        }),
      ]);
      expect(incidents[0]?.summary.fr).toContain(broken.id);

      // Staff correct the subscription: the week plans it and the incident closes.
      await store.subscriptions.record({ ...broken, startDate: addDays(weekStart, -7), revision: 3 });
      await handle.signal(basketsChangedSignal, broken.id);
      // The plan (its unplannable list) and the count (a later step) are both awaited: the
      // query may answer between the two.
      await expect
        .poll(
          async () => {
            const { unplannable, counts } = await handle.query(weekProgressQuery);
            return { unplannable, medium: counts?.total.medium };
          },
          { timeout: 10_000 },
        )
        .toEqual({ unplannable: [], medium: 2 });
      expect(await store.incidents.list(gardenId)).toEqual([]);
      await handle.terminate('test over');
    });
  });
});
