import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { useDepotStore } from '../depots/depots-store.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { aDepot } from '../../testing/fixtures.ts';
import SubscriptionForm from './SubscriptionForm.vue';

async function mountForm() {
  setLocale('fr');
  const pinia = signedIn();
  const api = stubApi((call) => {
    if (call.method === 'GET' && call.path.endsWith('/depots')) return { body: [aDepot()] };
    return { status: 500, body: { message: 'unexpected' } };
  });
  // The member's page reads the depots; the form shows them.
  await useDepotStore().load();
  const wrapper = mount(SubscriptionForm, {
    props: { memberId: 'm-louise' },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

const describedTexts = (element: Element) =>
  (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent?.replace(/\s+/g, ' ').trim());

describe('the subscription form (staff, on a member’s page)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('says beside each field what is missing, and sends nothing', async () => {
    const { wrapper, api } = await mountForm();
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    expect(wrapper.get('[data-testid="field-error-basketSize"]').text()).toMatch(/Taille de panier/);
    expect(wrapper.get('[data-testid="field-error-depotId"]').text()).toMatch(/Point de dépôt/);
    const size = wrapper.get('[data-testid="input-basketSize"]');
    expect(size.attributes('aria-invalid')).toBe('true');
    expect(describedTexts(size.element)).toEqual([
      wrapper.get('[data-testid="field-error-basketSize"]').text(),
    ]);
  });

  it('tells where and when the chosen depot delivers, and starts on its next delivery day', async () => {
    const { wrapper } = await mountForm();
    const depot = wrapper.get('[data-testid="input-depotId"]');
    await depot.setValue('d-centre');
    expect(describedTexts(depot.element)).toEqual([
      'Livraison le mardi, 17 h – 19 h · 12 place de la Révolution, 25000 Besançon',
    ]);
    const start = wrapper.get<HTMLInputElement>('[data-testid="input-startDate"]').element.value;
    expect(new Date(`${start}T12:00:00Z`).getUTCDay()).toBe(2);
  });
});
