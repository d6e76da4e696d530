import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, formatDay, gardenDay, nextWeekday } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { atHour, cutoffOf } from '../../domain/delivery-calendar.ts';
import { deliverySchedule } from '../../domain/delivery-schedule.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import type { Subscription } from '../../domain/subscription.ts';
import {
  addThursdayDepot,
  createTestGarden,
  testActivities,
  testStore,
} from '../../tests/support/environment.ts';
import { emailsTo, uniqueEmail } from '../../tests/support/moto.ts';
import { sleepUntil, timeSkippingEnvironment, withTestWorker } from '../../tests/support/temporal.ts';
import {
  cancelUpdate,
  changeTermsUpdate,
  decideUpdate,
  nextDeliveriesQuery,
  pauseUpdate,
  renewUpdate,
  reportAbsencesUpdate,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from './contract.ts';
import type { subscriptionWorkflow } from './workflow.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const member = { userId: 'u-member', name: 'Sophie Girardot' };
const paris = 'Europe/Paris';

/**
 * A whole season of one subscription on the time-skipping server: weeks pass in seconds, and
 * the messages really go through the notification activity to moto (SES).
 */
describe('a subscription through a whole season', () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let gardenId: string;
  let tuesdayDepot: string;
  let thursdayDepot: string;

  beforeAll(async () => {
    [env, store] = await Promise.all([timeSkippingEnvironment(), testStore()]);
    ({ gardenId, depotId: tuesdayDepot } = await createTestGarden(store, 'season'));
    thursdayDepot = await addThursdayDepot(store, gardenId);
  });

  afterAll(async () => {
    await env?.teardown();
    store?.close();
  });

  it('follows the calendar, absences, a pause, a depot change, renewal and cancellation', async () => {
    const t0 = new Date(await env.currentTimeMs());
    const today = gardenDay(t0, paris);
    // Season one starts next week and lasts ten weeks; season two follows. Week 3 is closed.
    const seasonStart = nextWeekday(addDays(today, 7), 1);
    const seasonEnd = addDays(seasonStart, 69);
    const closedWeek = isoWeek(addDays(seasonStart, 14));
    await store.settings.saveCalendar(
      gardenId,
      {
        seasons: [
          { id: 'saison-1', start: seasonStart, end: seasonEnd },
          { id: 'saison-2', start: addDays(seasonEnd, 1), end: addDays(seasonEnd, 365) },
        ],
        closedWeeks: [closedWeek],
        cutoffHours: 48,
      },
      0,
      t0.toISOString(),
    );
    await store.settings.saveRules(
      gardenId,
      {
        ...defaultGardenRules,
        maxAbsencesPerSeason: 2,
        absencePolicy: 'compensated',
        cancellationNoticeDays: 14,
        renewal: 'season',
        renewalReminderDays: 14,
        resumeReminderDays: 3,
        dayBeforeReminderHour: 17,
      },
      0,
    );
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail('season');
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'Sophie', lastName: 'Girardot', email },
      t0.toISOString(),
    );

    // Tuesdays of season one, without the closed week.
    const d = (week: number) => addDays(seasonStart, 1 + 7 * week);

    let effectiveDate = '';

    const final = await withTestWorker(env, testActivities(store), async (taskQueue) => {
      const input: SubscriptionWorkflowInput = {
        gardenId,
        subscriptionId: `${memberId}.${d(0)}`,
        request: {
          memberId,
          basketSize: 'medium',
          frequency: 'weekly',
          depotId: tuesdayDepot,
          startDate: d(0),
        },
        requested: { by: staff, at: t0.toISOString() },
        // A low limit makes the run continue as new several times during the season.
        historyLimit: 120,
      };
      const handle: WorkflowHandle<typeof subscriptionWorkflow> = await env.client.workflow.start(
        subscriptionWorkflowType,
        { taskQueue, workflowId: subscriptionWorkflowId(gardenId, input.subscriptionId), args: [input] },
      );
      const firstRun = (await handle.describe()).runId;

      const approved = await handle.executeUpdate(decideUpdate, {
        args: [{ input: { decision: 'approve' }, actor: staff }],
      });
      expect(approved).toMatchObject({ status: 'active', seasonId: 'saison-1', endDate: seasonEnd });

      // An absence well before its cutoff is noted, and made up for at the next delivery.
      await handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(1)], actor: member }] });
      const ahead = await handle.query(nextDeliveriesQuery, 5);
      expect(ahead.map((delivery) => [delivery.date, delivery.state, delivery.baskets])).toEqual([
        [d(0), 'delivery', 1],
        [d(1), 'absent', 0],
        // d(2) is in the closed week.
        [d(3), 'delivery', 2],
        [d(4), 'delivery', 1],
        [d(5), 'delivery', 1],
      ]);

      // After the cutoff of the first delivery, an absence for it is refused and changes nothing.
      await sleepUntil(env, new Date(cutoffOf(d(0), 48, paris).getTime() + 3_600_000));
      const late = handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(0)], actor: member }] });
      await expect(late).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await late.catch((error: WorkflowUpdateFailedError) =>
        expect((error.cause as { details?: Array<{ fr: string }> }).details?.[0]?.fr).toMatch(/Trop tard/),
      );
      expect((await handle.query(nextDeliveriesQuery, 1))[0]).toMatchObject({
        date: d(0),
        state: 'delivery',
      });

      // A pause over weeks 4 and 5; deliveries resume by themselves on week 6.
      await sleepUntil(env, atHour(d(0), 20, paris));
      await handle.executeUpdate(pauseUpdate, { args: [{ from: d(4), until: d(6), actor: member }] });
      await sleepUntil(env, atHour(d(4), 12, paris));
      expect((await store.subscriptions.get(gardenId, input.subscriptionId))?.status).toBe('paused');
      await sleepUntil(env, atHour(d(6), 12, paris));
      expect((await store.subscriptions.get(gardenId, input.subscriptionId))?.status).toBe('active');

      // The depot changes to Thursdays from the first delivery that can still be changed.
      await sleepUntil(env, atHour(d(6), 20, paris));
      const changed = await handle.executeUpdate(changeTermsUpdate, {
        args: [{ depotId: thursdayDepot, actor: member }],
      });
      expect(changed.changes?.at(-1)).toMatchObject({ effectiveFrom: d(7), depotId: thursdayDepot });
      const thursdays = await handle.query(nextDeliveriesQuery, 3);
      expect(thursdays.map((delivery) => [delivery.date, delivery.depotId])).toEqual([
        // Today's delivery stays on the list until the day is over.
        [d(6), tuesdayDepot],
        [addDays(d(7), 2), thursdayDepot],
        [addDays(d(8), 2), thursdayDepot],
      ]);

      // The renewal reminder comes two weeks before the end; the member renews.
      await sleepUntil(env, atHour(addDays(seasonEnd, -13), 12, paris));
      const renewed = await handle.executeUpdate(renewUpdate, { args: [{ actor: member }] });
      expect(renewed).toMatchObject({ seasonId: 'saison-2', endDate: addDays(seasonEnd, 365) });

      // Then cancels online: it takes effect after fourteen days' notice.
      const cancelledAt = new Date(await env.currentTimeMs());
      const cancelled = await handle.executeUpdate(cancelUpdate, {
        args: [{ origin: 'member', actor: member }],
      });
      effectiveDate = addDays(gardenDay(cancelledAt, paris), 14);
      expect(cancelled).toMatchObject({
        status: 'active',
        endDate: effectiveDate,
        cancellation: { origin: 'member', effectiveDate },
      });
      const twice = handle.executeUpdate(cancelUpdate, { args: [{ origin: 'member', actor: member }] });
      await expect(twice).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

      const result = await handle.result();
      const described = await handle.describe();
      expect(described.runId).not.toBe(firstRun);
      return result;
    });

    expect(final.status).toBe('cancelled');
    const stored = (await store.subscriptions.get(gardenId, final.id)) as Subscription;
    expect(stored.status).toBe('cancelled');

    // Every message went out once, and only those the season called for.
    const log = (await store.notifications.listForMember(gardenId, memberId, { limit: 100 })).entries;
    const keys = log.map((entry) => entry.idempotencyKey.split('/').slice(3).join('/')).sort();
    expect(new Set(keys).size).toBe(keys.length);
    const delivered = deliverySchedule(
      stored,
      {
        calendar: {
          seasons: [{ id: 'all', start: seasonStart, end: addDays(seasonEnd, 365) }],
          closedWeeks: [closedWeek],
          cutoffHours: 48,
        },
        depotWeekdays: { [tuesdayDepot]: 2, [thursdayDepot]: 4 },
        absencePolicy: 'compensated',
      },
      d(0),
      stored.endDate ?? seasonEnd,
    )
      .filter((delivery) => delivery.state === 'delivery')
      .map((delivery) => `delivery-reminder/${delivery.date}`);
    expect(delivered).not.toContain(`delivery-reminder/${d(1)}`);
    expect(delivered).not.toContain(`delivery-reminder/${d(2)}`);
    expect(delivered).not.toContain(`delivery-reminder/${d(4)}`);
    expect(keys.filter((key) => key.startsWith('change/'))).toHaveLength(1);
    expect(keys.filter((key) => !key.startsWith('change/'))).toEqual(
      [
        'approved',
        `absence/${d(1)}`,
        `pause/${d(4)}/${d(6)}`,
        `resume-reminder/${d(6)}`,
        `renewal-reminder/${seasonEnd}`,
        'renewed/saison-2',
        'cancellation',
        ...delivered,
      ].sort(),
    );
    expect(log.every((entry) => entry.status === 'sent')).toBe(true);
    const emails = await emailsTo(email);
    expect(emails).toHaveLength(log.length);
    const acknowledgement = emails.find((message) => /résiliation/i.test(message.subject));
    expect(acknowledgement?.body).toContain(formatDay(effectiveDate, 'fr'));
  });
});
