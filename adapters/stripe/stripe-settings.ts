import Type from 'typebox';
import type { StripeConfig } from './stripe-gateway.ts';

/**
 * Stripe from the environment. Without `STRIPE_SECRET_KEY`, online payment is off (the app
 * says so; manual payments still work). Locally, `infra/local/environment.ts` points it at
 * stripe-mock unless a real test key is given.
 */
export const StripeSettings = Type.Object({
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ pattern: '^(sk|rk)_' })),
  /** stripe-mock's address; unset: Stripe's API. */
  STRIPE_API_BASE: Type.Optional(Type.String({ pattern: '^https?://' })),
  STRIPE_PUBLISHABLE_KEY: Type.Optional(Type.String({ pattern: '^pk_' })),
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^whsec_' })),
});
export type StripeSettings = Type.Static<typeof StripeSettings>;

export function stripeConfigFrom(settings: StripeSettings): StripeConfig | undefined {
  if (!settings.STRIPE_SECRET_KEY) return undefined;
  return {
    secretKey: settings.STRIPE_SECRET_KEY,
    apiBase: settings.STRIPE_API_BASE,
    publishableKey: settings.STRIPE_PUBLISHABLE_KEY,
    webhookSecret: settings.STRIPE_WEBHOOK_SECRET,
  };
}
