import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from './payment-method-api.ts';
import type { PaymentMethodKind, PaymentMethodSetup, PaymentMethodView } from './payment-method-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { loadStripeJs, type StripeClient, type StripeFactory } from './stripe-js.ts';
import { requireGardenId } from '../../stores/session.ts';

/**
 * Whether the member can add a card or a SEPA mandate online:
 * - `checking`: reading the API and loading Stripe.js;
 * - `available`: Stripe.js is here, the fields can be shown;
 * - `offline`: the garden has no online payment (the API says so, or has no such address yet),
 *   or Stripe.js cannot load (no internet): the member pays by cheque, cash or transfer.
 */
export type OnlinePayment = 'checking' | 'available' | 'offline';

/** The member's saved means of payment, and the online set-up of a new one. */
export const usePaymentMethodStore = defineStore('paymentMethod', () => {
  const view = ref<PaymentMethodView>();
  const online = ref<OnlinePayment>('checking');
  const error = ref<string>();
  let factory: StripeFactory | undefined;

  /** Reads the saved method, then tries Stripe.js when the garden takes payments online. */
  async function load(memberId: string, options: { stripeTimeoutMs?: number } = {}): Promise<void> {
    online.value = 'checking';
    error.value = undefined;
    view.value = await orProblem(
      () => api.getPaymentMethod(requireGardenId(), memberId),
      (failure) => {
        // 404: online payment is not offered here (yet); 503: the payment service is out of reach.
        if (failure.status !== 404 && failure.status !== 503) error.value = failure.message;
      },
    );
    if (!view.value) {
      online.value = 'offline';
      return;
    }
    if (!view.value.stripeAvailable) {
      online.value = 'offline';
      return;
    }
    try {
      factory = await loadStripeJs({ timeoutMs: options.stripeTimeoutMs ?? 10_000 });
      online.value = 'available';
    } catch {
      online.value = 'offline';
    }
  }

  /** Starts saving a card or mandate: the SetupIntent and Stripe.js to confirm it. Throws the ApiError. */
  async function startSetup(
    memberId: string,
    kind: PaymentMethodKind,
  ): Promise<{ setup: PaymentMethodSetup; stripe: StripeClient }> {
    if (!factory) throw new Error('Stripe.js is not loaded.');
    const setup = await api.startPaymentMethodSetup(requireGardenId(), memberId, kind);
    const publishableKey = setup.publishableKey ?? view.value?.publishableKey;
    if (!publishableKey) throw new Error('No Stripe publishable key.');
    return { setup, stripe: factory(publishableKey, { locale: 'fr' }) };
  }

  /** After Stripe.js confirmed the SetupIntent: the API saves the card or mandate. Throws the ApiError. */
  async function completeSetup(memberId: string, setupIntentId: string): Promise<void> {
    const gardenId = requireGardenId();
    await api.completePaymentMethodSetup(gardenId, memberId, setupIntentId);
    view.value = await api.getPaymentMethod(gardenId, memberId);
  }

  return { view, online, error, load, startSetup, completeSetup };
});
