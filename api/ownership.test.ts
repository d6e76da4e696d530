import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { invoiceLabel } from '../domain/invoices.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { issueTestInvoice, printTestInvoice } from '../tests/support/billing.ts';

/**
 * A member asking for another household's records learns nothing: the answer is the one for
 * a record that does not exist, status and words alike.
 */
describe("another household's records", () => {
  let api: TestApi;
  let theirMemberId: string;
  let theirSubscriptionId: string;
  let theirInvoice: number;
  let ownInvoice: number;
  const missingMemberId = 'm-personne';
  const missingSubscriptionId = 'm-personne.2026-05-05';
  const missingInvoice = 999_999;

  beforeAll(async () => {
    api = await startTestApi('owner');
    theirMemberId = (await api.createMember({ firstName: 'Jean', lastName: 'Voisin' })).id;
    const applied = await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/subscriptions`, {
      memberId: theirMemberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: addDays(gardenDay(new Date()), 14),
    });
    expect([201, 202], applied.body).toContain(applied.statusCode);
    theirSubscriptionId = applied.json<{ id: string }>().id;
    const dueOn = addDays(gardenDay(new Date()), 10);
    theirInvoice = (await issueTestInvoice(api, theirMemberId, { total: 1800, dueOn })).number;
    await printTestInvoice(api, theirInvoice);
    ownInvoice = (await issueTestInvoice(api, api.member.id, { total: 1800, dueOn })).number;
    await printTestInvoice(api, ownInvoice);
  });
  afterAll(() => api?.close());

  /** Status and body as the member gets them, without the request id (and the number they asked for). */
  async function asMember(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
    const response = await api.call(api.accounts.member, method, `/api/gardens/${api.gardenId}${path}`, body);
    const { requestId: _requestId, ...rest } = response.json<{ message?: string; requestId?: string }>();
    const message = (rest.message ?? '')
      .replace(invoiceLabel(theirInvoice), '<number>')
      .replace(invoiceLabel(missingInvoice), '<number>');
    return { status: response.statusCode, body: { ...rest, message } };
  }

  const absence = () => ({ dates: [addDays(gardenDay(new Date()), 30)] });
  const cases: Array<
    [string, (id: { member: string; subscription: string; invoice: number }) => Parameters<typeof asMember>]
  > = [
    ['member record', (id) => ['GET', `/members/${id.member}`]],
    ['subscriptions of a member', (id) => ['GET', `/members/${id.member}/subscriptions`]],
    ['billing of a member', (id) => ['GET', `/members/${id.member}/billing`]],
    ['calendar link', (id) => ['GET', `/members/${id.member}/calendar-link`]],
    ['new calendar link', (id) => ['POST', `/members/${id.member}/calendar-link`]],
    ['messages sent', (id) => ['GET', `/members/${id.member}/notifications`]],
    [
      'contact preferences',
      (id) => ['PUT', `/members/${id.member}/contact-preferences`, { email: true, sms: false }],
    ],
    ['means of payment', (id) => ['GET', `/members/${id.member}/payment-method`]],
    ['subscription', (id) => ['GET', `/subscriptions/${id.subscription}`]],
    ['next deliveries', (id) => ['GET', `/subscriptions/${id.subscription}/next-deliveries`]],
    ['absence report', (id) => ['POST', `/subscriptions/${id.subscription}/absences`, absence()]],
    ['invoice', (id) => ['GET', `/invoices/${id.invoice}`]],
    ['invoice PDF', (id) => ['GET', `/invoices/${id.invoice}/document`]],
  ];

  it.each(cases)('%s: the same 404 as for one that does not exist', async (_what, request) => {
    const theirs = await asMember(
      ...request({ member: theirMemberId, subscription: theirSubscriptionId, invoice: theirInvoice }),
    );
    const missing = await asMember(
      ...request({ member: missingMemberId, subscription: missingSubscriptionId, invoice: missingInvoice }),
    );
    expect(missing.status).toBe(404);
    expect(theirs).toEqual(missing);
    expect(theirs.body).toMatchObject({
      error: 'not_found',
      message: expect.stringMatching(/introuvable\.$/),
    });
  });

  it('still gives members their own records, and staff everyone’s', async () => {
    expect((await asMember('GET', `/members/${api.member.id}`)).status).toBe(200);
    expect((await asMember('GET', `/invoices/${ownInvoice}`)).status).toBe(200);
    const staffRead = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/invoices/${theirInvoice}`,
    );
    expect(staffRead.statusCode, staffRead.body).toBe(200);
    const staffSubscription = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/${theirSubscriptionId}`,
    );
    expect(staffSubscription.statusCode, staffSubscription.body).toBe(200);
  });

  it('changes nothing of theirs', async () => {
    const subscription = await api.store.subscriptions.get(api.gardenId, theirSubscriptionId);
    expect(subscription?.absences ?? []).toEqual([]);
  });
});
