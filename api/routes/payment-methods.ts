import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { notFound } from '../../domain/errors.ts';
import { memberDisplayName } from '../../domain/member.ts';
import { paymentsNotConfigured } from '../../adapters/stripe/stripe-gateway.ts';
import { errorAnswers, MemberParams } from '../schemas.ts';

const kinds = ['card', 'sepa'] as const;

const SavedPaymentMethod = Type.Object({
  id: Type.String(),
  kind: Type.Enum([...kinds]),
  /** « Visa •••• 4242 », « IBAN FR •••• 3000 ». */
  label: Type.String(),
});

const memberLabel = { fr: 'Adhérent', en: 'Member' };

/**
 * A household's saved card or SEPA mandate, charged off-session by the payment workflows.
 * The member (or staff) starts a Stripe SetupIntent, the browser confirms it with Stripe's own
 * fields (card number and IBAN never reach this server), then the result is saved here.
 */
export const paymentMethodRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  const { stripe } = app.payments;
  const url = '/members/:memberId/payment-method';

  app.get(
    url,
    {
      schema: {
        tags: ['payments'],
        summary: "The member's saved card or SEPA mandate, and whether online payment is available.",
        security: [{ bearer: [] }],
        params: MemberParams,
        response: {
          200: Type.Object({
            paymentMethod: Type.Optional(SavedPaymentMethod),
            stripeAvailable: Type.Boolean(),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      request.requireMemberAccess(memberId);
      const profile = await store.billingProfiles.get(gardenId, memberId);
      return {
        ...(profile.paymentMethod ? { paymentMethod: profile.paymentMethod } : {}),
        stripeAvailable: Boolean(stripe?.publishableKey),
      };
    },
  );

  app.post(
    `${url}/setup`,
    {
      schema: {
        tags: ['payments'],
        summary:
          'Starts saving a card or a SEPA mandate: the browser confirms the returned SetupIntent with Stripe.js, ' +
          'then sends its id to `POST …/payment-method`.',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: Type.Object({ kind: Type.Enum([...kinds]) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            setupIntentId: Type.String(),
            clientSecret: Type.String(),
            publishableKey: Type.String(),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      request.requireMemberAccess(memberId);
      if (!stripe?.publishableKey) throw paymentsNotConfigured();
      const member = await store.members.get(gardenId, memberId);
      if (!member) throw notFound(memberLabel);
      const customerId = await stripe.ensureCustomer({
        gardenId,
        memberId,
        email: member.email,
        name: memberDisplayName(member),
      });
      const setup = await stripe.startSetup({ customerId, kind: request.body.kind, gardenId, memberId });
      return {
        setupIntentId: setup.id,
        clientSecret: setup.clientSecret,
        publishableKey: stripe.publishableKey,
      };
    },
  );

  app.post(
    url,
    {
      schema: {
        tags: ['payments'],
        summary:
          'Saves the card or mandate of a SetupIntent the browser confirmed; it replaces the one saved before. ' +
          '422 while the bank has not confirmed it.',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: Type.Object(
          { setupIntentId: Type.String({ pattern: '^seti_[A-Za-z0-9_]+$', maxLength: 255 }) },
          { additionalProperties: false },
        ),
        response: { 200: SavedPaymentMethod, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      request.requireMemberAccess(memberId);
      if (!stripe) throw paymentsNotConfigured();
      const member = await store.members.get(gardenId, memberId);
      if (!member) throw notFound(memberLabel);
      return stripe.completeSetup({ gardenId, memberId, setupIntentId: request.body.setupIntentId });
    },
  );
};
