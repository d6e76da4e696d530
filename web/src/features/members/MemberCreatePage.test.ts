import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { aMember } from '../../testing/fixtures.ts';
import MemberCreatePage from './MemberCreatePage.vue';

async function mountPage() {
  setLocale('fr');
  const pinia = signedIn();
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/adherents/nouveau');
  const wrapper = mount(MemberCreatePage, {
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  return { wrapper, router };
}

describe('new member page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('checks the form in the browser and sends nothing while it is wrong', async () => {
    const api = stubApi(() => ({ status: 500 }));
    const { wrapper } = await mountPage();
    await wrapper.get('[data-testid="input-email"]').setValue('pas-un-courriel');
    await wrapper.get('[data-testid="save-member"]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="field-error-firstName"]').text()).toBe('« Prénom » est obligatoire.');
    expect(wrapper.get('[data-testid="field-error-lastName"]').text()).toBe('« Nom » est obligatoire.');
    expect(wrapper.get('[data-testid="field-error-email"]').text()).toBe(
      "« Courriel » n'a pas le bon format.",
    );
    expect(wrapper.get('[data-testid="input-firstName"]').attributes('aria-invalid')).toBe('true');
    expect(api.calls).toEqual([]);
  });

  it("shows the API's refusal beside the field and keeps what was typed", async () => {
    stubApi(() => ({
      status: 400,
      body: {
        error: 'invalid_input',
        message: 'Ce courriel est déjà utilisé.',
        issues: [{ field: 'email', message: 'Ce courriel est déjà utilisé.' }],
      },
    }));
    const { wrapper } = await mountPage();
    await wrapper.get('[data-testid="input-firstName"]').setValue('Élodie');
    await wrapper.get('[data-testid="input-lastName"]').setValue('Bérard');
    await wrapper.get('[data-testid="input-email"]').setValue('elodie@example.org');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="field-error-email"]').text()).toBe('Ce courriel est déjà utilisé.');
    expect((wrapper.get('[data-testid="input-firstName"]').element as HTMLInputElement).value).toBe('Élodie');
    expect((wrapper.get('[data-testid="input-email"]').element as HTMLInputElement).value).toBe(
      'elodie@example.org',
    );
  });

  it('says a refusal without fields in a banner', async () => {
    stubApi(() => ({
      status: 403,
      body: { error: 'forbidden', message: "Votre compte n'a pas le droit de faire cela." },
    }));
    const { wrapper } = await mountPage();
    await wrapper.get('[data-testid="input-firstName"]').setValue('Élodie');
    await wrapper.get('[data-testid="input-lastName"]').setValue('Bérard');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain("Votre compte n'a pas le droit de faire cela.");
  });

  it('omits empty optional fields, then opens the new member with a confirmation', async () => {
    const api = stubApi(() => ({ status: 201, body: aMember({ id: 'm-new' }) }));
    const { wrapper, router } = await mountPage();
    await wrapper.get('[data-testid="input-firstName"]').setValue(' Élodie ');
    await wrapper.get('[data-testid="input-lastName"]').setValue('Bérard');
    await wrapper.get('[data-testid="input-phone"]').setValue('06 12 34 56 78');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    await vi.dynamicImportSettled();
    await flushPromises();
    expect(api.calls[0]?.body).toEqual({ firstName: 'Élodie', lastName: 'Bérard', phone: '+33612345678' });
    expect(router.currentRoute.value.fullPath).toBe('/equipe/adherents/m-new');
    expect(useToastStore().toasts[0]?.text).toBe('Élodie Bérard est enregistré·e.');
  });

  it('lets staff write how the driver reaches the door (access notes) and sends them trimmed', async () => {
    const api = stubApi(() => ({ status: 201, body: aMember({ id: 'm-new' }) }));
    const { wrapper } = await mountPage();
    const field = wrapper.get('[data-testid="input-accessNotes"]');
    expect(wrapper.get('label[for$="-accessNotes"]').text()).toContain('Accès au domicile');
    expect(field.attributes('maxlength')).toBe('500');
    await wrapper.get('[data-testid="input-firstName"]').setValue('Nadia');
    await wrapper.get('[data-testid="input-lastName"]').setValue('Benali');
    await field.setValue('  Code 4521B, derrière la grange ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.calls[0]?.body).toEqual({
      firstName: 'Nadia',
      lastName: 'Benali',
      accessNotes: 'Code 4521B, derrière la grange',
    });
  });

  it('refuses access notes over 500 characters beside the field, sending nothing', async () => {
    const api = stubApi(() => ({ status: 201, body: aMember({ id: 'm-new' }) }));
    const { wrapper } = await mountPage();
    await wrapper.get('[data-testid="input-firstName"]').setValue('Nadia');
    await wrapper.get('[data-testid="input-lastName"]').setValue('Benali');
    // maxlength stops typing, not a paste through a script: the check is the schema's.
    await wrapper.get('[data-testid="input-accessNotes"]').setValue('x'.repeat(501));
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="field-error-accessNotes"]').text()).toBe(
      '« Accès au domicile » ne peut pas dépasser 500 caractères.',
    );
    expect(api.calls).toEqual([]);
  });
});
