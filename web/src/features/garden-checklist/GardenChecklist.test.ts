import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import GardenChecklist from './GardenChecklist.vue';

const gardenAdmin: Identity = { ...staffIdentity, roles: ['garden-admin', 'staff'] };

/** A garden as its creation leaves it: no season, depot nor product, default prices, its first admin alone. */
const newGarden: Record<string, StubAnswer> = {
  calendar: { body: { gardenId: 'val-du-doubs', seasons: [], closedWeeks: [], cutoffHours: 48, version: 1 } },
  depots: { body: [] },
  pricing: { body: { version: 1 } },
  products: { body: [] },
  team: { body: [{ id: 'u-admin' }] },
};

async function mountChecklist(identity: Identity, answers: Record<string, StubAnswer>) {
  setLocale('fr');
  const pinia = signedIn(identity);
  const api = stubApi((call) => answers[call.path.split('/').pop() ?? ''] ?? { status: 404, body: {} });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe');
  const wrapper = mount(GardenChecklist, { global: { plugins: [pinia, i18n, router] } });
  await flushPromises();
  return { wrapper, api };
}

const items = (wrapper: Awaited<ReturnType<typeof mountChecklist>>['wrapper']) =>
  wrapper.findAll('[data-testid="checklist-item"]').map((item) =>
    item
      .findAll('span, a')
      .map((part) => part.text())
      .join(' '),
  );

describe('the new garden’s checklist', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists what an empty garden lacks, each with its page, in words and signs', async () => {
    const { wrapper } = await mountChecklist(gardenAdmin, newGarden);
    expect(wrapper.get('h2').text()).toBe('Pour bien démarrer');
    expect(wrapper.text()).toContain('Reste à faire : 5.');
    expect(items(wrapper)).toEqual([
      '○ Le calendrier : les saisons de livraison À faire',
      '○ Les points de dépôt À faire',
      '○ Les prix des paniers et l’adhésion À faire',
      '○ Les produits (légumes et fruits des paniers) À faire',
      '○ Les comptes de l’équipe et des chauffeurs À faire',
    ]);
    expect(wrapper.findAll('a').map((link) => link.attributes('href'))).toEqual([
      '/equipe/calendrier',
      '/equipe/depots',
      '/equipe/facturation/tarifs',
      '/equipe/produits',
      '/equipe/equipe-du-jardin',
    ]);
  });

  it('ticks what is done, and is gone once everything is', async () => {
    const halfway = {
      ...newGarden,
      depots: { body: [{ id: 'd-centre' }] },
      pricing: { body: { version: 2 } },
    };
    const { wrapper } = await mountChecklist(gardenAdmin, halfway);
    expect(items(wrapper)[1]).toBe('✓ Les points de dépôt Fait');
    expect(items(wrapper)[2]).toBe('✓ Les prix des paniers et l’adhésion Fait');
    expect(wrapper.text()).toContain('Reste à faire : 3.');

    const ready = {
      calendar: { body: { seasons: [{ id: '2026-2027' }], version: 2 } },
      depots: { body: [{ id: 'd-centre' }] },
      // A garden older than provisioning: its prices were never a creation's defaults.
      pricing: { body: { version: 0 } },
      products: { body: [{ id: 'p-carottes' }] },
      team: { body: [{ id: 'u-admin' }, { id: 'u-staff' }] },
    };
    const done = await mountChecklist(gardenAdmin, ready);
    expect(done.wrapper.find('[data-testid="garden-checklist"]').exists()).toBe(false);
  });

  it('shows nothing when a read fails, nor to staff who are not administrators', async () => {
    const failing = await mountChecklist(gardenAdmin, {
      ...newGarden,
      products: { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } },
    });
    expect(failing.wrapper.find('[data-testid="garden-checklist"]').exists()).toBe(false);

    const staff = await mountChecklist(staffIdentity, newGarden);
    expect(staff.wrapper.find('[data-testid="garden-checklist"]').exists()).toBe(false);
    expect(staff.api.calls).toEqual([]);
  });
});
