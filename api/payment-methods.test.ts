import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createTestGarden, testDocuments, testEnvironment, testStore } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { startStripeDouble, testStripeConfig, type StripeDouble } from '../tests/support/stripe.ts';
import { buildApp } from './app.ts';
import type { CallerIdentity } from './auth/identity.ts';
import { createApiServices } from './plugins/services.ts';
import { testDataConverter } from '../tests/support/environment.ts';

/**
 * A household's card or SEPA mandate through the API, against stripe-mock (behind a proxy that
 * plays the confirmation the browser would do with Stripe.js): who may do it, what is sent to
 * Stripe, what is saved, and what is refused.
 */
describe('payment methods', () => {
  let api: TestApi;
  let stripe: StripeDouble;
  let otherMember: TestAccount;
  let otherMemberId: string;

  beforeAll(async () => {
    stripe = await startStripeDouble();
    api = await startTestApi('payment-methods', { stripe: testStripeConfig(stripe.apiBase) });
    otherMemberId = (await api.createMember({ firstName: 'Jean', lastName: 'Moulin' })).id;
    otherMember = await createAccount({ role: 'member', gardenId: api.gardenId, memberId: otherMemberId });
  });
  afterAll(async () => {
    if (otherMember) await deleteAccounts([otherMember]);
    await api?.close();
    await stripe?.close();
  });

  const url = (memberId: string, rest = '') =>
    `/api/gardens/${api.gardenId}/members/${memberId}/payment-method${rest}`;
  const profile = (memberId: string) => api.store.billingProfiles.get(api.gardenId, memberId);
  const customersOf = (memberId: string) =>
    stripe
      .sent('POST', '/v1/customers')
      .filter((request) => request.params.get('metadata[memberId]') === memberId);

  it('lets the member save a card: setup, confirmation in the browser, then saved and shown', async () => {
    const memberId = api.member.id;
    const before = await api.call(api.accounts.member, 'GET', url(memberId));
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toEqual({ stripeAvailable: true });

    const setup = await api.call(api.accounts.member, 'POST', url(memberId, '/setup'), { kind: 'card' });
    expect(setup.statusCode, setup.body).toBe(200);
    const { setupIntentId, clientSecret, publishableKey } = setup.json<{
      setupIntentId: string;
      clientSecret: string;
      publishableKey: string;
    }>();
    expect(setupIntentId).toMatch(/^seti_/);
    expect(clientSecret).toMatch(/_secret_/);
    expect(publishableKey).toBe(testEnvironment().STRIPE_PUBLISHABLE_KEY);

    // The member's Stripe customer, made once with their name and email, kept in their profile.
    const [customerRequest] = customersOf(memberId);
    expect(Object.fromEntries(customerRequest!.params)).toMatchObject({
      name: 'Louise Michel',
      email: 'louise@example.org',
      'metadata[gardenId]': api.gardenId,
    });
    const { stripeCustomerId } = await profile(memberId);
    expect(stripeCustomerId).toMatch(/^cus_/);
    const setupRequest = stripe.sent('POST', '/v1/setup_intents').at(-1)!;
    expect(Object.fromEntries(setupRequest.params)).toMatchObject({
      customer: stripeCustomerId,
      usage: 'off_session',
      'allowed_payment_method_types[0]': 'card',
      'metadata[memberId]': memberId,
    });

    // What Stripe.js does in the browser: the member confirms the card with their bank.
    stripe.answer('GET', `/v1/setup_intents/${setupIntentId}`, {
      patch: { status: 'succeeded', customer: stripeCustomerId, payment_method: 'pm_louise_card' },
    });
    const saved = await api.call(api.accounts.member, 'POST', url(memberId), { setupIntentId });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ id: 'pm_louise_card', kind: 'card', label: 'Visa •••• 4242' });
    expect((await profile(memberId)).paymentMethod).toEqual(saved.json());

    const after = await api.call(api.accounts.member, 'GET', url(memberId));
    expect(after.json()).toEqual({
      paymentMethod: { id: 'pm_louise_card', kind: 'card', label: 'Visa •••• 4242' },
      stripeAvailable: true,
    });

    // Setting up a SEPA mandate later reuses the same customer.
    const sepa = await api.call(api.accounts.member, 'POST', url(memberId, '/setup'), { kind: 'sepa' });
    expect(sepa.statusCode, sepa.body).toBe(200);
    expect(
      stripe.sent('POST', '/v1/setup_intents').at(-1)?.params.get('allowed_payment_method_types[0]'),
    ).toBe('sepa_debit');
    expect(customersOf(memberId)).toHaveLength(1);
  });

  it('refuses to save what the bank has not confirmed, in French, and keeps the saved card', async () => {
    const memberId = api.member.id;
    const before = await profile(memberId);
    stripe.answer('GET', '/v1/setup_intents/seti_unconfirmed', {
      patch: { status: 'requires_payment_method', customer: before.stripeCustomerId, payment_method: null },
    });
    const response = await api.call(api.accounts.member, 'POST', url(memberId), {
      setupIntentId: 'seti_unconfirmed',
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'refused',
      message:
        "Ce moyen de paiement n'a pas encore été confirmé. Saisissez votre carte ou votre IBAN, puis validez.",
    });
    expect(await profile(memberId)).toEqual(before);
  });

  it("refuses a SetupIntent made for someone else's customer", async () => {
    const memberId = api.member.id;
    const before = await profile(memberId);
    stripe.answer('GET', '/v1/setup_intents/seti_not_hers', {
      patch: { status: 'succeeded', customer: 'cus_someone_else', payment_method: 'pm_not_hers' },
    });
    const response = await api.call(api.accounts.member, 'POST', url(memberId), {
      setupIntentId: 'seti_not_hers',
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'refused',
      message: expect.stringContaining("pour quelqu'un d'autre"),
      issues: [{ field: 'setupIntentId' }],
    });
    expect(await profile(memberId)).toEqual(before);
  });

  it('lets staff set up and read a member’s means of payment', async () => {
    const read = await api.call(api.accounts.staff, 'GET', url(otherMemberId));
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual({ stripeAvailable: true });
    const setup = await api.call(api.accounts.staff, 'POST', url(otherMemberId, '/setup'), { kind: 'sepa' });
    expect(setup.statusCode, setup.body).toBe(200);
    // The household has no email: the customer is made without one.
    expect(customersOf(otherMemberId)[0]?.params.has('email')).toBe(false);
    const missing = await api.call(api.accounts.staff, 'POST', url('m-nobody', '/setup'), { kind: 'card' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: 'Adhérent introuvable.' });
  });

  it('answers 401 without a token, 404 to another household (as if missing), 403 to another garden', async () => {
    const memberId = api.member.id;
    const calls = [
      ['GET', url(memberId), undefined],
      ['POST', url(memberId, '/setup'), { kind: 'card' }],
      ['POST', url(memberId), { setupIntentId: 'seti_x' }],
    ] as const;
    const before = await profile(memberId);
    for (const [method, path, body] of calls) {
      expect((await api.call(undefined, method, path, body)).statusCode, `${method} ${path}`).toBe(401);
      const otherHousehold = await api.call(otherMember, method, path, body);
      expect(otherHousehold.statusCode, `${method} ${path}`).toBe(404);
      expect(otherHousehold.json()).toMatchObject({ message: 'Adhérent introuvable.' });
      const otherGarden = await api.call(api.accounts.otherStaff, method, path, body);
      expect(otherGarden.statusCode, `${method} ${path}`).toBe(403);
      expect((await api.call(api.accounts.driver, method, path, body)).statusCode).toBe(404);
    }
    expect(await profile(memberId)).toEqual(before);
  });

  it('answers 400 in French to a bad body', async () => {
    const memberId = api.member.id;
    const wrongKind = await api.call(api.accounts.member, 'POST', url(memberId, '/setup'), {
      kind: 'cheque',
    });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json()).toMatchObject({ error: 'invalid_input', issues: [{ field: 'kind' }] });
    expect(wrongKind.json()).toMatchObject({
      message: "« Moyen de paiement » doit être l'une de ces valeurs : card, sepa.",
    });
    const noBody = await api.call(api.accounts.member, 'POST', url(memberId, '/setup'), {});
    expect(noBody.statusCode).toBe(400);
    const notASetupIntent = await api.call(api.accounts.member, 'POST', url(memberId), {
      setupIntentId: 'pm_123',
    });
    expect(notASetupIntent.statusCode).toBe(400);
    expect(notASetupIntent.json()).toMatchObject({
      issues: [{ field: 'setupIntentId' }],
      message: expect.stringContaining('« Enregistrement chez Stripe »'),
    });
    const extra = await api.call(api.accounts.member, 'POST', url(memberId), {
      setupIntentId: 'seti_x',
      paymentMethodId: 'pm_x',
    });
    expect(extra.statusCode).toBe(400);
  });
});

describe('payment methods without Stripe configured', () => {
  it('says online payment is unavailable, and still shows what is saved', async () => {
    const env = testEnvironment();
    const store = await testStore();
    const { gardenId } = await createTestGarden(store, 'no-stripe');
    const member = await store.members.create(
      gardenId,
      'm-nostripe',
      { firstName: 'Ada', lastName: 'Byron' },
      new Date().toISOString(),
    );
    await store.billingProfiles.save(await store.billingProfiles.get(gardenId, member.id), {
      paymentMethod: { id: 'pm_kept', kind: 'sepa', label: 'IBAN FR •••• 0189' },
    });
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const staff: CallerIdentity = {
      userId: 'u',
      username: 'staff',
      name: 'Staff',
      roles: ['staff'],
      gardenId,
    };
    const app = await buildApp({
      services: createApiServices(
        store,
        new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: testDataConverter() }),
        testDocuments(),
      ),
      verifyToken: async () => staff,
      oidcIssuer: 'http://localhost/realms/test',
      webClientId: 'test',
    });
    try {
      const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
        app.inject({
          method,
          url: `/api/gardens/${gardenId}/members/${member.id}/payment-method${path}`,
          headers: { authorization: 'Bearer staff' },
          ...(payload ? { payload } : {}),
        });
      const read = await call('GET', '');
      expect(read.json()).toEqual({
        paymentMethod: { id: 'pm_kept', kind: 'sepa', label: 'IBAN FR •••• 0189' },
        stripeAvailable: false,
      });
      const setup = await call('POST', '/setup', { kind: 'card' });
      expect(setup.statusCode).toBe(503);
      expect(setup.json()).toMatchObject({
        error: 'unavailable',
        message: expect.stringContaining("Le paiement par carte ou prélèvement n'est pas configuré"),
      });
      const webhook = await app.inject({
        method: 'POST',
        url: '/api/stripe/webhook',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x' },
        payload: '{}',
      });
      expect(webhook.statusCode).toBe(503);
    } finally {
      await app.close();
      await connection.close();
      store.close();
    }
  });
});
