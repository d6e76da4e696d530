import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi, type StubHandler } from '../../testing/api-stub.ts';
import { aMember } from '../../testing/fixtures.ts';
import MyDataPage from './MyDataPage.vue';

const member = aMember({ notes: 'Paie par chèque', email: 'elodie@example.org' });

/** The member's consents as the API answers them (the page's « Mes consentements » card). */
const consents = {
  state: {
    terms: { cgv: { version: 2, acceptedAt: '2026-03-02T09:00:00.000Z' }, confidentialite: null },
    optional: { newsletter: { given: true, at: '2026-03-02T09:00:00.000Z' }, photos: null, sms: null },
  },
  current: { cgv: 2, confidentialite: null },
  mustAccept: [],
  entries: [],
};

async function mountPage(handler: StubHandler) {
  setLocale('fr');
  const api = stubApi((call) => (call.path.endsWith('/consents') ? { body: consents } : handler(call)));
  const pinia = signedIn({
    ...staffIdentity,
    roles: ['member'],
    memberId: member.id,
    email: 'elodie.connexion@example.org',
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/adherent/mes-donnees');
  const wrapper = mount(MyDataPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api };
}

describe('« Mes données »', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows the details, says the sign-in email stays, and saves only what the member may change', async () => {
    const { wrapper, api } = await mountPage((call) =>
      call.method === 'PUT' ? { body: { ...member, phone: '+33711223344', version: 2 } } : { body: member },
    );
    expect(wrapper.get('[data-testid="my-phone-shown"]').text()).toBe('06 12 34 56 78');
    expect(wrapper.get('[data-testid="sign-in-email"]').text()).toContain('elodie.connexion@example.org');
    // Their consents beside: the newsletter given, the CGV accepted in version 2.
    expect((wrapper.get('[data-testid="consent-newsletter"]').element as HTMLInputElement).checked).toBe(
      true,
    );
    expect((wrapper.get('[data-testid="consent-photos"]').element as HTMLInputElement).checked).toBe(false);
    expect(wrapper.get('[data-testid="accepted-cgv"]').text()).toContain('2');
    // Later work (download, erasure) shows nothing until it works.
    expect(wrapper.text()).not.toContain('Supprimer');

    await wrapper.get('[data-testid="edit-details"]').trigger('click');
    await wrapper.get('[data-testid="my-phone"]').setValue('07 11 22 33 44');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    const put = api.calls.find((call) => call.method === 'PUT');
    expect(put?.path).toBe(`/api/gardens/val-du-doubs/members/${member.id}/details`);
    expect(put?.body).toEqual({
      firstName: 'Élodie',
      lastName: 'Bérard',
      email: 'elodie@example.org',
      phone: '07 11 22 33 44',
      address: { street: '3 rue des Lilas', postalCode: '25000', city: 'Besançon' },
      version: 1,
    });
    expect(wrapper.get('[data-testid="details-saved"]').text()).toBe('Vos coordonnées sont enregistrées.');
    expect(wrapper.get('[data-testid="my-phone-shown"]').text()).toBe('07 11 22 33 44');
  });

  it('checks in the browser first, then offers to reload when staff changed the record meanwhile', async () => {
    const { wrapper, api } = await mountPage((call) =>
      call.method === 'PUT'
        ? {
            status: 409,
            body: { error: 'conflict', message: "Quelqu'un d'autre a modifié cette fiche entre-temps." },
          }
        : { body: member },
    );
    await wrapper.get('[data-testid="edit-details"]').trigger('click');
    await wrapper.get('[data-testid="my-lastName"]').setValue('  ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="field-error-lastName"]').text()).toBe('« Nom » est obligatoire.');
    expect(api.calls.filter((call) => call.method === 'PUT')).toEqual([]);

    await wrapper.get('[data-testid="my-lastName"]').setValue('Bérard-Vallet');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain('modifié cette fiche');
    expect(wrapper.find('[data-testid="reload-details"]').exists()).toBe(true);
    expect((wrapper.get('[data-testid="my-lastName"]').element as HTMLInputElement).value).toBe(
      'Bérard-Vallet',
    );

    // Reading it again puts the record as it is now in the form, and the conflict goes.
    const reads = api.calls.filter((call) => call.method === 'GET' && call.path.endsWith(`/${member.id}`));
    await wrapper.get('[data-testid="reload-details"]').trigger('click');
    await flushPromises();
    expect(
      api.calls.filter((call) => call.method === 'GET' && call.path.endsWith(`/${member.id}`)).length,
    ).toBe(reads.length + 1);
    expect((wrapper.get('[data-testid="my-lastName"]').element as HTMLInputElement).value).toBe(
      member.lastName,
    );
    expect(wrapper.find('[data-testid="reload-details"]').exists()).toBe(false);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });
});
