import fp from 'fastify-plugin';
import type { PaymentGateway } from '../../adapters/stripe/stripe-gateway.ts';
import type { BillingCommands } from '../../temporal/billing-client.ts';
import type { PaymentCommands } from '../../temporal/payment-client.ts';

/** How the garden is paid: monthly billing, each invoice's collection, and Stripe. */
export interface Payments {
  /** The collection of each invoice (its payment workflow). */
  collection: PaymentCommands;
  /** Monthly billing runs and their schedules. */
  billing: BillingCommands;
  /** Stripe (cards, SEPA mandates, webhook signatures); absent when online payment is off. */
  stripe?: PaymentGateway | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    payments: Payments;
  }
}

export const paymentsPlugin = fp<{ payments: Payments }>(
  async (app, options) => {
    app.decorate('payments', options.payments);
  },
  { name: 'payments' },
);
