import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Fleet } from '../../../../domain/rounds/fleet.ts';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import FleetPage from './FleetPage.vue';

/** Garden administrators set the vehicles and drivers; other staff read them. */
const gardenAdmin: Identity = { ...staffIdentity, roles: ['garden-admin', 'staff'] };
const garden = { lat: 47.2636, lng: 6.071 };

const stored: Fleet = {
  gardenId: 'val-du-doubs',
  vehicles: [
    {
      id: 'v-kangoo',
      name: '<b>Kangoo</b>',
      driverName: 'Karim <img src=x onerror=alert(1)>',
      driverPhone: '+33612345678',
      driverUsername: 'chauffeur-doubs',
      capacity: 40,
      start: garden,
      workStart: '13:30',
      workEnd: '20:00',
    },
  ],
  serviceMinutes: { depot: 10, home: 3 },
  optimiser: 'local',
  reoptimiseAfterApproval: true,
  tellMembersTheirWindow: true,
  circuitKeyHint: '1234',
  updatedAt: '2026-11-30T09:00:00.000Z',
  version: 3,
};

/** The map stands in as a button that places the point a click on the map would. */
const PointPicker = defineComponent({
  props: { point: { type: Object, default: undefined }, testId: { type: String, default: '' } },
  emits: ['place'],
  template:
    '<button type="button" :data-testid="`${testId}-click`" @click="$emit(\'place\', { lat: 47.2378, lng: 6.0241 })">map</button>',
});

async function mountPage(
  identity: Identity = gardenAdmin,
  answer?: (call: ApiCall) => { status?: number; body?: unknown } | undefined,
) {
  setLocale('fr');
  const pinia = signedIn(identity);
  let current: Fleet = structuredClone(stored);
  const api = stubApi((call) => {
    const answered = answer?.(call);
    if (answered) return answered;
    if (call.path.endsWith('/depots')) return { body: [] };
    if (call.method === 'GET') return { body: current };
    if (call.path.endsWith('/circuit-key')) {
      const { key } = call.body as { key: string };
      current = { ...current, circuitKeyHint: key.slice(-4) };
      return { body: current };
    }
    const { version, ...input } = call.body as Fleet;
    current = { ...current, ...input, version: version + 1 };
    return { body: current };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/tournees/vehicules');
  const wrapper = mount(FleetPage, {
    global: { plugins: [pinia, i18n, router], stubs: { PointPicker } },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

const puts = (calls: ApiCall[]) => calls.filter((call) => call.method === 'PUT');

describe('the vehicles and drivers page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows the fleet, names with markup as text, and the key only as its last four characters', async () => {
    const { wrapper } = await mountPage();
    expect(wrapper.get('h1').text()).toBe('Tournées : véhicules et chauffeurs');
    const vehicle = wrapper.get('[data-testid="vehicle"]');
    expect(vehicle.get('[data-testid="vehicle-title"]').text()).toBe('<b>Kangoo</b>');
    expect(vehicle.find('b').exists()).toBe(false);
    expect(wrapper.find('img').exists()).toBe(false);
    expect(vehicle.get<HTMLInputElement>('[data-testid="vehicle-driverName"]').element.value).toBe(
      'Karim <img src=x onerror=alert(1)>',
    );
    expect(vehicle.get<HTMLInputElement>('[data-testid="vehicle-driverPhone"]').element.value).toBe(
      '06 12 34 56 78',
    );
    expect(vehicle.get('[data-testid="vehicle-start"]').text()).toBe('47.2636, 6.071');
    expect(wrapper.get('[data-testid="circuit-key-status"]').text()).toBe('Clé enregistrée (…1234).');
    const key = wrapper.get<HTMLInputElement>('[data-testid="circuit-key-input"]');
    expect(key.attributes('type')).toBe('password');
    expect(key.element.value).toBe('');
  });

  it('adds a vehicle placed on the map and saves the fleet with the version read, phones in E.164', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="add-vehicle"]').trigger('click');
    const added = wrapper.findAll('[data-testid="vehicle"]')[1]!;
    expect(added.get('[data-testid="vehicle-title"]').text()).toBe('Véhicule n° 2');
    await added.get('[data-testid="vehicle-name"]').setValue('Trafic');
    await added.get('[data-testid="vehicle-driverName"]').setValue('Mathilde Roussel');
    await added.get('[data-testid="vehicle-driverPhone"]').setValue('06 39 98 09 51');
    await added.get('[data-testid="vehicle-driverUsername"]').setValue('chauffeur2-doubs');
    await added.get('[data-testid="vehicle-capacity"]').setValue('80');
    await added.get('[data-testid="vehicle-workStart"]').setValue('13:00');
    await added.get('[data-testid="vehicle-workEnd"]').setValue('19:30');
    // No depot to start from: placed on the map.
    await added.get('[data-testid="vehicle-place-start"]').trigger('click');
    await vi.dynamicImportSettled();
    await flushPromises();
    await added.get('[data-testid="vehicle-start-map-click"]').trigger('click');
    expect(added.get('[data-testid="vehicle-start"]').text()).toBe('47.2378, 6.0241');
    // An end of its own: shown once « back to the start » is unticked, placed the same way.
    expect(added.find('[data-testid="vehicle-place-end"]').exists()).toBe(false);
    await added.get('[data-testid="vehicle-endAtStart"]').setValue(false);
    await added.get('[data-testid="vehicle-place-end"]').trigger('click');
    await vi.dynamicImportSettled();
    await flushPromises();
    await added.get('[data-testid="vehicle-end-map-click"]').trigger('click');
    expect(added.get('[data-testid="vehicle-end"]').text()).toBe('47.2378, 6.0241');
    await added.get('[data-testid="vehicle-endAtStart"]').setValue(true);
    expect(added.find('[data-testid="vehicle-end"]').exists()).toBe(false);
    await wrapper.get('[data-testid="service-home"]').setValue('4');
    await wrapper.get('[data-testid="fleet-form"]').trigger('submit');
    await flushPromises();

    const saved = puts(api.calls)[0];
    expect(saved?.path).toBe('/api/gardens/val-du-doubs/fleet');
    const body = saved?.body as Fleet;
    expect(body.version).toBe(3);
    expect(body.serviceMinutes).toEqual({ depot: 10, home: 4 });
    expect(body.vehicles[0]).toMatchObject({ id: 'v-kangoo', driverPhone: '+33612345678' });
    expect(body.vehicles[1]).toEqual({
      id: expect.stringMatching(/^v-[a-z0-9]{8}$/),
      name: 'Trafic',
      driverName: 'Mathilde Roussel',
      driverPhone: '+33639980951',
      driverUsername: 'chauffeur2-doubs',
      capacity: 80,
      start: { lat: 47.2378, lng: 6.0241 },
      workStart: '13:00',
      workEnd: '19:30',
    });
    expect(useToastStore().toasts[0]?.text).toBe('Véhicules et chauffeurs enregistrés.');
  });

  it('says what is wrong beside each field, in French, and sends nothing', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="add-vehicle"]').trigger('click');
    const added = wrapper.findAll('[data-testid="vehicle"]')[1]!;
    await added.get('[data-testid="vehicle-name"]').setValue('Trafic');
    await added.get('[data-testid="vehicle-driverPhone"]').setValue('12 34');
    await added.get('[data-testid="vehicle-capacity"]').setValue('0');
    await added.get('[data-testid="vehicle-workStart"]').setValue('18:00');
    await added.get('[data-testid="vehicle-workEnd"]').setValue('09:00');
    await wrapper.get('[data-testid="fleet-form"]').trigger('submit');
    await flushPromises();

    const text = added.text();
    expect(text).toContain('« Chauffeur » est obligatoire.');
    expect(text).toContain(
      '« Téléphone du chauffeur » n’est pas un numéro valide (exemple : 06 12 34 56 78).',
    );
    expect(text).toContain('« Capacité » doit être au moins 1.');
    expect(added.get('[data-testid="vehicle-start-error"]').text()).toBe(
      'Véhicule « Trafic » : placez le départ sur la carte, ou saisissez sa latitude et sa longitude.',
    );
    expect(added.get('[data-testid="vehicle-driverName"]').attributes('aria-invalid')).toBe('true');
    expect(puts(api.calls)).toEqual([]);

    // Fixed, but the day ends before it starts: the rule the API holds, said beside « Fin de journée ».
    await added.get('[data-testid="vehicle-driverName"]').setValue('Mathilde');
    await added.get('[data-testid="vehicle-driverPhone"]').setValue('');
    await added.get('[data-testid="vehicle-capacity"]').setValue('80');
    await added.get('[data-testid="vehicle-place-start"]').trigger('click');
    await vi.dynamicImportSettled();
    await flushPromises();
    await added.get('[data-testid="vehicle-start-map-click"]').trigger('click');
    await wrapper.get('[data-testid="fleet-form"]').trigger('submit');
    await flushPromises();
    expect(added.text()).toContain(
      'Véhicule « Trafic » : la fin de journée (09:00) doit venir après le début (18:00).',
    );
    expect(puts(api.calls)).toEqual([]);
  });

  it('refuses Circuit without a stored key beside the choice, sending nothing', async () => {
    const { wrapper, api } = await mountPage(gardenAdmin, (call) =>
      call.method === 'GET' && call.path.endsWith('/fleet')
        ? { body: { ...stored, circuitKeyHint: undefined } }
        : undefined,
    );
    expect(wrapper.get('[data-testid="circuit-key-status"]').text()).toBe('Aucune clé enregistrée.');
    await wrapper.get('[data-testid="fleet-optimiser"]').setValue('circuit');
    await wrapper.get('[data-testid="fleet-form"]').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain(
      'Pour optimiser les tournées avec Circuit, enregistrez d’abord la clé d’API Circuit du jardin',
    );
    expect(wrapper.get('[data-testid="fleet-optimiser"]').attributes('aria-invalid')).toBe('true');
    expect(puts(api.calls)).toEqual([]);
  });

  it('stores the Circuit key on its own, then shows only its last four characters', async () => {
    const { wrapper, api } = await mountPage();
    const secret = 'ck_live_7f3a9c2e51d84b06xyz9';
    await wrapper.get('[data-testid="circuit-key-input"]').setValue(secret);
    await wrapper.get('[data-testid="save-circuit-key"]').trigger('click');
    await flushPromises();
    const sent = puts(api.calls);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      path: '/api/gardens/val-du-doubs/fleet/circuit-key',
      body: { key: secret },
    });
    expect(wrapper.get('[data-testid="circuit-key-status"]').text()).toBe('Clé enregistrée (…xyz9).');
    expect(wrapper.get<HTMLInputElement>('[data-testid="circuit-key-input"]').element.value).toBe('');
    expect(document.body.innerHTML).not.toContain(secret);
  });

  it('sends the webhook secret with the key when typed, and names the address Circuit must call', async () => {
    const { wrapper, api } = await mountPage();
    const field = wrapper.get('[data-testid="circuit-key"]');
    expect(field.text()).toContain('/api/circuit/webhook/val-du-doubs');
    await wrapper.get('[data-testid="circuit-key-input"]').setValue('ck_live_7f3a9c2e51d84b06xyz9');
    await wrapper.get('[data-testid="circuit-webhook-secret-input"]').setValue(' whsec-0123456789abcdef ');
    await wrapper.get('[data-testid="save-circuit-key"]').trigger('click');
    await flushPromises();
    expect(puts(api.calls)[0]?.body).toEqual({
      key: 'ck_live_7f3a9c2e51d84b06xyz9',
      webhookSecret: 'whsec-0123456789abcdef',
    });
    expect(wrapper.get<HTMLInputElement>('[data-testid="circuit-webhook-secret-input"]').element.value).toBe(
      '',
    );
  });

  it('removes a vehicle from the fleet', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="remove-vehicle"]').trigger('click');
    expect(wrapper.find('[data-testid="vehicle"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="no-vehicles"]').text()).toContain('Aucun véhicule');
    await wrapper.get('[data-testid="fleet-form"]').trigger('submit');
    await flushPromises();
    expect((puts(api.calls)[0]?.body as Fleet).vehicles).toEqual([]);
  });

  it('lets other staff read the fleet without changing it, and keeps the key out of their sight', async () => {
    const { wrapper } = await mountPage(staffIdentity);
    expect(wrapper.get('[data-testid="fleet-read-only"]').text()).toContain(
      'Seule l’administration du jardin',
    );
    expect(wrapper.get('[data-testid="fleet-fields"]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-testid="save-fleet"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="add-vehicle"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="circuit-key"]').exists()).toBe(false);
  });

  it('reads in English too', async () => {
    const { wrapper } = await mountPage();
    setLocale('en');
    await flushPromises();
    expect(wrapper.get('h1').text()).toBe('Rounds: vehicles and drivers');
    expect(wrapper.get('[data-testid="circuit-key-status"]').text()).toBe('Key stored (…1234).');
    setLocale('fr');
  });
});
