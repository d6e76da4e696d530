import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import { usePaymentMethodStore } from './payment-method-store.ts';

describe('payment method store', () => {
  /** Stripe.js scripts the store asked for (kept off the page: the test says whether they loaded). */
  let added: HTMLScriptElement[];
  const script = () => added[0];
  beforeEach(() => {
    signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-0001' });
    added = [];
    vi.spyOn(document.head, 'append').mockImplementation((...nodes) => {
      added.push(...(nodes as HTMLScriptElement[]));
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    delete window.Stripe;
  });

  it('is offline when the API has no online payment yet (404), showing no error', async () => {
    const api = stubApi(() => ({
      status: 404,
      body: { error: 'not_found', message: "Cette adresse n'existe pas." },
    }));
    const store = usePaymentMethodStore();
    await store.load('m-0001');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/members/m-0001/payment-method');
    expect(store.online).toBe('offline');
    expect(store.error).toBeUndefined();
    expect(script()).toBeUndefined();
  });

  it('is offline when the garden has no Stripe account, still showing the saved method', async () => {
    stubApi(() => ({
      body: { stripeAvailable: false, paymentMethod: { kind: 'sepa', label: 'IBAN FR76 •••• 0189' } },
    }));
    const store = usePaymentMethodStore();
    await store.load('m-0001');
    expect(store.online).toBe('offline');
    expect(store.view?.paymentMethod?.label).toBe('IBAN FR76 •••• 0189');
    expect(script()).toBeUndefined();
  });

  it('is offline when Stripe.js cannot be loaded', async () => {
    stubApi(() => ({ body: { stripeAvailable: true } }));
    const store = usePaymentMethodStore();
    const loading = store.load('m-0001');
    await vi.waitFor(() => expect(script()).toBeDefined());
    expect(store.online).toBe('checking');
    script()?.dispatchEvent(new Event('error'));
    await loading;
    expect(store.online).toBe('offline');
  });

  it('is available once Stripe.js is here, and sets up a card through the API', async () => {
    const stripe = { elements: vi.fn(), confirmSetup: vi.fn() };
    const factory = vi.fn(() => stripe);
    window.Stripe = factory;
    const api = stubApi((call) =>
      call.path.endsWith('/setup')
        ? { body: { setupIntentId: 'seti_1', clientSecret: 'seti_1_secret', publishableKey: 'pk_test_123' } }
        : { body: { stripeAvailable: true } },
    );
    const store = usePaymentMethodStore();
    await store.load('m-0001');
    expect(store.online).toBe('available');
    const started = await store.startSetup('m-0001', 'card');
    expect(started.setup.clientSecret).toBe('seti_1_secret');
    expect(started.stripe).toBe(stripe);
    expect(factory).toHaveBeenCalledWith('pk_test_123', { locale: 'fr' });
    expect(api.calls[1]).toMatchObject({
      method: 'POST',
      path: '/api/gardens/val-du-doubs/members/m-0001/payment-method/setup',
      body: { kind: 'card' },
    });
  });

  it('says other failures', async () => {
    stubApi(() => ({ status: 403, body: { error: 'forbidden', message: 'Interdit.' } }));
    const store = usePaymentMethodStore();
    await store.load('m-0001');
    expect(store.online).toBe('offline');
    expect(store.error).toBe('Interdit.');
  });
});
