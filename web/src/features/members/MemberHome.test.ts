import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { aMember } from '../../testing/fixtures.ts';
import MemberHome from './MemberHome.vue';

/** The map stands in as a button that places the point a click on the map would. */
const PointPicker = defineComponent({
  props: { point: { type: Object, default: undefined } },
  emits: ['place'],
  template:
    '<button type="button" data-testid="map-click" @click="$emit(\'place\', { lat: 47.2419, lng: 6.0304 })">map</button>',
});

async function mountHome(member = aMember()) {
  setLocale('fr');
  const pinia = signedIn();
  const wrapper = mount(MemberHome, {
    props: { member, homeDelivery: true },
    global: { plugins: [pinia, i18n], stubs: { PointPicker } },
  });
  await flushPromises();
  return wrapper;
}

describe("a member's home on the map (staff)", () => {
  afterEach(() => vi.unstubAllGlobals());

  it('places a home that was not placed: the point chosen on the map is sent, and said', async () => {
    const placed = aMember({ location: { lat: 47.2419, lng: 6.0304 }, version: 2 });
    const api = stubApi((call) => (call.method === 'PUT' ? { body: placed } : { body: [] }));
    const wrapper = await mountHome();
    expect(wrapper.get('[data-testid="member-home-location"]').text()).toBe('Pas encore placé sur la carte.');
    expect(wrapper.text()).toContain('Cet adhérent est livré à domicile');

    await wrapper.get('[data-testid="place-member-home"]').trigger('click');
    await vi.dynamicImportSettled();
    await flushPromises();
    await wrapper.get('[data-testid="map-click"]').trigger('click');
    await wrapper.get('[data-testid="save-member-home"]').trigger('click');
    await flushPromises();

    const put = api.calls.find((call) => call.method === 'PUT');
    expect(put?.path).toBe('/api/gardens/val-du-doubs/members/m-0001/location');
    expect(put?.body).toEqual({ lat: 47.2419, lng: 6.0304 });
  });

  it('saves nothing before a point is chosen', async () => {
    const api = stubApi(() => ({ body: [] }));
    const wrapper = await mountHome(aMember({ location: { lat: 47.25, lng: 6.02 } }));
    expect(wrapper.get('[data-testid="member-home-location"]').text()).toContain('Placé sur la carte');
    await wrapper.get('[data-testid="place-member-home"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="save-member-home"]').attributes('disabled')).toBeDefined();
    expect(api.calls.filter((call) => call.method === 'PUT')).toEqual([]);
  });
});
