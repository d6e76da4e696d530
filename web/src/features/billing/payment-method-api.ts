import { request } from '../../api-client/request.ts';

export type PaymentMethodKind = 'card' | 'sepa';

/** The member's saved card or SEPA mandate, and whether online payment is set up at all. */
export interface PaymentMethodView {
  /** False when the garden's Stripe account is not configured. */
  stripeAvailable: boolean;
  /** For Stripe.js in the browser (also given with each SetupIntent). */
  publishableKey?: string;
  paymentMethod?: { id?: string; kind: PaymentMethodKind; label: string };
}

/** A SetupIntent the browser confirms with Stripe.js. */
export interface PaymentMethodSetup {
  setupIntentId: string;
  clientSecret: string;
  publishableKey: string;
}

const base = (gardenId: string, memberId: string) =>
  `/gardens/${encodeURIComponent(gardenId)}/members/${encodeURIComponent(memberId)}/payment-method`;

/** The screen says itself what failed (and a 404 means online payment is not offered yet). */
export const getPaymentMethod = (gardenId: string, memberId: string) =>
  request<PaymentMethodView>('GET', base(gardenId, memberId), { toast: false });

/** Starts saving a card or a SEPA mandate: a SetupIntent for Stripe.js to confirm. */
export const startPaymentMethodSetup = (gardenId: string, memberId: string, kind: PaymentMethodKind) =>
  request<PaymentMethodSetup>('POST', `${base(gardenId, memberId)}/setup`, { body: { kind }, toast: false });

/** Once Stripe.js confirmed it: the API checks it with Stripe and saves the card or mandate. */
export const completePaymentMethodSetup = (gardenId: string, memberId: string, setupIntentId: string) =>
  request<unknown>('POST', base(gardenId, memberId), { body: { setupIntentId }, toast: false });
