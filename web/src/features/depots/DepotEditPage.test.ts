import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Depot, DepotInput } from '../../../../domain/depot.ts';
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

const saintVit: Depot = {
  id: 'd-saint-vit',
  gardenId: 'val-du-doubs',
  name: 'Saint-Vit, mairie',
  address: { street: '1 rue Haute', postalCode: '25410', city: 'Saint-Vit' },
  location: { lat: 47.18, lng: 5.81 },
  deliveryWeekday: 4,
  openingHours: '17 h – 19 h',
  capacity: 30,
  version: 3,
};
const besancon: Depot = {
  ...saintVit,
  id: 'd-besancon',
  name: 'Besançon, marché',
  address: { street: '2 place de la Révolution', postalCode: '25000', city: 'Besançon' },
  version: 1,
};

/** The page of a depot already there; the API answers what `stored` holds, 409 to an older version. */
async function mountDepotPage(stored: Depot[]) {
  setLocale('fr');
  const pinia = signedIn();
  const api = stubApi((call) => {
    if (call.method === 'GET') return { body: stored };
    const { version, ...input } = call.body as DepotInput & { version: number };
    const current = stored.find((depot) => call.path.endsWith(`/${depot.id}`));
    if (!current || current.version !== version)
      return { status: 409, body: { error: 'conflict', message: 'Conflit' } };
    const saved = { ...current, ...input, version: version + 1 };
    stored.splice(stored.indexOf(current), 1, saved);
    return { body: saved };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(`/equipe/depots/${saintVit.id}`);
  const wrapper = mount(DepotEditPage, {
    props: { id: saintVit.id },
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

  it('changes a depot over the version read, and goes back to the list', async () => {
    const { wrapper, api, router } = await mountDepotPage([{ ...saintVit }, { ...besancon }]);
    const name = wrapper.get<HTMLInputElement>('[data-testid="depot-name"]');
    expect(name.element.value).toBe('Saint-Vit, mairie');
    expect(wrapper.get<HTMLInputElement>('[data-testid="depot-lat"]').element.value).toBe('47.18');
    await name.setValue('Saint-Vit, salle des fêtes');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    const changed = api.calls.find((call) => call.method === 'PUT');
    expect(changed?.path).toBe('/api/gardens/val-du-doubs/depots/d-saint-vit');
    expect(changed?.body).toMatchObject({ name: 'Saint-Vit, salle des fêtes', capacity: 30, version: 3 });
    expect(useToastStore().toasts[0]?.text).toBe('Point de dépôt enregistré : Saint-Vit, salle des fêtes.');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/equipe/depots'));
  });

  it('says a colleague changed the depot meanwhile, and « Recharger » starts again from their version', async () => {
    const stored = [{ ...saintVit }, { ...besancon }];
    const { wrapper, api } = await mountDepotPage(stored);
    // A colleague saves version 4 while the form holds version 3.
    stored[0] = { ...saintVit, openingHours: '18 h – 20 h', version: 4 };
    await wrapper.get('[data-testid="depot-capacity-input"]').setValue('35');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(1);
    expect(document.activeElement?.textContent).toContain(
      'Ce point de dépôt a été modifié par quelqu’un d’autre entre-temps',
    );
    expect(useToastStore().toasts).toHaveLength(0);
    await wrapper.get('[data-testid="reload-depot"]').trigger('click');
    await flushPromises();
    expect(wrapper.get<HTMLInputElement>('[data-testid="depot-openingHours"]').element.value).toBe(
      '18 h – 20 h',
    );
    expect(wrapper.get<HTMLInputElement>('[data-testid="depot-capacity-input"]').element.value).toBe('30');
    expect(wrapper.find('[data-testid="reload-depot"]').exists()).toBe(false);

    await wrapper.get('[data-testid="depot-capacity-input"]').setValue('35');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'PUT').at(-1)?.body).toMatchObject({
      openingHours: '18 h – 20 h',
      capacity: 35,
      version: 4,
    });
  });

  it('starts again from the other depot when the page goes from one to another', async () => {
    const { wrapper } = await mountDepotPage([{ ...saintVit }, { ...besancon }]);
    await wrapper.get('[data-testid="depot-name"]').setValue('Saint-Vit, tapé sans enregistrer');
    await wrapper.setProps({ id: besancon.id });
    await flushPromises();
    expect(wrapper.get<HTMLInputElement>('[data-testid="depot-name"]').element.value).toBe(
      'Besançon, marché',
    );
    expect(wrapper.get<HTMLInputElement>('[data-testid="depot-postalCode"]').element.value).toBe('25000');
  });
});
