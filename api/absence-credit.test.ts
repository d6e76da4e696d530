import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatCalendarDay, gardenDay, nextWeekday } from '../domain/calendar.ts';
import type { MemberBilling } from '../domain/billing-views.ts';
import { defaultGardenRules } from '../domain/garden-rules.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { defaultPricing } from '../domain/pricing.ts';
import { invoicePaymentProcessId } from '../domain/process-ids.ts';
import type { Subscription } from '../domain/subscription.ts';
import { approvedSubscription, startTestApi, type TestApi } from '../tests/support/api.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';
import { billingRunId } from '../workflows/billing/contract.ts';

// Today and last month are read once: start clear of the garden's midnight.
await clearOfMidnight();

const poll = { timeout: 30_000, interval: 250 };
const today = gardenDay(new Date());
const lastMonth = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
const medium = defaultPricing.basketPrices.medium;

type Delivery = { date: string; state: string; outcome?: string; changeableUntil: string };

/**
 * A garden whose rule credits absent baskets: the member's absence shows « crédité » in the
 * portal and in staff's record, and the month's invoice carries its credit line, as the member
 * and staff read it through the API.
 */
describe('credited absences, through the API', () => {
  let api: TestApi;
  const url = (id: string, action: string) => `/api/gardens/${api.gardenId}/subscriptions/${id}/${action}`;

  beforeAll(async () => {
    api = await startTestApi('absence-credit');
    const calendar = await api.store.settings.calendar(api.gardenId);
    await api.store.settings.saveCalendar(
      api.gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(today, -120), end: addDays(today, 200) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      calendar.version,
      new Date().toISOString(),
    );
    const rules = await api.store.settings.rules(api.gardenId);
    await api.store.settings.saveRules(
      api.gardenId,
      { ...defaultGardenRules, absencePolicy: 'credited' },
      rules.version,
    );
  });

  afterAll(async () => {
    for (const invoice of (await api?.store.invoices.list(api.gardenId)) ?? []) {
      await api?.client.workflow
        .getHandle(invoicePaymentProcessId(api.gardenId, invoice.number))
        .terminate('test over')
        .catch(() => undefined);
    }
    await api?.client.workflow
      .getHandle(billingRunId(api.gardenId, lastMonth))
      .terminate('test over')
      .catch(() => undefined);
    await api?.close();
  });

  it('notes the absence credited, which the member and staff read', async () => {
    const id = await approvedSubscription(api, api.member.id, addDays(today, 1));
    const coming = await api.call(api.accounts.member, 'GET', `${url(id, 'next-deliveries')}?count=6`);
    expect(coming.statusCode, coming.body).toBe(200);
    const open = coming
      .json<Delivery[]>()
      .find((delivery) => Date.parse(delivery.changeableUntil) > Date.now() + 3_600_000);
    expect(open, 'a coming delivery still open').toBeTruthy();

    const reported = await api.call(api.accounts.member, 'POST', url(id, 'absences'), {
      dates: [open!.date],
    });
    expect(reported.statusCode, reported.body).toBe(200);
    expect(reported.json<Subscription>().absences).toEqual([
      expect.objectContaining({ date: open!.date, outcome: 'credited' }),
    ]);

    const after = await api.call(api.accounts.member, 'GET', `${url(id, 'next-deliveries')}?count=6`);
    expect(after.json<Delivery[]>().find((delivery) => delivery.date === open!.date)).toMatchObject({
      state: 'absent',
      outcome: 'credited',
    });
    // Not credited yet: its day has not passed (it may still be taken back).
    const credits = await api.call(api.accounts.member, 'GET', url(id, 'absence-credits'));
    expect(credits.statusCode, credits.body).toBe(200);
    expect(credits.json()).toEqual([
      {
        date: open!.date,
        basketSize: 'medium',
        amount: medium,
        credited: 0,
        invoices: [],
        pending: medium,
        due: false,
      },
    ]);
    const staffView = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/${id}`,
    );
    expect(staffView.statusCode, staffView.body).toBe(200);
    expect(staffView.json<Subscription>().absences).toEqual([
      expect.objectContaining({ date: open!.date, outcome: 'credited' }),
    ]);
  });

  it("puts last month's credited absence on the month's invoice, read by the member and staff", async () => {
    // Last month, as the subscription's workflow and the week workflows recorded it: two
    // Tuesdays delivered, one absent with its basket credited.
    const first = nextWeekday(`${lastMonth}-01`, 2);
    const absent = addDays(first, 7);
    const third = addDays(first, 14);
    const subscriptionId = `${api.member.id}.${lastMonth}-01`;
    const reportedBy = { by: { userId: 'u-member', name: 'Louise' }, at: new Date().toISOString() };
    await api.store.subscriptions.record({
      id: subscriptionId,
      gardenId: api.gardenId,
      memberId: api.member.id,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: `${lastMonth}-01`,
      status: 'active',
      requested: reportedBy,
      absences: [{ date: absent, reported: reportedBy, outcome: 'credited' }],
      updatedAt: new Date().toISOString(),
      revision: 1,
    });
    const depot = await api.store.depots.get(api.gardenId, api.depotId);
    // The depot's own weekday: the test depot delivers on Tuesdays.
    expect(depot?.deliveryWeekday).toBe(2);
    for (const date of [first, absent, third]) {
      const week = isoWeek(date);
      await api.store.weeks.replaceBaskets(
        api.gardenId,
        week,
        [subscriptionId],
        [
          {
            week,
            subscriptionId,
            memberId: api.member.id,
            date,
            depotId: api.depotId,
            basketSize: 'medium',
            baskets: date === absent ? 0 : 1,
            state: date === absent ? 'absent' : 'planned',
          },
        ],
      );
    }

    const runUrl = `/api/gardens/${api.gardenId}/billing/runs/${lastMonth}`;
    const started = await api.call(api.accounts.staff, 'POST', runUrl);
    expect(started.statusCode, started.body).toBe(202);
    await expect
      .poll(
        async () => (await api.call(api.accounts.staff, 'GET', runUrl)).json<{ phase: string }>().phase,
        poll,
      )
      .toBe('done');

    const billingUrl = `/api/gardens/${api.gardenId}/members/${api.member.id}/billing`;
    for (const account of [api.accounts.member, api.accounts.staff]) {
      const billing = await api.call(account, 'GET', billingUrl);
      expect(billing.statusCode, billing.body).toBe(200);
      const monthly = billing
        .json<MemberBilling>()
        .invoices.filter((invoice) => invoice.subject.startsWith('Paniers'));
      expect(monthly).toHaveLength(1);
      const day = formatCalendarDay(absent, 'fr', { day: 'numeric', month: 'long' });
      expect(monthly[0]?.lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ label: `Avoir : panier du ${day} non livré (absence)`, amount: -medium }),
        ]),
      );
      // Two baskets handed over are what is paid: the absent one billed and credited.
      expect(monthly[0]?.total).toBe(2 * medium);

      // Staff and the member see where the credit went.
      const credits = await api.call(account, 'GET', url(subscriptionId, 'absence-credits'));
      expect(credits.statusCode, credits.body).toBe(200);
      expect(credits.json()).toEqual([
        {
          date: absent,
          basketSize: 'medium',
          amount: medium,
          credited: medium,
          invoices: [{ number: monthly[0]?.number, label: monthly[0]?.label }],
          pending: 0,
          due: true,
        },
      ]);
    }
  });
});
