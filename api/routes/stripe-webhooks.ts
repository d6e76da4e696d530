import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type Stripe from 'stripe';
import Type from 'typebox';
import { gardenDay } from '../../domain/calendar.ts';
import { CocagneError } from '../../domain/errors.ts';
import { stripePayment } from '../../domain/invoices.ts';
import { paymentsNotConfigured } from '../../adapters/stripe/stripe-gateway.ts';
import type { PaymentCommands } from '../../temporal/payment-client.ts';
import { errorAnswers } from '../schemas.ts';

const outcomes = [
  /** Passed on to the invoice's payment workflow. */
  'delivered',
  /** About an invoice whose collection is over (or never started): acknowledged, no effect. */
  'not-running',
  /** A success arriving after the collection ended: the money is recorded on the invoice. */
  'recorded',
  /** A card or mandate saved in the member's billing profile. */
  'saved',
  /** Processed before: no second effect. */
  'duplicate',
  /** Not an event the app acts on, or not about one of its invoices or members. */
  'ignored',
] as const;
type Outcome = (typeof outcomes)[number];

/** The event the invoice's payment workflow receives (its contract's `StripePaymentEvent`). */
type StripePaymentEvent = Parameters<PaymentCommands['stripeEvent']>[2];

const Acknowledgement = Type.Object({ received: Type.Literal(true), outcome: Type.Enum([...outcomes]) });

const paymentEvents = new Set<string>([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.processing',
]);

/**
 * Stripe's webhooks. The signature is checked on the exact bytes received (this plugin keeps
 * JSON bodies raw; the other routes parse theirs as usual). Each event has one effect: its id
 * is recorded once the effect is done, so a redelivered event is skipped, and an event that
 * could not be passed on (Temporal unreachable) gets a 5xx for Stripe to deliver it again.
 * Workflows judge reordered or late events by `created`.
 */
export const stripeWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, now } = app;
  const { collection: payments, stripe } = app.payments;

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  async function done(gardenId: string, event: Stripe.Event, outcome: Outcome) {
    await store.stripeEvents.record(gardenId, {
      eventId: event.id,
      type: event.type,
      outcome,
      processedAt: now().toISOString(),
    });
    return { received: true as const, outcome };
  }

  async function paymentIntentEvent(event: Stripe.Event, intent: Stripe.PaymentIntent) {
    const gardenId = intent.metadata?.gardenId;
    const invoiceNumber = Number(intent.metadata?.invoiceNumber);
    if (!gardenId || !Number.isSafeInteger(invoiceNumber) || invoiceNumber <= 0) {
      return { received: true as const, outcome: 'ignored' as const };
    }
    if (await store.stripeEvents.processed(gardenId, event.id)) {
      return { received: true as const, outcome: 'duplicate' as const };
    }
    const failure = intent.last_payment_error;
    const failureCode = failure?.decline_code || failure?.code;
    const succeeded = event.type === 'payment_intent.succeeded';
    const method = (intent.payment_method_types ?? []).includes('sepa_debit') ? 'sepa' : 'card';
    const signal: StripePaymentEvent = {
      eventId: event.id,
      type: event.type as StripePaymentEvent['type'],
      paymentIntentId: intent.id,
      created: event.created,
      ...(failureCode ? { failureCode } : {}),
      ...(failure?.message ? { failureMessage: failure.message } : {}),
      ...(succeeded ? { amount: intent.amount_received, method } : {}),
    };
    const delivered = await payments.stripeEvent(gardenId, invoiceNumber, signal);
    if (delivered) return done(gardenId, event, 'delivered');
    // The collection is over (a cheque or a write-off came first, or a SEPA debit confirmed
    // after it gave up): money Stripe did collect is still recorded on the invoice, once.
    if (succeeded && intent.amount_received > 0) {
      const invoice = await store.invoices.get(gardenId, invoiceNumber);
      if (!invoice) return { received: true as const, outcome: 'not-running' as const };
      // The garden's day the money was taken, as the payment workflow dates it.
      const timeZone = (await store.gardens.get(gardenId))?.timeZone;
      await store.invoices.addPayment(
        gardenId,
        invoiceNumber,
        stripePayment({
          paymentIntentId: intent.id,
          amount: intent.amount_received,
          method,
          receivedOn: gardenDay(new Date(event.created * 1000), timeZone),
          recordedAt: now(),
        }),
      );
      return done(gardenId, event, 'recorded');
    }
    // Any other event for a collection that is over has no effect: nothing to remember.
    return { received: true as const, outcome: 'not-running' as const };
  }

  async function setupIntentEvent(
    gateway: NonNullable<typeof stripe>,
    event: Stripe.Event,
    intent: Stripe.SetupIntent,
  ) {
    const { gardenId, memberId } = intent.metadata ?? {};
    if (!gardenId || !memberId) return { received: true as const, outcome: 'ignored' as const };
    if (await store.stripeEvents.processed(gardenId, event.id)) {
      return { received: true as const, outcome: 'duplicate' as const };
    }
    if (!(await gateway.setupSucceeded(intent)))
      return { received: true as const, outcome: 'ignored' as const };
    return done(gardenId, event, 'saved');
  }

  app.post(
    '/stripe/webhook',
    {
      schema: {
        tags: ['payments'],
        summary:
          "Stripe's events (payments, saved cards and mandates), signed with the webhook secret. " +
          'A forged or stale signature gets 400; events the app does not use are acknowledged.',
        response: { 200: Acknowledgement, ...errorAnswers },
      },
    },
    async (request) => {
      if (!stripe) throw paymentsNotConfigured();
      if (!Buffer.isBuffer(request.body)) {
        throw new CocagneError('invalid_input', {
          fr: 'Notification Stripe refusée : son contenu doit être du JSON.',
          en: 'Stripe notification refused: its body must be JSON.',
        });
      }
      const signature = request.headers['stripe-signature'];
      const event = stripe.verifyWebhook(
        request.body,
        typeof signature === 'string' ? signature : undefined,
        now(),
      );
      request.log.info({ eventId: event.id, type: event.type }, 'Stripe event');
      if (paymentEvents.has(event.type)) {
        return paymentIntentEvent(event, event.data.object as Stripe.PaymentIntent);
      }
      if (event.type === 'setup_intent.succeeded') {
        return setupIntentEvent(stripe, event, event.data.object);
      }
      return { received: true as const, outcome: 'ignored' as const };
    },
  );
};
