import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import MyPaymentMethod from './MyPaymentMethod.vue';

describe("the member's payment method", () => {
  beforeEach(() => {
    setLocale('fr');
    vi.spyOn(document.head, 'append').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('says how else to pay when online payment is not offered, with the saved method', async () => {
    const pinia = signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-0001' });
    stubApi(() => ({
      body: { stripeAvailable: false, paymentMethod: { kind: 'card', label: 'Visa •••• 4242' } },
    }));
    const wrapper = mount(MyPaymentMethod, {
      props: { memberId: 'm-0001' },
      global: { plugins: [pinia, i18n] },
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="saved-payment-method"]').text()).toBe('Enregistré : Visa •••• 4242');
    expect(wrapper.get('[data-testid="online-payment-offline"]').text()).toMatch(
      /^Le paiement en ligne n’est pas disponible pour l’instant : payez par chèque, espèces ou virement/,
    );
    expect(wrapper.find('[data-testid="add-card"]').exists()).toBe(false);
  });

  it('offers a card or a SEPA mandate once Stripe.js is here', async () => {
    window.Stripe = vi.fn(() => ({ elements: vi.fn(), confirmSetup: vi.fn() }));
    const pinia = signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-0001' });
    stubApi(() => ({ body: { stripeAvailable: true } }));
    const wrapper = mount(MyPaymentMethod, {
      props: { memberId: 'm-0001' },
      global: { plugins: [pinia, i18n] },
    });
    await flushPromises();
    expect(wrapper.find('[data-testid="online-payment-offline"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="add-card"]').text()).toBe('Ajouter une carte bancaire');
    expect(wrapper.get('[data-testid="add-sepa"]').text()).toBe('Ajouter un mandat de prélèvement SEPA');
    delete window.Stripe;
  });

  it('takes the focus when the member came for it, from a message about a failed payment', async () => {
    const pinia = signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-0001' });
    stubApi(() => ({ body: { stripeAvailable: false } }));
    const wrapper = mount(MyPaymentMethod, {
      props: { memberId: 'm-0001', arrived: true },
      global: { plugins: [pinia, i18n] },
      attachTo: document.body,
    });
    await flushPromises();
    expect(document.activeElement?.textContent?.trim()).toBe('Moyen de paiement');
    wrapper.unmount();
  });
});
