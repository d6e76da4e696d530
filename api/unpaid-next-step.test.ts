import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MemberBilling, UnpaidReport } from '../domain/billing-views.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { Invoice } from '../domain/invoices.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { issueTestInvoice } from '../tests/support/billing.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// Today is read once: start clear of the garden's midnight.
await clearOfMidnight();

/**
 * The unpaid list and a household's invoices say what will really happen: a charge at the due
 * date only for a household with a card or SEPA mandate, a payment by hand for the others.
 */
describe('what happens next to an unpaid invoice', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  let withCard: Invoice;
  let withoutMethod: Invoice;
  let lateWithoutMethod: Invoice;
  let retriedWithoutMethod: Invoice;
  let withoutMethodId: string;

  beforeAll(async () => {
    api = await startTestApi('next-step');
    const carded = await api.createMember({ firstName: 'Irène', lastName: 'Joliot' });
    const profile = await api.store.billingProfiles.get(api.gardenId, carded.id);
    await api.store.billingProfiles.save(profile, {
      paymentMethod: { id: 'pm_card_visa', kind: 'card', label: 'Visa •••• 4242' },
    });
    const plain = await api.createMember({ firstName: 'Pierre', lastName: 'Curie' });
    withoutMethodId = plain.id;
    const dueOn = addDays(today, 5);
    withCard = await issueTestInvoice(api, carded.id, { total: 1700, dueOn });
    withoutMethod = await issueTestInvoice(api, plain.id, { total: 2300, dueOn });
    lateWithoutMethod = await issueTestInvoice(api, plain.id, { total: 1200, dueOn: addDays(today, -3) });
    retriedWithoutMethod = await issueTestInvoice(api, plain.id, { total: 900, dueOn: addDays(today, -8) });
    // Each invoice's payment workflow, as it answers: scheduled for the due date, or a retry.
    const at = (day: string) => `${day}T08:00:00.000Z`;
    vi.spyOn(api.app.payments.collection, 'state').mockImplementation(async (_gardenId, number) => {
      if (number === retriedWithoutMethod.number) {
        return {
          phase: 'waiting-retry',
          nextAttemptAt: at(addDays(today, 2)),
          attempts: [{ number: 1, at: at(addDays(today, -8)), outcome: 'failed' }],
        };
      }
      const invoice = [withCard, withoutMethod, lateWithoutMethod].find((entry) => entry.number === number);
      return invoice ? { phase: 'scheduled', nextAttemptAt: at(invoice.dueOn), attempts: [] } : undefined;
    });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await api?.close();
  });

  it('announces a charge only to the household with a card, in the unpaid list', async () => {
    const response = await api.call(api.accounts.staff, 'GET', `/api/gardens/${api.gardenId}/reports/unpaid`);
    expect(response.statusCode, response.body).toBe(200);
    const steps = Object.fromEntries(
      response.json<UnpaidReport>().invoices.map((row) => [row.number, row.nextStep]),
    );
    expect(steps[withCard.number]).toEqual({ step: 'charge', on: withCard.dueOn });
    expect(steps[withoutMethod.number]).toEqual({ step: 'pay-manually', on: withoutMethod.dueOn });
    expect(steps[lateWithoutMethod.number]).toEqual({ step: 'awaiting-payment' });
    expect(steps[retriedWithoutMethod.number]).toEqual({ step: 'awaiting-payment' });
  });

  it('says the same on the household’s billing and on one invoice', async () => {
    const billing = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/members/${withoutMethodId}/billing`,
    );
    expect(billing.statusCode, billing.body).toBe(200);
    expect(
      billing.json<MemberBilling>().invoices.map((invoice) => [invoice.number, invoice.nextStep?.step]),
    ).toEqual([
      [retriedWithoutMethod.number, 'awaiting-payment'],
      [lateWithoutMethod.number, 'awaiting-payment'],
      [withoutMethod.number, 'pay-manually'],
    ]);
    const one = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/invoices/${withCard.number}`,
    );
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ nextStep: { step: 'charge', on: withCard.dueOn } });
  });
});
