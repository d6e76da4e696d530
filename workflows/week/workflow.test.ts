import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { weekDocumentModels } from '../../activities/documents/week-documents.ts';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay, nextWeekday, type IsoDate } from '../../domain/calendar.ts';
import { cutoffOf } from '../../domain/delivery-calendar.ts';
import type { PlannedBasket } from '../../domain/delivery-week.ts';
import { isoWeek, weekDays } from '../../domain/iso-weeks.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import type { BasketSize, Subscription } from '../../domain/subscription.ts';
import {
  addThursdayDepot,
  createTestGarden,
  testActivities,
  testStore,
} from '../../tests/support/environment.ts';
import { emailsTo } from '../../tests/support/moto.ts';
import { timeSkippingEnvironment, withTestWorker } from '../../tests/support/temporal.ts';
import { weekAwaitingComposition } from '../../tests/support/week-preparation.ts';
import {
  approveCompositionUpdate,
  basketsChangedSignal,
  weekProgressQuery,
  type WeekProgress,
} from './contract.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const paris = 'Europe/Paris';

/**
 * Weeks of baskets on the time-skipping server, over the real store and S3: plans match the
 * subscriptions exactly (absences, pauses, closed weeks, made-up baskets), a second run
 * creates nothing new, the composition is approved, documents printed, late changes absorbed.
 */
describe('preparing delivery weeks', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let gardenId: string;
  let tuesday: string;
  let thursday: string;
  let weekStart: IsoDate;
  let week: string;
  let closedWeek: string;
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    [env, store] = await Promise.all([timeSkippingEnvironment(), testStore()]);
    ({ gardenId, depotId: tuesday } = await createTestGarden(store, 'week'));
    // Small on purpose: this week it gets more baskets than it holds.
    thursday = await addThursdayDepot(store, gardenId, 2);
    const today = gardenDay(new Date(await env.currentTimeMs()), paris);
    weekStart = nextWeekday(addDays(today, 7), 1);
    week = isoWeek(weekStart);
    closedWeek = isoWeek(addDays(weekStart, 7));
    await store.settings.saveCalendar(
      gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(weekStart, -70), end: addDays(weekStart, 200) }],
        closedWeeks: [closedWeek],
        cutoffHours: 48,
      },
      0,
      new Date().toISOString(),
    );
    await store.settings.saveRules(gardenId, { ...defaultGardenRules, absencePolicy: 'compensated' }, 0);
    await store.products.create(gardenId, 'p-carotte', { name: 'Carottes', unit: 'kg', active: true });
    await store.products.create(gardenId, 'p-poireau', { name: 'Poireaux', unit: 'bunch', active: true });
    await store.products.create(gardenId, 'p-courge', { name: 'Courge', unit: 'piece', active: true });

    const tuesdayOf = (offsetWeeks: number) => addDays(weekStart, 1 + 7 * offsetWeeks);
    const plans: Array<Partial<Subscription> & { basketSize: BasketSize; depotId: string }> = [
      { basketSize: 'small', depotId: tuesday },
      { basketSize: 'medium', depotId: tuesday },
      { basketSize: 'large', depotId: tuesday },
      // Absent this week: no basket on the sheet.
      {
        basketSize: 'medium',
        depotId: tuesday,
        absences: [{ date: tuesdayOf(0), reported: { by: staff, at: '' } }],
      },
      // Absent last week: made up for with two baskets this week.
      {
        basketSize: 'small',
        depotId: tuesday,
        absences: [{ date: tuesdayOf(-1), reported: { by: staff, at: '' } }],
      },
      // Paused over this week.
      {
        basketSize: 'large',
        depotId: tuesday,
        status: 'paused',
        pause: {
          from: addDays(weekStart, -3),
          until: addDays(weekStart, 10),
          requested: { by: staff, at: '' },
        },
      },
      { basketSize: 'medium', depotId: thursday },
      { basketSize: 'medium', depotId: thursday },
      { basketSize: 'large', depotId: thursday },
      // Ended before this week: nothing.
      { basketSize: 'small', depotId: thursday, status: 'cancelled', endDate: addDays(weekStart, -4) },
    ];
    for (const [index, plan] of plans.entries()) {
      const memberId = `m-${index}-${randomUUID().slice(0, 6)}`;
      await store.members.create(
        gardenId,
        memberId,
        { firstName: 'Membre', lastName: `N${index}`, notes: index === 1 ? 'Sans oignons' : undefined },
        new Date().toISOString(),
      );
      const subscription: Subscription = {
        id: `${memberId}.start`,
        gardenId,
        memberId,
        frequency: 'weekly',
        startDate: addDays(weekStart, -60),
        status: 'active',
        requested: { by: staff, at: new Date().toISOString() },
        changes: [],
        absences: [],
        updatedAt: new Date().toISOString(),
        revision: 2,
        ...plan,
      };
      await store.subscriptions.record(subscription);
      subscriptions.push(subscription);
    }
  });

  afterAll(async () => {
    await env?.teardown();
    store?.close();
  });

  const withWorker = <T>(body: (taskQueue: string) => Promise<T>) =>
    withTestWorker(env, testActivities(store), body);

  const byKey = (baskets: PlannedBasket[]) =>
    baskets
      .map((basket) => `${basket.subscriptionId}@${basket.date}:${basket.state}x${basket.baskets}`)
      .sort();

  it('plans exactly the baskets the subscriptions call for, and the same ones when run again', async () => {
    const activities = testActivities(store);
    const ids = await activities.runningSubscriptionIds(gardenId);
    await activities.planWeekBaskets({ gardenId, week, subscriptionIds: ids });
    const first = byKey(await store.weeks.baskets(gardenId, week));
    await activities.planWeekBaskets({ gardenId, week, subscriptionIds: ids });
    expect(byKey(await store.weeks.baskets(gardenId, week))).toEqual(first);

    const [tuesdayDate, thursdayDate] = [addDays(weekStart, 1), addDays(weekStart, 3)];
    const expected = [
      `${subscriptions[0]?.id}@${tuesdayDate}:plannedx1`,
      `${subscriptions[1]?.id}@${tuesdayDate}:plannedx1`,
      `${subscriptions[2]?.id}@${tuesdayDate}:plannedx1`,
      `${subscriptions[3]?.id}@${tuesdayDate}:absentx0`,
      `${subscriptions[4]?.id}@${tuesdayDate}:plannedx2`,
      `${subscriptions[6]?.id}@${thursdayDate}:plannedx1`,
      `${subscriptions[7]?.id}@${thursdayDate}:plannedx1`,
      `${subscriptions[8]?.id}@${thursdayDate}:plannedx1`,
    ].sort();
    expect(first).toEqual(expected);

    // A closed week has no baskets at all.
    await activities.planWeekBaskets({ gardenId, week: closedWeek, subscriptionIds: ids });
    expect(await store.weeks.baskets(gardenId, closedWeek)).toEqual([]);
  });

  it('counts, waits for the composition, reminds staff, prints, then absorbs a late absence', async () => {
    const final = await withWorker(async (taskQueue) => {
      const handle = await weekAwaitingComposition(env, taskQueue, gardenId, week);
      const progress: WeekProgress = await handle.query(weekProgressQuery);
      // Nine running subscriptions (one paused), eight with a basket or an absence this week.
      expect(progress).toMatchObject({ planned: 9, total: 9 });
      expect(progress.counts?.total).toEqual({ small: 3, medium: 3, large: 2 });
      expect(progress.counts?.byDepot).toEqual({
        [tuesday]: { small: 3, medium: 1, large: 1 },
        [thursday]: { small: 0, medium: 2, large: 1 },
      });
      expect(progress.overCapacity).toEqual([{ depotId: thursday, baskets: 3, capacity: 2 }]);

      // Approving an empty composition is refused, and changes nothing.
      const empty = handle.executeUpdate(approveCompositionUpdate, { args: [{ actor: staff }] });
      await expect(empty).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect((await handle.query(weekProgressQuery)).approval).toBeUndefined();

      // Staff are reminded the day before the composition is due.
      const deadline = Date.parse(progress.deadline ?? '');
      expect(deadline).toBe(cutoffOf(addDays(weekStart, 1), 48, paris).getTime());
      await env.sleep(deadline - 23 * 3_600_000 - (await env.currentTimeMs()));
      await expect
        .poll(async () => (await emailsTo(`contact-${gardenId}@example.org`)).length, { timeout: 10_000 })
        .toBe(1);

      await store.weeks.saveComposition(
        gardenId,
        week,
        {
          small: [{ productId: 'p-carotte', quantity: 0.5 }],
          medium: [
            { productId: 'p-carotte', quantity: 1 },
            { productId: 'p-poireau', quantity: 1 },
          ],
          large: [
            { productId: 'p-carotte', quantity: 1.5 },
            { productId: 'p-courge', quantity: 1 },
          ],
        },
        0,
        staff,
        new Date().toISOString(),
      );
      const approved = await handle.executeUpdate(approveCompositionUpdate, { args: [{ actor: staff }] });
      expect(approved.phase).toBe('ready');
      expect(approved.approval?.by).toEqual(staff);
      expect(approved.documents.map((document) => document.name).sort()).toEqual(
        ['recolte.pdf', `emargement-${tuesday}.pdf`, `emargement-${thursday}.pdf`].sort(),
      );
      const stored = await testActivities(store).printWeekDocuments({ gardenId, week });
      expect(stored).toHaveLength(3);

      // A late absence (before its cutoff) takes a basket off the Thursday sheet.
      const late = subscriptions[6] as Subscription;
      await store.subscriptions.record({
        ...late,
        absences: [{ date: addDays(weekStart, 3), reported: { by: staff, at: '' } }],
        revision: late.revision + 1,
      });
      await handle.signal(basketsChangedSignal, late.id);
      await expect
        .poll(async () => (await handle.query(weekProgressQuery)).counts?.byDepot[thursday], {
          timeout: 20_000,
        })
        .toEqual({ small: 0, medium: 1, large: 1 });
      return handle.result();
    });

    expect(final.phase).toBe('done');
    const summary = await store.weeks.summary(gardenId, week);
    expect(summary?.counts.total).toEqual({ small: 3, medium: 2, large: 2 });
    expect(summary?.documents).toHaveLength(3);
  });

  it('writes sheets without absent members, and a harvest list that adds up', async () => {
    const [baskets, composition, products, depots] = await Promise.all([
      store.weeks.baskets(gardenId, week),
      store.weeks.composition(gardenId, week),
      store.products.list(gardenId),
      store.depots.list(gardenId),
    ]);
    const members = await store.members.getMany(
      gardenId,
      baskets.map((basket) => basket.memberId),
    );
    const models = weekDocumentModels({
      gardenName: 'Jardin de test',
      week,
      composition: composition?.baskets ?? { small: [], medium: [], large: [] },
      products: new Map(products.map((product) => [product.id, product])),
      baskets,
      members,
      depots,
      generatedAt: new Date(),
    });
    const sheet = models.find((model) => model.depotId === tuesday);
    expect(sheet?.table.rows.map((row) => row[0])).toEqual([
      'N0 Membre',
      'N1 Membre',
      'N2 Membre',
      'N4 Membre',
    ]);
    expect(sheet?.table.rows.find((row) => row[0] === 'N4 Membre')?.[2]).toBe('2');
    expect(sheet?.table.rows.find((row) => row[0] === 'N1 Membre')?.[3]).toBe('Sans oignons');
    const harvest = models.find((model) => model.name === 'recolte.pdf');
    // Carrots: 3 small × 0.5 + 2 medium × 1 + 2 large × 1.5 = 6.5 kg.
    expect(harvest?.table.rows.find((row) => row[0] === 'Carottes')?.[1]?.replace(/\s/g, ' ')).toBe('6,5 kg');
    expect(harvest?.table.rows.find((row) => row[0] === 'Courge')?.[1]).toBe('2 pièce(s)');
    expect(weekDays(week)).toHaveLength(7);
  });
});
