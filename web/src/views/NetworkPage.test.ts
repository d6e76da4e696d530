import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Identity } from '../api-client/me.ts';
import { i18n, setLocale } from '../i18n/index.ts';
import { routes } from '../router/index.ts';
import { useSessionStore } from '../stores/session.ts';
import { signedIn, stubApi, type ApiCall } from '../testing/api-stub.ts';
import { giveOpeningReason } from '../testing/open-garden.ts';
import NetworkPage from './NetworkPage.vue';

const networkAdmin: Identity = {
  userId: 'u-reseau',
  username: 'reseau',
  name: 'Rémi Réseau',
  roles: ['network-admin'],
};

const garden = {
  id: 'val-du-doubs',
  name: 'Jardin du Val du Doubs',
  city: 'Besançon',
  contactEmail: 'contact@example.org',
  timeZone: 'Europe/Paris',
  createdAt: '2026-01-01T00:00:00.000Z',
};

async function mountPage() {
  setLocale('fr');
  const pinia = signedIn(networkAdmin);
  const api = stubApi((call: ApiCall) => {
    if (call.path === '/api/gardens/val-du-doubs') return { body: garden };
    if (call.path === '/api/gardens/nulle-part') {
      return { status: 404, body: { error: 'not_found', message: 'Jardin introuvable.' } };
    }
    if (call.method === 'POST' && call.path === '/api/network/gardens/val-du-doubs/open')
      return { status: 204 };
    return { body: [] };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/reseau');
  const wrapper = mount(NetworkPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api, router };
}

describe('the network admin opens a garden by its id', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('asks why, records the reason in that garden’s journal, and only then opens it', async () => {
    const { wrapper, api, router } = await mountPage();
    await wrapper.get('[data-testid="input-gardenId"]').setValue(' Val-du-Doubs ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    // Nothing of the garden's people is asked for before the reason.
    expect(useSessionStore().gardenId).toBeUndefined();
    const gardenCalls = () =>
      api.calls
        .filter((call) => call.path.startsWith('/api/gardens/') || call.method !== 'GET')
        .map((call) => `${call.method} ${call.path}`);
    expect(gardenCalls()).toEqual(['GET /api/gardens/val-du-doubs']);

    await giveOpeningReason(wrapper, 'Ticket 51 : un adhérent appelle');
    const open = api.calls.find((call) => call.method === 'POST');
    expect(open?.path).toBe('/api/network/gardens/val-du-doubs/open');
    expect(open?.body).toEqual({ reason: 'Ticket 51 : un adhérent appelle' });
    expect(useSessionStore().gardenId).toBe('val-du-doubs');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/equipe/adherents'), {
      timeout: 10_000,
    });
  });

  it('says so when the garden does not exist, and asks nothing', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="input-gardenId"]').setValue('nulle-part');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('Jardin introuvable.');
    expect(wrapper.find('[data-testid="open-garden-dialog"]').exists()).toBe(false);
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([]);
  });
});
