import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePaymentId, invoicePaymentType } from '../workflows/payment/contract.ts';
import type { Store } from '../adapters/store/index.ts';
import { createTestGarden, testDocuments, testEnvironment, testStore } from '../tests/support/environment.ts';
import { testStripeConfig } from '../tests/support/stripe.ts';
import { buildApp, type App } from './app.ts';
import type { CallerIdentity } from './auth/identity.ts';
import { createApiServices } from './plugins/services.ts';
import { openPayload, testDataConverter } from '../tests/support/environment.ts';

const secret = testStripeConfig().webhookSecret ?? '';

/**
 * Stripe's webhooks through the real app, store and Temporal: the invoices' workflows are
 * started on a task queue no worker polls, so each signal the route sends stays in their
 * history, where the test counts it. Headers are made by the Stripe SDK's test helper.
 */
describe('Stripe webhooks', () => {
  let app: App;
  let store: Store;
  let connection: Connection;
  let client: Client;
  let gardenId: string;
  /** Calls to the payment service that fail, as when Temporal cannot be reached. */
  let outages = 0;
  const started: WorkflowHandle[] = [];
  const taskQueue = `stripe-webhooks-${randomUUID().slice(0, 8)}`;
  let nextInvoice = 1;

  beforeAll(async () => {
    const env = testEnvironment();
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'webhooks'));
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
    const services = createApiServices(store, client, testDocuments(), testStripeConfig());
    const { collection } = services.payments;
    const payments = {
      ...services.payments,
      collection: {
        ...collection,
        stripeEvent: async (...args: Parameters<typeof collection.stripeEvent>) => {
          if (outages > 0) {
            outages -= 1;
            throw new Error('14 UNAVAILABLE: Temporal cannot be reached');
          }
          return collection.stripeEvent(...args);
        },
      },
    };
    const staff: CallerIdentity = {
      userId: 'u-staff',
      username: 'staff',
      name: 'Camille Martin',
      roles: ['staff'],
      gardenId,
    };
    app = await buildApp({
      services: { ...services, payments },
      verifyToken: async () => staff,
      oidcIssuer: 'http://localhost/realms/test',
      webClientId: 'test',
    });
  });
  afterAll(async () => {
    await Promise.all(started.map((handle) => handle.terminate('test over').catch(() => undefined)));
    await app?.close();
    await connection?.close();
    store?.close();
  });

  /** An invoice being collected: its workflow runs (without a worker) and records signals. */
  async function collectedInvoice(): Promise<{ invoiceNumber: number; handle: WorkflowHandle }> {
    const invoiceNumber = nextInvoice++;
    const handle = await client.workflow.start(invoicePaymentType, {
      taskQueue,
      workflowId: invoicePaymentId(gardenId, invoiceNumber),
      args: [{ gardenId, invoiceNumber, memberId: 'm-test' }],
    });
    started.push(handle);
    return { invoiceNumber, handle };
  }

  async function signals(handle: WorkflowHandle) {
    const history = await handle.fetchHistory();
    return Promise.all(
      (history.events ?? [])
        .map((event) => event.workflowExecutionSignaledEventAttributes)
        .filter((signal) => !!signal)
        .map(async (signal) => ({
          name: signal.signalName,
          input: await openPayload(signal.input!.payloads![0]!),
        })),
    );
  }

  function stripeEvent(
    type: string,
    object: Record<string, unknown>,
    created = Math.floor(Date.now() / 1000),
  ) {
    return {
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    };
  }

  function paymentIntent(invoiceNumber: number, fields: Record<string, unknown> = {}) {
    return {
      id: `pi_${randomUUID().slice(0, 8)}`,
      object: 'payment_intent',
      amount: 1700,
      amount_received: 1700,
      payment_method_types: ['sepa_debit'],
      currency: 'eur',
      status: 'succeeded',
      last_payment_error: null,
      metadata: {
        gardenId,
        invoiceNumber: String(invoiceNumber),
        workflowId: invoicePaymentId(gardenId, invoiceNumber),
        attempt: '1',
      },
      ...fields,
    };
  }

  /** Posts an event as Stripe does, signed by default with the right secret, now. */
  function deliver(
    event: object,
    signing: { secret?: string; timestamp?: number; header?: string | null } = {},
  ) {
    const payload = JSON.stringify(event);
    const header =
      signing.header === undefined
        ? Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: signing.secret ?? secret,
            ...(signing.timestamp ? { timestamp: signing.timestamp } : {}),
          })
        : signing.header;
    return app.inject({
      method: 'POST',
      url: '/api/stripe/webhook',
      payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(header === null ? {} : { 'stripe-signature': header }),
      },
    });
  }

  it('passes a payment event on to the invoice workflow, with what it needs to judge it', async () => {
    const { invoiceNumber, handle } = await collectedInvoice();
    const intent = paymentIntent(invoiceNumber);
    const event = stripeEvent('payment_intent.succeeded', intent);
    const response = await deliver(event);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'delivered' });
    expect(await signals(handle)).toEqual([
      {
        name: 'stripePaymentEvent',
        input: {
          eventId: event.id,
          type: 'payment_intent.succeeded',
          paymentIntentId: intent.id,
          created: event.created,
          amount: 1700,
          method: 'sepa',
        },
      },
    ]);
    expect(await store.stripeEvents.processed(gardenId, event.id)).toMatchObject({ outcome: 'delivered' });
  });

  it('records money Stripe collected after the collection ended on the invoice, once', async () => {
    const invoice = await store.invoices.issue(
      {
        gardenId,
        memberId: 'm-late',
        subject: 'Paniers livrés en octobre 2026',
        issuedOn: '2026-11-01',
        dueOn: '2026-11-11',
        lines: [{ label: 'Panier moyen', quantity: 2, unitPrice: 1700, amount: 3400 }],
        total: 3400,
      },
      `test/late/${randomUUID()}`,
    );
    // Its workflow gave up on a SEPA debit (or a cheque settled it): no collection runs.
    await client.workflow
      .getHandle(invoicePaymentId(gardenId, invoice.number))
      .terminate('collection over')
      .catch(() => undefined);
    const intent = paymentIntent(invoice.number, { amount: 3400, amount_received: 3400 });
    const event = stripeEvent('payment_intent.succeeded', intent);
    const response = await deliver(event);
    expect(response.json()).toEqual({ received: true, outcome: 'recorded' });
    expect((await deliver(event)).json()).toEqual({ received: true, outcome: 'duplicate' });
    const recorded = await store.invoices.get(gardenId, invoice.number);
    expect(recorded).toMatchObject({
      status: 'paid',
      payments: [{ id: `stripe-${intent.id}`, method: 'sepa', amount: 3400, reference: intent.id }],
    });
    // A failure for a collection that is over changes nothing.
    const failed = await deliver(
      stripeEvent(
        'payment_intent.payment_failed',
        paymentIntent(invoice.number, { status: 'requires_payment_method' }),
      ),
    );
    expect(failed.json()).toEqual({ received: true, outcome: 'not-running' });
    expect((await store.invoices.get(gardenId, invoice.number))?.payments).toHaveLength(1);
  });

  it("passes a failure on with Stripe's decline code and message", async () => {
    const { invoiceNumber, handle } = await collectedInvoice();
    const intent = paymentIntent(invoiceNumber, {
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      },
    });
    const response = await deliver(stripeEvent('payment_intent.payment_failed', intent));
    expect(response.json()).toEqual({ received: true, outcome: 'delivered' });
    expect((await signals(handle))[0]?.input).toMatchObject({
      type: 'payment_intent.payment_failed',
      failureCode: 'insufficient_funds',
      failureMessage: 'Your card has insufficient funds.',
    });
  });

  it('has one effect for an event delivered twice', async () => {
    const { invoiceNumber, handle } = await collectedInvoice();
    const event = stripeEvent(
      'payment_intent.processing',
      paymentIntent(invoiceNumber, { status: 'processing' }),
    );
    expect((await deliver(event)).json()).toEqual({ received: true, outcome: 'delivered' });
    const again = await deliver(event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(await signals(handle)).toHaveLength(1);
  });

  describe('refuses with 400 and no effect', () => {
    async function expectRefused(
      signing: Parameters<typeof deliver>[1],
      message: RegExp,
      tamper?: (event: ReturnType<typeof stripeEvent>) => object,
    ) {
      const { invoiceNumber, handle } = await collectedInvoice();
      const event = stripeEvent('payment_intent.succeeded', paymentIntent(invoiceNumber));
      const response = await (tamper
        ? (() => {
            // Signed as Stripe sent it, then changed on the way.
            const header = Stripe.webhooks.generateTestHeaderString({
              payload: JSON.stringify(event),
              secret,
            });
            return deliver(tamper(event), { header });
          })()
        : deliver(event, signing));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({
        error: 'invalid_input',
        message: expect.stringMatching(message),
      });
      expect(await signals(handle)).toEqual([]);
      expect(await store.stripeEvents.processed(gardenId, event.id)).toBeUndefined();
    }

    it('a signature made with another secret', () =>
      expectRefused(
        { secret: 'whsec_forged' },
        /^Notification Stripe refusée : sa signature ne correspond pas/,
      ));

    it('a body changed after signing', () =>
      expectRefused({}, /sa signature ne correspond pas/, (event) => ({
        ...event,
        data: { object: { ...(event.data.object as object), amount: 1 } },
      })));

    it('a stale signature (older than the 5 minutes tolerance)', () =>
      expectRefused({ timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }, /sa signature est trop ancienne/));

    it('no signature', () => expectRefused({ header: null }, /l'en-tête Stripe-Signature manque/));

    it('a header that is not a signature', () =>
      expectRefused({ header: 'nonsense' }, /signature ne correspond pas/));
  });

  it('acknowledges and ignores events it does not use', async () => {
    const response = await deliver(stripeEvent('customer.created', { id: 'cus_123', object: 'customer' }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'ignored' });
    // A payment of the Stripe account that is not one of our invoices.
    const foreign = await deliver(
      stripeEvent('payment_intent.succeeded', paymentIntent(1, { metadata: {} })),
    );
    expect(foreign.json()).toEqual({ received: true, outcome: 'ignored' });
  });

  it('acknowledges an event for an invoice whose collection is not running', async () => {
    const event = stripeEvent('payment_intent.succeeded', paymentIntent(987_654));
    const response = await deliver(event);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'not-running' });
    expect(await store.stripeEvents.processed(gardenId, event.id)).toBeUndefined();
  });

  it('answers 5xx while Temporal is unreachable, so Stripe delivers again, then has one effect', async () => {
    const { invoiceNumber, handle } = await collectedInvoice();
    const event = stripeEvent('payment_intent.succeeded', paymentIntent(invoiceNumber));
    outages = 1;
    const failed = await deliver(event);
    expect(failed.statusCode).toBe(500);
    expect(await store.stripeEvents.processed(gardenId, event.id)).toBeUndefined();
    expect((await deliver(event)).json()).toEqual({ received: true, outcome: 'delivered' });
    expect((await deliver(event)).json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(await signals(handle)).toHaveLength(1);
  });

  it('saves the card of a setup_intent.succeeded the browser could not report, once', async () => {
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const empty = await store.billingProfiles.get(gardenId, memberId);
    await store.billingProfiles.save(empty, { stripeCustomerId: 'cus_webhook' });
    const event = stripeEvent('setup_intent.succeeded', {
      id: 'seti_webhook',
      object: 'setup_intent',
      status: 'succeeded',
      customer: 'cus_webhook',
      payment_method: 'pm_webhook',
      usage: 'off_session',
      metadata: { gardenId, memberId },
    });
    const response = await deliver(event);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ received: true, outcome: 'saved' });
    const saved = await store.billingProfiles.get(gardenId, memberId);
    // stripe-mock describes every payment method as its Visa fixture.
    expect(saved).toMatchObject({
      paymentMethod: { id: 'pm_webhook', kind: 'card', label: 'Visa •••• 4242' },
      version: 2,
    });
    expect((await deliver(event)).json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(await store.billingProfiles.get(gardenId, memberId)).toEqual(saved);

    // For a customer that is not the member's: acknowledged, nothing saved.
    const other = stripeEvent('setup_intent.succeeded', {
      ...event.data.object,
      customer: 'cus_someone_else',
      payment_method: 'pm_other',
    });
    expect((await deliver(other)).json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await store.billingProfiles.get(gardenId, memberId)).toEqual(saved);
  });

  it('leaves the JSON parsing of the other routes as it was', async () => {
    const created = await app.inject({
      method: 'POST',
      url: `/api/gardens/${gardenId}/members`,
      headers: { authorization: 'Bearer staff', 'content-type': 'application/json' },
      payload: JSON.stringify({ firstName: 'Jean', lastName: 'Moulin' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ firstName: 'Jean', lastName: 'Moulin' });
    const malformed = await app.inject({
      method: 'POST',
      url: `/api/gardens/${gardenId}/members`,
      headers: { authorization: 'Bearer staff', 'content-type': 'application/json' },
      payload: '{"firstName":',
    });
    expect(malformed.statusCode).toBe(400);
  });
});
