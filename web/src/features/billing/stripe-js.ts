/**
 * Stripe.js, which Stripe requires to be loaded from js.stripe.com (never bundled): the card
 * and IBAN fields live in Stripe's own frames. Without the internet (or with the script
 * blocked) it does not load: callers get a rejection and show the offline message instead.
 */

export const stripeJsUrl = 'https://js.stripe.com/v3/';

/** The small part of Stripe.js the app uses. */
export interface StripeElement {
  mount(target: HTMLElement): void;
  destroy(): void;
}
export interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): StripeElement;
}
export interface StripeClient {
  elements(options: { clientSecret: string; locale?: string }): StripeElements;
  confirmSetup(options: {
    elements: StripeElements;
    redirect: 'if_required';
    confirmParams: { return_url: string };
  }): Promise<{ error?: { message?: string }; setupIntent?: { id: string; status: string } }>;
}
export type StripeFactory = (publishableKey: string, options?: { locale?: string }) => StripeClient;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

export class StripeJsUnavailable extends Error {
  constructor(reason: string) {
    super(`Stripe.js could not be loaded: ${reason}`);
    this.name = 'StripeJsUnavailable';
  }
}

let loading: Promise<StripeFactory> | undefined;

/**
 * Loads Stripe.js once. Rejects with StripeJsUnavailable when the script fails or takes longer
 * than `timeoutMs`; a later call tries again.
 */
export function loadStripeJs(options: { timeoutMs?: number } = {}): Promise<StripeFactory> {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  loading ??= new Promise<StripeFactory>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = stripeJsUrl;
    script.async = true;
    const timer = window.setTimeout(() => fail('timeout'), options.timeoutMs ?? 10_000);
    function fail(reason: string): void {
      window.clearTimeout(timer);
      script.remove();
      loading = undefined;
      reject(new StripeJsUnavailable(reason));
    }
    script.addEventListener('load', () => {
      window.clearTimeout(timer);
      if (!window.Stripe) return fail('no Stripe object');
      // From now on `window.Stripe` answers.
      loading = undefined;
      resolve(window.Stripe);
    });
    script.addEventListener('error', () => fail('network'));
    document.head.append(script);
  });
  return loading;
}
