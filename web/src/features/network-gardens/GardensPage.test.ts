import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import GardensPage from './GardensPage.vue';
import type { NetworkGarden, Operation } from './network-gardens-api.ts';

const networkAdmin: Identity = {
  userId: 'u-reseau',
  username: 'reseau',
  name: 'Rémi Réseau',
  roles: ['network-admin'],
};

const doubs: NetworkGarden = {
  id: 'val-du-doubs',
  name: 'Jardin du Val du Doubs',
  city: 'Besançon',
  state: 'active',
  stateLabel: 'Actif',
  url: 'http://localhost:8080/equipe',
  health: { workerUp: true, pendingApprovals: 3, failedWorkflows: 1, failedWithinDays: 30 },
};
const hostile: NetworkGarden = {
  ...doubs,
  id: 'hostile',
  name: '<img src=x onerror=alert(1)>',
  state: 'provisioning',
  stateLabel: 'En création',
  // Temporal could not be read for this one.
  health: { failedWithinDays: 30 },
};

const waiting: Operation = {
  gardenId: 'val-loue',
  operation: 'create',
  state: 'waiting',
  startedAt: '2026-12-06T10:00:00.000Z',
  steps: [
    {
      step: 'reserve',
      label: 'Réserver l’identifiant du jardin',
      state: 'done',
      attempts: 1,
      startedAt: '2026-12-06T10:00:00.000Z',
      endedAt: '2026-12-06T10:00:04.000Z',
    },
    {
      step: 'data',
      label: 'Créer les données et les réglages par défaut',
      state: 'failed',
      attempts: 5,
      startedAt: '2026-12-06T10:00:04.000Z',
      endedAt: '2026-12-06T10:02:09.000Z',
      error: { fr: 'La base de données ne répond pas.', en: 'The database does not answer.' },
    },
    { step: 'configuration', label: 'Sauvegarder la configuration (S3)', state: 'pending', attempts: 0 },
  ],
};

async function mountPage(answer: (call: ApiCall) => { status?: number; body?: unknown } | undefined) {
  setLocale('fr');
  const pinia = signedIn(networkAdmin);
  const api = stubApi((call) => answer(call) ?? { body: [doubs, hostile] });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/reseau/jardins');
  const wrapper = mount(GardensPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api };
}

const writes = (calls: ApiCall[]) => calls.filter((call) => call.method !== 'GET');

async function fillForm(wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper']) {
  await wrapper.get('[data-testid="garden-name-input"]').setValue('Jardin du Val de Loue');
  await wrapper.get('[data-testid="garden-city-input"]').setValue('Ornans');
  await wrapper.get('[data-testid="garden-contact-email-input"]').setValue('contact@loue.example.org');
  await wrapper.get('[data-testid="garden-legal-name-input"]').setValue('Association du Val de Loue');
  await wrapper.get('[data-testid="garden-siret-input"]').setValue('123 456 789 00012');
  await wrapper.get('[data-testid="garden-address-input"]').setValue('3 rue du Moulin, Ornans');
  await wrapper.get('[data-testid="admin-first-name-input"]').setValue('Hélène');
  await wrapper.get('[data-testid="admin-last-name-input"]').setValue('Boucher');
  await wrapper.get('[data-testid="admin-email-input"]').setValue('helene@loue.example.org');
}

describe('« Jardins » (network admin)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lists each garden with its state and health in words, unknown figures said « inconnu », names as text', async () => {
    const { wrapper } = await mountPage(() => undefined);
    expect(wrapper.get('h1').text()).toBe('Jardins');
    const [first, second] = wrapper.findAll('[data-testid="network-garden"]');
    expect(first?.text()).toContain('<img src=x onerror=alert(1)>');
    expect(wrapper.find('[data-testid="gardens"] img').exists()).toBe(false);
    expect(first?.get('[data-testid="garden-state"]').text()).toBe('◔ En création');
    const health = (card: typeof first) =>
      card?.findAll('[data-testid="garden-health"] li').map((line) => line.text());
    expect(health(first)).toEqual([
      '? Worker : inconnu',
      'En attente d’une décision : inconnu',
      'Échecs sur 30 jours : inconnu',
    ]);
    expect(health(second)).toEqual([
      '● Worker en marche',
      'En attente d’une décision : 3',
      'Échecs sur 30 jours : 1',
    ]);
    expect(first?.find('[data-testid="garden-retire"]').exists()).toBe(false);
    expect(second?.find('[data-testid="garden-retire"]').exists()).toBe(true);
  });

  it('suggests the slug from the name, refuses in French beside each field, and sends nothing refused', async () => {
    const { wrapper, api } = await mountPage(() => undefined);
    await wrapper.get('[data-testid="create-garden-open"]').trigger('click');
    await wrapper.get('[data-testid="garden-name-input"]').setValue('Les Jardins de Cocagne du Val de Loue');
    expect((wrapper.get('[data-testid="garden-slug-input"]').element as HTMLInputElement).value).toBe(
      'val-loue',
    );
    await wrapper.get('[data-testid="garden-siret-input"]').setValue('123');
    await wrapper.get('[data-testid="create-garden-form"]').trigger('submit');
    await flushPromises();
    const text = wrapper.get('[data-testid="create-garden-form"]').text();
    expect(text).toContain('« SIRET » doit contenir 14 chiffres (les espaces sont permis).');
    expect(text).toContain("« Courriel de contact pour les adhérents » n'a pas le bon format.");
    expect(text).toContain('« Raison sociale » est obligatoire.');
    expect(text).toContain('« Commune » est obligatoire.');
    expect(writes(api.calls)).toEqual([]);
  });

  it('shows a taken slug beside the field, then the steps once created, with retry and a confirmed roll back', async () => {
    let taken = true;
    const { wrapper, api } = await mountPage((call) => {
      if (call.method === 'POST' && call.path === '/api/network/gardens') {
        if (taken)
          return {
            status: 409,
            body: {
              error: 'duplicate',
              message: 'Un jardin porte déjà cet identifiant : choisissez-en un autre.',
              issues: [
                { field: 'slug', message: 'Un jardin porte déjà cet identifiant : choisissez-en un autre.' },
              ],
            },
          };
        return { status: 202, body: waiting };
      }
      if (call.path.endsWith('/decision')) return { body: { ...waiting, state: 'compensating' } };
      return undefined;
    });
    await wrapper.get('[data-testid="create-garden-open"]').trigger('click');
    await fillForm(wrapper);
    await wrapper.get('[data-testid="create-garden-form"]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="create-garden-form"]').text()).toContain(
      'Un jardin porte déjà cet identifiant : choisissez-en un autre.',
    );
    expect(wrapper.find('[data-testid="operation"]').exists()).toBe(false);

    taken = false;
    await wrapper.get('[data-testid="garden-slug-input"]').setValue('loue');
    await wrapper.get('[data-testid="create-garden-form"]').trigger('submit');
    await flushPromises();
    expect(writes(api.calls).at(-1)?.body).toMatchObject({
      slug: 'loue',
      legal: { siret: '12345678900012' },
      firstAdmin: { firstName: 'Hélène', lastName: 'Boucher', email: 'helene@loue.example.org' },
    });
    expect(wrapper.find('[data-testid="create-garden-form"]').exists()).toBe(false);
    const steps = wrapper.findAll('[data-testid="operation-step"]').map((step) => step.text());
    expect(steps[0]).toContain('✓');
    expect(steps[0]).toContain('Fait');
    expect(steps[0]).toContain('Durée : 4 s');
    expect(steps[1]).toContain('Échec');
    expect(steps[1]).toContain('Durée : 2 min 05 s');
    expect(steps[1]).toContain('Essais : 5');
    expect(steps[1]).toContain('Erreur : La base de données ne répond pas.');
    expect(steps[2]).toContain('À venir');
    expect(wrapper.get('[data-testid="operation-state"]').text()).toContain('En attente de votre décision');

    await wrapper.get('[data-testid="operation-roll-back"]').trigger('click');
    expect(writes(api.calls).filter((call) => call.path.endsWith('/decision'))).toEqual([]);
    expect(wrapper.get('[data-testid="roll-back-confirm"]').text()).toContain('Le jardin ne sera pas créé.');
    await wrapper.get('[data-testid="roll-back-confirm"] form').trigger('submit');
    await flushPromises();
    expect(writes(api.calls).at(-1)).toMatchObject({
      path: '/api/network/gardens/val-loue/operations/create/decision',
      body: { decision: 'roll-back' },
    });
    expect(wrapper.get('[data-testid="operation-state"]').text()).toContain('Annulation en cours');
    wrapper.unmount();
  });

  it('retires a garden only once its slug is typed', async () => {
    const { wrapper, api } = await mountPage((call) =>
      call.path.endsWith('/retirement')
        ? {
            status: 202,
            body: { ...waiting, gardenId: 'val-du-doubs', operation: 'retire', state: 'running', steps: [] },
          }
        : undefined,
    );
    await wrapper.get('[data-garden-id="val-du-doubs"] [data-testid="garden-retire"]').trigger('click');
    await wrapper.get('[data-testid="retire-slug-input"]').setValue('val-du-doub');
    await wrapper.get('[data-testid="retire-dialog"] form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="retire-dialog"]').text()).toContain(
      'Tapez exactement l’identifiant du jardin pour confirmer.',
    );
    expect(writes(api.calls)).toEqual([]);
    await wrapper.get('[data-testid="retire-slug-input"]').setValue('val-du-doubs');
    await wrapper.get('[data-testid="retire-dialog"] form').trigger('submit');
    await flushPromises();
    expect(writes(api.calls).map((call) => call.path)).toEqual([
      '/api/network/gardens/val-du-doubs/retirement',
    ]);
    expect(wrapper.get('[data-testid="operation"] h2').text()).toBe('Retrait du jardin val-du-doubs');
    wrapper.unmount();
  });
});
