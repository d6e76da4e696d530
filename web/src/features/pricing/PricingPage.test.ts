import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defaultPricing, type Pricing } from '../../../../domain/pricing.ts';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { usePricingStore } from './pricing-store.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import PricingPage from './PricingPage.vue';

/** Garden administrators set the prices; other staff read them. */
const gardenAdmin: Identity = { ...staffIdentity, roles: ['garden-admin', 'staff'] };

async function mountPage(identity: Identity = gardenAdmin) {
  setLocale('fr');
  const pinia = signedIn(identity);
  let current: Pricing = defaultPricing;
  const api = stubApi((call) => {
    if (call.method === 'GET') return { body: current };
    const { version, ...input } = call.body as Pricing;
    current = { ...input, version: version + 1 };
    return { body: current };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/facturation/tarifs');
  const wrapper = mount(PricingPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api };
}

describe('the pricing page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows prices in euros and saves what staff type, with a new solidarity tier', async () => {
    const { wrapper, api } = await mountPage();
    const small = wrapper.get<HTMLInputElement>('[data-testid="price-small"]');
    expect(small.element.value).toBe('12,00');
    await small.setValue('12,5');
    await wrapper.get('[data-testid="add-tier"]').trigger('click');
    const tier = wrapper.findAll('[data-testid="pricing-tier"]')[1];
    await tier?.get('[data-testid="tier-label"]').setValue('Tarif étudiant');
    await tier?.get('[data-testid="tier-price-small"]').setValue('8');
    await tier?.get('[data-testid="tier-price-medium"]').setValue('11,50');
    await tier?.get('[data-testid="tier-price-large"]').setValue('15');
    await wrapper.get('[data-testid="billing-season"]').setValue(true);
    await wrapper.get('[data-testid="installments"]').setValue('3');
    await wrapper.get('[data-testid="pricing-form"]').trigger('submit');
    await flushPromises();

    const saved = api.calls.find((call) => call.method === 'PUT');
    expect(saved?.path).toBe('/api/gardens/val-du-doubs/pricing');
    expect(saved?.body).toMatchObject({
      basketPrices: { small: 1250, medium: 1700, large: 2300 },
      solidarityTiers: [
        { id: 'solidaire' },
        { id: 'tarif-etudiant', label: 'Tarif étudiant', prices: { small: 800, medium: 1150, large: 1500 } },
      ],
      billing: 'season',
      installments: 3,
      version: 0,
    });
    expect(useToastStore().toasts[0]?.text).toBe('Tarifs enregistrés.');
    expect(small.element.value).toBe('12,50');
  });

  it('shows staff the prices, billing model and legal details read-only, with no way to save', async () => {
    const { wrapper, api } = await mountPage(staffIdentity);
    expect(wrapper.get('[data-testid="pricing-read-only"]').text()).toContain(
      'Les tarifs, le mode de facturation et les mentions légales sont fixés par l’administration du jardin',
    );
    expect(wrapper.get<HTMLInputElement>('[data-testid="price-small"]').element.value).toBe('12,00');
    expect(wrapper.get<HTMLFieldSetElement>('[data-testid="pricing-fields"]').element.disabled).toBe(true);
    // Every field sits in that fieldset (the browser test checks they are disabled in Chromium).
    expect(wrapper.get('[data-testid="pricing-fields"]').find('[data-testid="siret"]').exists()).toBe(true);
    for (const action of ['save-pricing', 'add-tier', 'remove-tier']) {
      expect(wrapper.find(`[data-testid="${action}"]`).exists(), action).toBe(false);
    }
    await wrapper.get('[data-testid="pricing-form"]').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
  });

  it('lets garden administrators edit, with no read-only notice', async () => {
    const { wrapper } = await mountPage();
    expect(wrapper.find('[data-testid="pricing-read-only"]').exists()).toBe(false);
    expect(wrapper.get<HTMLFieldSetElement>('[data-testid="pricing-fields"]').element.disabled).toBe(false);
    expect(wrapper.find('[data-testid="save-pricing"]').exists()).toBe(true);
  });

  it('says what is wrong beside each field and sends nothing', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="price-medium"]').setValue('dix-sept');
    await wrapper.get('[data-testid="siret"]').setValue('123');
    await wrapper.get('[data-testid="pricing-form"]').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
    const medium = wrapper.get('[data-testid="price-medium"]');
    expect(medium.attributes('aria-invalid')).toBe('true');
    expect(wrapper.text()).toContain(
      "« Panier moyen » : « dix-sept » n'est pas un montant (écrivez par exemple 12,50).",
    );
    expect(wrapper.text()).toContain('« SIRET » : 14 chiffres.');
    expect(document.activeElement).toBe(medium.element);
  });

  it('fills the form from a fresh reading, not from what another page read earlier, and saves over it', async () => {
    setLocale('fr');
    const pinia = signedIn(gardenAdmin);
    let current: Pricing = { ...defaultPricing, version: 1 };
    const api = stubApi((call) => {
      if (call.method === 'GET') return { body: current };
      const { version, ...input } = call.body as Pricing;
      if (version !== current.version)
        return { status: 409, body: { error: 'conflict', message: 'Conflit' } };
      current = { ...input, version: version + 1 };
      return { body: current };
    });
    // The member page read the pricing (version 1); a colleague has since saved version 2.
    await usePricingStore().load();
    current = { ...current, membershipFee: 3000, version: 2 };
    const router = createRouter({ history: createMemoryHistory(), routes });
    await router.push('/equipe/facturation/tarifs');
    const wrapper = mount(PricingPage, {
      global: { plugins: [pinia, i18n, router] },
      attachTo: document.body,
    });
    await flushPromises();

    expect(wrapper.get<HTMLInputElement>('[data-testid="membership-fee"]').element.value).toBe('30,00');
    await wrapper.get('[data-testid="pricing-form"]').trigger('submit');
    await flushPromises();
    const saved = api.calls.find((call) => call.method === 'PUT');
    expect(saved?.body).toMatchObject({ membershipFee: 3000, version: 2 });
    expect(current.version).toBe(3);
  });
});
