import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import LegalDetailsPage from './LegalDetailsPage.vue';

const details = {
  legalName: 'Réseau Cocagne',
  legalForm: 'Association loi 1901',
  siret: '73282932000074',
  address: '2 Grande Rue, 25220 Chalezeule',
  publicationDirector: '',
  host: { name: '', address: '', contact: '' },
  version: 3,
};

describe('« Informations légales » of the network', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it("reads and saves the network's own details, over the version read, for network admins", async () => {
    setLocale('fr');
    const api = stubApi((call) => ({ body: call.method === 'PUT' ? { ...details, version: 4 } : details }));
    const pinia = signedIn({ ...staffIdentity, roles: ['network-admin'], gardenId: undefined });
    const router = createRouter({ history: createMemoryHistory(), routes });
    await router.push('/reseau/pages-du-reseau/informations-legales');
    const wrapper = mount(LegalDetailsPage, {
      props: { scope: 'network' },
      global: { plugins: [pinia, i18n, router] },
      attachTo: document.body,
    });
    await flushPromises();
    expect(api.calls[0]).toMatchObject({ method: 'GET', path: '/api/network/legal-details' });
    const name = wrapper.get('[data-testid="legal-name"]');
    expect((name.element as HTMLInputElement).value).toBe('Réseau Cocagne');
    await name.setValue('Réseau Cocagne (fédération)');
    await wrapper.get('[data-testid="legal-details-form"]').trigger('submit');
    await flushPromises();
    const saved = api.calls.find((call) => call.method === 'PUT');
    expect(saved?.path).toBe('/api/network/legal-details');
    expect(saved?.body).toMatchObject({ legalName: 'Réseau Cocagne (fédération)', version: 3 });
    expect(wrapper.get('a.back-link').attributes('href')).toBe('/reseau/pages-du-reseau');
  });
});
