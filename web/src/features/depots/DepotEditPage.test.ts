import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Depot } from '../../../../domain/depot.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import DepotEditPage from './DepotEditPage.vue';

async function mountNewDepotPage() {
  setLocale('fr');
  const pinia = signedIn();
  const api = stubApi((call) => {
    if (call.method === 'GET') return { body: [] };
    const input = call.body as Omit<Depot, 'id' | 'gardenId' | 'version'>;
    return { status: 201, body: { ...input, id: 'd-saint-vit', gardenId: 'val-du-doubs', version: 1 } };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/depots/nouveau');
  const wrapper = mount(DepotEditPage, {
    // The Leaflet map is left out: happy-dom draws no tiles. The coordinates are typed instead.
    global: { plugins: [pinia, i18n, router], stubs: { PointPicker: true } },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api, router };
}

describe('the depot page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('says beside each field what is missing, tied to the field for screen readers, and sends nothing', async () => {
    const { wrapper, api } = await mountNewDepotPage();
    await wrapper.get('[data-testid="depot-capacity-input"]').setValue('trente');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    const name = wrapper.get('[data-testid="depot-name"]');
    expect(name.attributes('aria-invalid')).toBe('true');
    // Focus goes to the summary at the top, which says to check the fields marked.
    expect(document.activeElement?.textContent?.trim()).toBe('Vérifiez les champs signalés.');
    const nameError = document.getElementById(name.attributes('aria-describedby') ?? '');
    expect(nameError?.textContent?.trim()).toBe('« Nom » est obligatoire.');

    // The capacity field is described by its hint and by its error.
    const capacity = wrapper.get('[data-testid="depot-capacity-input"]');
    const described = (capacity.attributes('aria-describedby') ?? '').split(' ');
    expect(described.map((id) => document.getElementById(id)?.className)).toEqual(['hint', 'field-error']);
    expect(document.getElementById(described[1] ?? '')?.textContent?.trim()).toMatch(/Capacité/);
    // A field with nothing wrong is not marked.
    expect(wrapper.get('[data-testid="depot-weekday"]').attributes('aria-invalid')).toBeUndefined();
  });

  it('creates the depot from what staff typed, then goes back to the list', async () => {
    const { wrapper, api, router } = await mountNewDepotPage();
    const fill: Record<string, string> = {
      'depot-name': 'Saint-Vit, mairie',
      'depot-street': '1 rue Haute',
      'depot-postalCode': '25410',
      'depot-city': 'Saint-Vit',
      'depot-lat': '47,18',
      'depot-lng': '5.81',
      'depot-openingHours': '17 h – 19 h',
      'depot-pickupStart': '17:00',
      'depot-pickupEnd': '19:00',
      'depot-capacity-input': '30',
    };
    for (const [testid, value] of Object.entries(fill))
      await wrapper.get(`[data-testid="${testid}"]`).setValue(value);
    await wrapper.get('[data-testid="depot-weekday"]').setValue('4');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    const created = api.calls.find((call) => call.method === 'POST');
    expect(created?.path).toBe('/api/gardens/val-du-doubs/depots');
    expect(created?.body).toEqual({
      name: 'Saint-Vit, mairie',
      address: { street: '1 rue Haute', postalCode: '25410', city: 'Saint-Vit' },
      location: { lat: 47.18, lng: 5.81 },
      deliveryWeekday: 4,
      openingHours: '17 h – 19 h',
      pickupWindow: { start: '17:00', end: '19:00' },
      capacity: 30,
    });
    expect(useToastStore().toasts[0]?.text).toMatch(/Saint-Vit, mairie/);
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/equipe/depots'));
  });
});
