import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, isoWeek } from '../domain/calendar.ts';
import { invoicePaymentProcessId } from '../domain/process-ids.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { billingRunId } from '../workflows/billing/contract.ts';

const poll = { timeout: 30_000, interval: 250 };

/** Billing a month that has ended, through the API, on the real stack (Temporal, DynamoDB, S3). */
describe('billing runs', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  const thisMonth = today.slice(0, 7);
  const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
  const runUrl = (month: string) => `/api/gardens/${api.gardenId}/billing/runs/${month}`;

  beforeAll(async () => {
    api = await startTestApi('billing');
    // Two baskets delivered to Louise last month (as the week workflows recorded them), one absent.
    const day = `${lastMonth}-10`;
    const second = `${lastMonth}-17`;
    for (const [date, state] of [
      [day, 'planned'],
      [second, 'planned'],
      [`${lastMonth}-24`, 'absent'],
    ] as const) {
      const week = isoWeek(date);
      await api.store.weeks.replaceBaskets(
        api.gardenId,
        week,
        [`s-${date}`],
        [
          {
            week,
            subscriptionId: `s-${date}`,
            memberId: api.member.id,
            date,
            depotId: api.depotId,
            basketSize: 'medium',
            baskets: state === 'planned' ? 1 : 0,
            state,
          },
        ],
      );
    }
  });

  afterAll(async () => {
    for (const invoice of (await api?.store.invoices.list(api.gardenId)) ?? []) {
      await api.client.workflow
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

  it('refuses a month not over yet (422 in French) and other roles (403), starting nothing', async () => {
    const current = await api.call(api.accounts.staff, 'POST', runUrl(thisMonth));
    expect(current.statusCode, current.body).toBe(422);
    expect(current.json<{ message: string }>().message).toMatch(/^Seul un mois terminé peut être facturé/);
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      const refused = await api.call(account, 'POST', runUrl(lastMonth));
      expect(refused.statusCode, refused.body).toBe(403);
    }
    const malformed = await api.call(api.accounts.staff, 'POST', runUrl('2026-13'));
    expect(malformed.statusCode).toBe(400);
    expect(await api.store.invoices.list(api.gardenId)).toEqual([]);
    expect((await api.call(api.accounts.staff, 'GET', runUrl(lastMonth))).statusCode).toBe(404);
  });

  it('bills the baskets delivered, with the membership fee, prints them and starts collecting each', async () => {
    const started = await api.call(api.accounts.staff, 'POST', runUrl(lastMonth));
    expect(started.statusCode, started.body).toBe(202);
    await expect
      .poll(
        async () =>
          (await api.call(api.accounts.staff, 'GET', runUrl(lastMonth))).json<{ phase: string }>().phase,
        poll,
      )
      .toBe('done');
    const invoices = await api.store.invoices.list(api.gardenId);
    expect(invoices.map((invoice) => [invoice.number, invoice.subject, invoice.total])).toEqual([
      [1, `Adhésion ${lastMonth.slice(0, 4)}`, 2000],
      [2, expect.stringMatching(/^Paniers livrés en /), 3400],
    ]);
    expect(invoices[1]?.lines).toEqual([
      expect.objectContaining({ quantity: 2, unitPrice: 1700, amount: 3400 }),
    ]);
    for (const invoice of invoices) {
      expect(invoice.documentKey).toMatch(/\/invoices\/F-00000\d\.pdf$/);
      const pdf = await api.app.services.documents.get(invoice.documentKey ?? '');
      expect(Buffer.from(pdf.bytes.slice(0, 5)).toString()).toBe('%PDF-');
      await expect
        .poll(async () => (await api.app.services.payments.state(api.gardenId, invoice.number))?.phase, poll)
        .toBe('scheduled');
    }

    // Running the month again issues nothing new.
    const again = await api.call(api.accounts.staff, 'POST', runUrl(lastMonth));
    expect(again.statusCode).toBe(202);
    await expect
      .poll(
        async () =>
          (await api.call(api.accounts.staff, 'GET', runUrl(lastMonth))).json<{ phase: string }>().phase,
        poll,
      )
      .toBe('done');
    expect((await api.store.invoices.list(api.gardenId)).map((invoice) => invoice.number)).toEqual([1, 2]);
  });
});
