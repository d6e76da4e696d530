import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { processingRegister } from '../../../../domain/processing-register.ts';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import ProcessingRegisterPage from './ProcessingRegisterPage.vue';
import { useProcessingRegisterStore } from './register-store.ts';

const networkAdmin: Identity = {
  userId: 'u-reseau',
  username: 'reseau',
  name: 'Rémi Réseau',
  roles: ['network-admin'],
};

async function mountPage(pdfStatus = 200) {
  setLocale('fr');
  const pinia = signedIn(networkAdmin);
  const api = stubApi((call) => {
    if (call.path === '/api/network/processing-register' && call.query.get('format') === 'pdf') {
      if (pdfStatus !== 200)
        return {
          status: pdfStatus,
          body: { error: 'unavailable', message: 'Le registre est indisponible.' },
        };
      return {
        text: '%PDF-1.7',
        headers: {
          'Content-Type': 'application/pdf',
          'Content-Disposition': 'attachment; filename="registre-des-traitements.pdf"',
        },
      };
    }
    if (call.path === '/api/network/processing-register') return { body: processingRegister('fr') };
    return { body: [] };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/reseau/registre-des-traitements');
  const wrapper = mount(ProcessingRegisterPage, {
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

describe('« Registre des activités de traitement »', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows each activity as a table, with its processors named and its transfers', async () => {
    const { wrapper } = await mountPage();
    const billing = wrapper.get('[data-testid="activity-billing-and-payments"]');
    expect(billing.get('h3').text()).toBe('Facturation et paiements');
    const headings = billing.findAll('tbody th').map((th) => th.text());
    expect(headings).toEqual([
      'Finalités',
      'Base légale',
      'Personnes concernées',
      'Catégories de données',
      'Destinataires',
      'Sous-traitants',
      'Transferts hors UE',
      'Durées de conservation',
      'Mesures de sécurité',
    ]);
    expect(billing.text()).toContain('Stripe Payments Europe Ltd');
    expect(billing.text()).toContain('clauses contractuelles types');
    expect(billing.text()).toContain('10 ans');
    expect(wrapper.get('[data-testid="activity-consents"]').text()).toContain('Aucun');
    const processors = wrapper.findAll('[data-testid="register-processors"] tbody tr');
    expect(processors).toHaveLength(5);
  });

  it('downloads the PDF through the request chain, and says when it cannot', async () => {
    // The test's DOM makes no object URLs: the page only needs one to link the file.
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:registre'), revokeObjectURL: vi.fn() });
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="register-pdf"]').trigger('click');
    await flushPromises();
    const pdfCall = api.calls.find((call) => call.query.get('format') === 'pdf');
    expect(pdfCall?.method).toBe('GET');
    expect(wrapper.get('[data-testid="register-pdf-link"]').attributes('href')).toBe('blob:registre');
    expect(wrapper.get('[data-testid="register-pdf-link"]').attributes('download')).toBe(
      'registre-des-traitements.pdf',
    );

    const failing = await mountPage(503);
    const store = useProcessingRegisterStore();
    expect(await store.fetchPdf()).toBeUndefined();
    await flushPromises();
    expect(failing.wrapper.text()).toContain('Le registre est indisponible.');
  });
});
