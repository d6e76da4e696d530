import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGarden, testStore } from '../../tests/support/environment.ts';
import { startStripeDouble, testStripeConfig, type StripeDouble } from '../../tests/support/stripe.ts';
import type { Store } from '../store/index.ts';
import {
  chargeOutcome,
  createStripeGateway,
  paymentMethodLabel,
  PaymentGatewayError,
  type ChargeInput,
  type PaymentGateway,
} from './stripe-gateway.ts';

/**
 * The Stripe port against stripe-mock (through a recording proxy that also plays the state
 * stripe-mock cannot keep): what is sent, with which idempotency key, and how each answer of
 * Stripe becomes an outcome.
 */
describe('the Stripe gateway', () => {
  let store: Store;
  let stripe: StripeDouble;
  let gateway: PaymentGateway;
  let gardenId: string;

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'stripe'));
    stripe = await startStripeDouble();
    gateway = createStripeGateway(testStripeConfig(stripe.apiBase), store);
  });
  afterAll(async () => {
    await stripe?.close();
    store?.close();
  });

  const newMemberId = () => `m-${randomUUID().slice(0, 8)}`;
  const header = (request: { headers: Record<string, unknown> }, name: string) => request.headers[name];

  describe('customers', () => {
    it('creates the customer once, keeps its id in the billing profile, and reuses it', async () => {
      const memberId = newMemberId();
      const input = { gardenId, memberId, email: 'louise@example.org', name: 'Louise Michel' };
      const customerId = await gateway.ensureCustomer(input);
      expect(customerId).toMatch(/^cus_/);
      expect(await store.billingProfiles.get(gardenId, memberId)).toMatchObject({
        stripeCustomerId: customerId,
        version: 1,
      });
      expect(await gateway.ensureCustomer(input)).toBe(customerId);

      const created = stripe
        .sent('POST', '/v1/customers')
        .filter((request) => request.params.get('metadata[memberId]') === memberId);
      expect(created).toHaveLength(1);
      expect(header(created[0]!, 'idempotency-key')).toBe(`cocagne-customer/${gardenId}/${memberId}`);
      expect(Object.fromEntries(created[0]!.params)).toMatchObject({
        name: 'Louise Michel',
        email: 'louise@example.org',
        'metadata[gardenId]': gardenId,
        'preferred_locales[0]': 'fr',
      });
    });

    it('gives two concurrent first calls the same customer, with the same idempotency key', async () => {
      const memberId = newMemberId();
      const input = { gardenId, memberId, name: 'Jean Moulin' };
      const [first, second] = await Promise.all([
        gateway.ensureCustomer(input),
        gateway.ensureCustomer(input),
      ]);
      const profile = await store.billingProfiles.get(gardenId, memberId);
      expect(first).toBe(profile.stripeCustomerId);
      expect(second).toBe(profile.stripeCustomerId);
      const keys = stripe
        .sent('POST', '/v1/customers')
        .filter((request) => request.params.get('metadata[memberId]') === memberId)
        .map((request) => header(request, 'idempotency-key'));
      // Stripe answers the second request with the first customer; stripe-mock cannot, the profile arbitrates.
      expect(new Set(keys)).toEqual(new Set([`cocagne-customer/${gardenId}/${memberId}`]));
    });
  });

  describe('saving a card or a SEPA mandate', () => {
    let memberId: string;
    let customerId: string;

    beforeAll(async () => {
      memberId = newMemberId();
      customerId = await gateway.ensureCustomer({ gardenId, memberId, name: 'Louise Michel' });
    });

    it('starts an off-session SetupIntent for a card or for SEPA Direct Debit', async () => {
      const card = await gateway.startSetup({ customerId, kind: 'card', gardenId, memberId });
      expect(card.id).toMatch(/^seti_/);
      expect(card.clientSecret).toMatch(/_secret_/);
      const sepa = await gateway.startSetup({ customerId, kind: 'sepa', gardenId, memberId });

      const [cardRequest, sepaRequest] = stripe.sent('POST', '/v1/setup_intents').slice(-2);
      expect(Object.fromEntries(cardRequest!.params)).toEqual({
        customer: customerId,
        usage: 'off_session',
        'allowed_payment_method_types[0]': 'card',
        'metadata[gardenId]': gardenId,
        'metadata[memberId]': memberId,
      });
      expect(sepaRequest!.params.get('allowed_payment_method_types[0]')).toBe('sepa_debit');
      expect(sepa.clientSecret).toBeTruthy();
    });

    it('saves a confirmed card with a readable label', async () => {
      stripe.answer('GET', '/v1/setup_intents/seti_card_ok', {
        patch: {
          id: 'seti_card_ok',
          status: 'succeeded',
          customer: customerId,
          payment_method: 'pm_card_ok',
        },
      });
      const saved = await gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_card_ok' });
      // stripe-mock's card fixture is a Visa ending in 4242.
      expect(saved).toEqual({ id: 'pm_card_ok', kind: 'card', label: 'Visa •••• 4242' });
      expect((await store.billingProfiles.get(gardenId, memberId)).paymentMethod).toEqual(saved);
      expect(stripe.sent('GET', '/v1/setup_intents/seti_card_ok').at(-1)?.params.get('expand[0]')).toBe(
        'payment_method',
      );
    });

    it('saves a SEPA mandate, labelled with the IBAN country and last digits', async () => {
      stripe.answer('GET', '/v1/setup_intents/seti_sepa_ok', {
        patch: { status: 'succeeded', customer: customerId, payment_method: 'pm_sepa_ok' },
      });
      stripe.answer('GET', '/v1/payment_methods/pm_sepa_ok', {
        patch: {
          id: 'pm_sepa_ok',
          type: 'sepa_debit',
          card: null,
          sepa_debit: {
            country: 'FR',
            last4: '3000',
            bank_code: '30004',
            branch_code: null,
            fingerprint: 'x',
          },
          created: 2_000_000_000,
        },
      });
      const saved = await gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_sepa_ok' });
      expect(saved).toEqual({ id: 'pm_sepa_ok', kind: 'sepa', label: 'IBAN FR •••• 3000' });
      expect((await store.billingProfiles.get(gardenId, memberId)).paymentMethod).toEqual(saved);
    });

    it('refuses a SetupIntent the member has not confirmed yet, and changes nothing', async () => {
      const before = await store.billingProfiles.get(gardenId, memberId);
      stripe.answer('GET', '/v1/setup_intents/seti_pending', {
        patch: { status: 'requires_payment_method', customer: customerId, payment_method: null },
      });
      await expect(
        gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_pending' }),
      ).rejects.toMatchObject({
        code: 'refused',
        messages: { fr: expect.stringContaining("n'a pas encore été confirmé") },
      });
      stripe.answer('GET', '/v1/setup_intents/seti_3ds', {
        patch: { status: 'requires_action', customer: customerId, payment_method: 'pm_x' },
      });
      await expect(
        gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_3ds' }),
      ).rejects.toMatchObject({
        code: 'refused',
        messages: { fr: expect.stringContaining("Votre banque n'a pas encore confirmé") },
      });
      expect(await store.billingProfiles.get(gardenId, memberId)).toEqual(before);
    });

    it("refuses another customer's SetupIntent (stripe-mock's own fixture has none)", async () => {
      const before = await store.billingProfiles.get(gardenId, memberId);
      await expect(
        gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_unpatched' }),
      ).rejects.toMatchObject({ code: 'refused', field: 'setupIntentId' });
      stripe.answer('GET', '/v1/setup_intents/seti_other', {
        patch: { status: 'succeeded', customer: 'cus_someone_else', payment_method: 'pm_other' },
      });
      await expect(
        gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_other' }),
      ).rejects.toMatchObject({
        code: 'refused',
        messages: { fr: expect.stringContaining("pour quelqu'un d'autre") },
      });
      expect(await store.billingProfiles.get(gardenId, memberId)).toEqual(before);
    });

    it('says so when the SetupIntent does not exist', async () => {
      stripe.answer('GET', '/v1/setup_intents/seti_missing', {
        status: 404,
        body: {
          error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such setupintent' },
        },
      });
      await expect(
        gateway.completeSetup({ gardenId, memberId, setupIntentId: 'seti_missing' }),
      ).rejects.toMatchObject({
        code: 'not_found',
        messages: { fr: expect.stringContaining('introuvable') },
      });
    });

    it('lets a late setup_intent.succeeded never replace a newer means of payment', async () => {
      const profile = await store.billingProfiles.get(gardenId, memberId);
      expect(profile.paymentMethod?.id).toBe('pm_sepa_ok'); // created 2 000 000 000
      stripe.answer('GET', '/v1/payment_methods/pm_older', {
        patch: { id: 'pm_older', created: 1_900_000_000 },
      });
      const older = {
        id: 'seti_older',
        status: 'succeeded',
        customer: customerId,
        payment_method: 'pm_older',
        metadata: { gardenId, memberId },
      } as unknown as Stripe.SetupIntent;
      expect(await gateway.setupSucceeded(older)).toBe(false);
      expect((await store.billingProfiles.get(gardenId, memberId)).paymentMethod?.id).toBe('pm_sepa_ok');

      stripe.answer('GET', '/v1/payment_methods/pm_newer', {
        patch: { id: 'pm_newer', created: 2_100_000_000 },
      });
      expect(await gateway.setupSucceeded({ ...older, payment_method: 'pm_newer' })).toBe(true);
      expect((await store.billingProfiles.get(gardenId, memberId)).paymentMethod).toEqual({
        id: 'pm_newer',
        kind: 'card',
        label: 'Visa •••• 4242',
      });
      // Not ours: another customer, or no metadata.
      expect(await gateway.setupSucceeded({ ...older, customer: 'cus_other', payment_method: 'pm_z' })).toBe(
        false,
      );
      expect(await gateway.setupSucceeded({ ...older, metadata: {} })).toBe(false);
    });
  });

  describe('charges', () => {
    const chargeInput = (overrides: Partial<ChargeInput> = {}): ChargeInput => ({
      customerId: 'cus_charge',
      paymentMethodId: 'pm_charge',
      amount: 1_700,
      description: 'Facture n° 12 — paniers de novembre 2026',
      idempotencyKey: `${gardenId}/invoice/12/attempt-${randomUUID().slice(0, 8)}`,
      metadata: { gardenId, invoiceNumber: 12, workflowId: `${gardenId}/invoice/12`, attempt: 1 },
      ...overrides,
    });
    const lastCharge = () => stripe.sent('POST', '/v1/payment_intents').at(-1)!;

    it("sends an off-session euro charge with the caller's idempotency key, and reports what stripe-mock answered", async () => {
      const input = chargeInput();
      const result = await gateway.charge(input);
      const sent = lastCharge();
      expect(header(sent, 'idempotency-key')).toBe(input.idempotencyKey);
      expect(Object.fromEntries(sent.params)).toEqual({
        amount: '1700',
        currency: 'eur',
        customer: 'cus_charge',
        payment_method: 'pm_charge',
        'allowed_payment_method_types[0]': 'card',
        'allowed_payment_method_types[1]': 'sepa_debit',
        off_session: 'true',
        confirm: 'true',
        description: 'Facture n° 12 — paniers de novembre 2026',
        'metadata[gardenId]': gardenId,
        'metadata[invoiceNumber]': '12',
        'metadata[workflowId]': `${gardenId}/invoice/12`,
        'metadata[attempt]': '1',
      });
      // stripe-mock answers with a fixture whatever is sent; the outcome follows its status.
      expect(result.paymentIntentId).toMatch(/^pi_/);
      expect(['succeeded', 'processing', 'failed', 'pending']).toContain(result.status);
    });

    it('retries an unanswered request with the same idempotency key, so Stripe charges once', async () => {
      stripe.answer('POST', '/v1/payment_intents', {
        status: 500,
        body: { error: { type: 'api_error', message: 'Stripe had a hiccup' } },
        times: 1,
      });
      const before = stripe.sent('POST', '/v1/payment_intents').length;
      const input = chargeInput();
      const result = await gateway.charge(input);
      const tries = stripe.sent('POST', '/v1/payment_intents').slice(before);
      expect(tries).toHaveLength(2);
      expect(tries.map((request) => header(request, 'idempotency-key'))).toEqual([
        input.idempotencyKey,
        input.idempotencyKey,
      ]);
      expect(result.paymentIntentId).toMatch(/^pi_/);
    });

    it("charges no second time once Stripe has forgotten the idempotency key (24 h): the attempt's PaymentIntent is found by its metadata", async () => {
      const input = chargeInput({
        metadata: { gardenId, invoiceNumber: 12, workflowId: `${gardenId}/invoice/12`, attempt: 3 },
        since: '2026-11-02T07:00:00.000Z',
      });
      // The first try of this attempt, two days ago: Stripe charged, the answer never came
      // back, and the key has been pruned since. Another attempt of the same invoice sits beside.
      const earlier = (id: string, attempt: string, status: string) => ({
        id,
        object: 'payment_intent',
        amount: 1_700,
        amount_received: status === 'succeeded' ? 1_700 : 0,
        currency: 'eur',
        customer: 'cus_charge',
        status,
        last_payment_error: null,
        created: 1_796_000_000,
        metadata: { gardenId, invoiceNumber: '12', workflowId: `${gardenId}/invoice/12`, attempt },
      });
      stripe.answer('GET', '/v1/payment_intents', {
        patch: {
          data: [
            earlier('pi_attempt_2', '2', 'requires_payment_method'),
            earlier('pi_attempt_3', '3', 'succeeded'),
          ],
          has_more: false,
        },
        times: 1,
      });
      const before = stripe.sent('POST', '/v1/payment_intents').length;
      expect(await gateway.charge(input)).toEqual({
        paymentIntentId: 'pi_attempt_3',
        status: 'succeeded',
        amount: 1_700,
      });
      expect(stripe.sent('POST', '/v1/payment_intents')).toHaveLength(before);
      // Looked up among the customer's PaymentIntents since the attempt was fixed (an hour of
      // clock difference allowed): a list, which is consistent at once, unlike search.
      const lookup = stripe.sent('GET', '/v1/payment_intents').at(-1);
      expect(lookup?.params.get('customer')).toBe('cus_charge');
      expect(Number(lookup?.params.get('created[gte]'))).toBe(
        Math.floor(Date.parse('2026-11-02T07:00:00.000Z') / 1000) - 3_600,
      );
    });

    it('creates the PaymentIntent when none of this attempt exists at Stripe', async () => {
      const before = stripe.sent('POST', '/v1/payment_intents').length;
      // stripe-mock lists a fixture without our metadata.
      const result = await gateway.charge(chargeInput({ since: new Date().toISOString() }));
      expect(stripe.sent('POST', '/v1/payment_intents')).toHaveLength(before + 1);
      expect(result.paymentIntentId).toMatch(/^pi_/);
    });

    it('reports a success, a SEPA debit still processing, and a state to wait on', async () => {
      stripe.answer('POST', '/v1/payment_intents', { patch: { id: 'pi_ok', status: 'succeeded' }, times: 1 });
      expect(await gateway.charge(chargeInput())).toEqual({ paymentIntentId: 'pi_ok', status: 'succeeded' });
      stripe.answer('POST', '/v1/payment_intents', {
        patch: { id: 'pi_sepa', status: 'processing' },
        times: 1,
      });
      expect(await gateway.charge(chargeInput())).toEqual({
        paymentIntentId: 'pi_sepa',
        status: 'processing',
      });
      stripe.answer('POST', '/v1/payment_intents', {
        patch: { id: 'pi_wait', status: 'requires_capture' },
        times: 1,
      });
      expect(await gateway.charge(chargeInput())).toEqual({ paymentIntentId: 'pi_wait', status: 'pending' });
    });

    it('turns a card decline into a failure with its decline code, not an error', async () => {
      stripe.answer('POST', '/v1/payment_intents', {
        status: 402,
        body: {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'insufficient_funds',
            message: 'Your card has insufficient funds.',
            payment_intent: {
              id: 'pi_declined',
              object: 'payment_intent',
              status: 'requires_payment_method',
            },
          },
        },
        times: 1,
      });
      expect(await gateway.charge(chargeInput())).toEqual({
        paymentIntentId: 'pi_declined',
        status: 'failed',
        failure: { code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
      });

      stripe.answer('POST', '/v1/payment_intents', {
        status: 402,
        body: { error: { type: 'card_error', code: 'expired_card', message: 'Your card has expired.' } },
        times: 1,
      });
      expect(await gateway.charge(chargeInput())).toEqual({
        status: 'failed',
        failure: { code: 'expired_card', message: 'Your card has expired.' },
      });
    });

    it('needs the member when 3-D Secure is asked off-session or the method was declined', async () => {
      stripe.answer('POST', '/v1/payment_intents', {
        patch: { id: 'pi_3ds', status: 'requires_action' },
        times: 1,
      });
      expect(await gateway.charge(chargeInput())).toMatchObject({
        paymentIntentId: 'pi_3ds',
        status: 'failed',
        failure: { code: 'authentication_required' },
      });
      stripe.answer('POST', '/v1/payment_intents', {
        patch: {
          id: 'pi_sepa_failed',
          status: 'requires_payment_method',
          last_payment_error: {
            type: 'card_error',
            code: 'debit_not_authorized',
            message: 'Not authorised.',
          },
        },
        times: 1,
      });
      expect(await gateway.charge(chargeInput())).toEqual({
        paymentIntentId: 'pi_sepa_failed',
        status: 'failed',
        failure: { code: 'debit_not_authorized', message: 'Not authorised.' },
      });
    });

    it('throws a retryable error when Stripe is down, and a final one when it refuses the request', async () => {
      stripe.answer('POST', '/v1/payment_intents', {
        status: 503,
        body: { error: { type: 'api_error', message: 'Service unavailable' } },
        times: 3,
      });
      const down = await gateway.charge(chargeInput()).catch((error: unknown) => error);
      expect(down).toBeInstanceOf(PaymentGatewayError);
      expect(down).toMatchObject({ retryable: true, code: 'unavailable' });

      stripe.answer('POST', '/v1/payment_intents', {
        status: 400,
        body: {
          error: {
            type: 'idempotency_error',
            message:
              'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          },
        },
        times: 1,
      });
      const refused = await gateway.charge(chargeInput()).catch((error: unknown) => error);
      expect(refused).toMatchObject({ retryable: false, code: 'internal', name: 'PaymentGatewayError' });
      expect((refused as Error).message).toContain('idempotent');
    });
  });

  describe('labels and outcomes', () => {
    const method = (fields: object) => fields as unknown as Stripe.PaymentMethod;

    it('names cards and mandates, with neutral words when details are missing', () => {
      expect(
        paymentMethodLabel(method({ type: 'card', card: { brand: 'mastercard', last4: '4444' } })),
      ).toEqual({
        kind: 'card',
        label: 'Mastercard •••• 4444',
      });
      expect(
        paymentMethodLabel(
          method({ type: 'card', card: { brand: 'visa', display_brand: 'cartes_bancaires', last4: '1' } }),
        ),
      ).toEqual({ kind: 'card', label: 'CB •••• 1' });
      expect(paymentMethodLabel(method({ type: 'card', card: null }))).toEqual({
        kind: 'card',
        label: 'Carte',
      });
      expect(paymentMethodLabel(method({ type: 'sepa_debit', sepa_debit: { last4: '0189' } }))).toEqual({
        kind: 'sepa',
        label: 'IBAN •••• 0189',
      });
      expect(paymentMethodLabel(method({ type: 'sepa_debit', sepa_debit: null }))).toEqual({
        kind: 'sepa',
        label: 'Prélèvement SEPA',
      });
      expect(() => paymentMethodLabel(method({ type: 'paypal' }))).toThrow(/not accepted/);
    });

    it('maps a canceled PaymentIntent to a failure', () => {
      expect(
        chargeOutcome({
          id: 'pi_c',
          status: 'canceled',
          last_payment_error: null,
        } as unknown as Stripe.PaymentIntent),
      ).toEqual({
        paymentIntentId: 'pi_c',
        status: 'failed',
        failure: { code: 'canceled', message: 'canceled' },
      });
    });
  });
});
