import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import PendingPage from '../inbox/PendingPage.vue';

const router = () =>
  createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { template: '<p/>' } }],
  });

const stalled = {
  kind: 'incident',
  since: '2026-12-05T08:00:00.000Z',
  incident: {
    key: 'stalled/val-du-doubs/subscription/m-1.2026-12-01/record',
    kind: 'process-stalled',
    summary: "Enregistrer l'abonnement m-1.2026-12-01 : l'opération échoue encore après plusieurs essais.",
    retriesByItself: true,
    canRetry: true,
    occurrences: 3,
    lastSeenAt: '2026-12-05T09:00:00.000Z',
    subscriptionId: 'm-1.2026-12-01',
  },
};
const unplannable = {
  kind: 'incident',
  since: '2026-12-05T08:30:00.000Z',
  incident: {
    key: 'unplannable/m-2.2026-11-03',
    kind: 'subscription-unplannable',
    summary: '<img src=x onerror="window.__xss = 1"> Les paniers de m-2 n’ont pas pu être calculés.',
    retriesByItself: false,
    canRetry: false,
    occurrences: 1,
    lastSeenAt: '2026-12-05T08:30:00.000Z',
    subscriptionId: 'm-2.2026-11-03',
    week: '2026-W50',
  },
};

describe('incidents in the staff inbox', () => {
  beforeEach(() => setLocale('fr'));
  afterEach(() => vi.unstubAllGlobals());

  it('shows each incident in words, links to what it is about, and retries a stalled one', async () => {
    const api = stubApi((call) =>
      call.method === 'POST'
        ? { status: 202, body: { key: stalled.incident.key } }
        : { body: { items: [stalled, unplannable] } },
    );
    const wrapper = mount(PendingPage, { global: { plugins: [signedIn(), i18n, router()] } });
    await flushPromises();
    const cards = wrapper.findAll('[data-kind="incident"]');
    expect(cards).toHaveLength(2);
    expect(cards[0]?.text()).toContain('Un traitement est bloqué');
    expect(cards[0]?.text()).toContain("Enregistrer l'abonnement m-1.2026-12-01");
    expect(cards[0]?.text()).toContain('3 fois');
    expect(cards[1]?.text()).toContain('Un abonnement n’a pas pu être planifié');
    // Text, never markup: a summary is shown as written.
    expect(cards[1]?.find('img').exists()).toBe(false);
    expect(cards[1]?.text()).toContain('<img src=x');
    expect(cards[1]?.find('[data-testid="retry-incident"]').exists()).toBe(false);
    expect(cards[1]?.find('a[href="/equipe/semaines/2026-W50"]').exists()).toBe(true);

    await cards[0]?.get('[data-testid="retry-incident"]').trigger('click');
    await flushPromises();
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.path).toBe('/api/gardens/val-du-doubs/incidents/retry');
    expect(post?.body).toEqual({ key: stalled.incident.key });
    expect(wrapper.get('[data-testid="incident-retry-asked"]').text()).toContain('Relance demandée');
  });
});
