import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import PendingPage from '../inbox/PendingPage.vue';
import { useInboxStore } from '../inbox/inbox-store.ts';
import { aRound, date } from './round-fixtures.ts';

describe('a day’s routes in the staff inbox', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lists them beside the other approvals, and approves them there (sent to drivers)', async () => {
    setLocale('fr');
    const pinia = signedIn();
    const api = stubApi((call) => {
      if (call.method === 'POST' && call.path.endsWith('/approve'))
        return { body: aRound({ phase: 'distributed' }) };
      return {
        body: {
          items: [
            {
              kind: 'round-approval',
              since: '2026-12-06T10:00:00.000Z',
              round: { date, deadline: '2026-12-07T17:00:00.000Z', stops: 3, unrouted: 1, vehicles: 2 },
            },
          ],
        },
      };
    });
    const router = createRouter({ history: createMemoryHistory(), routes });
    await router.push('/equipe/a-valider');
    const wrapper = mount(PendingPage, {
      global: { plugins: [pinia, i18n, router] },
      attachTo: document.body,
    });
    await flushPromises();

    const card = wrapper.get('[data-testid="inbox-item"][data-kind="round-approval"]');
    expect(card.text()).toContain('Tournées du mardi 8 décembre 2026');
    expect(card.text()).toContain('2 véhicules · 3 arrêts');
    expect(card.text()).toContain('1 arrêt hors tournée');
    expect(card.get('[data-testid="round-link"]').attributes('href')).toBe(`/equipe/tournees/${date}`);
    expect(useInboxStore().awaitingCount).toBe(1);

    await card.get('[data-testid="approve-round"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'POST').map((call) => call.path)).toEqual([
      `/api/gardens/val-du-doubs/rounds/${date}/approve`,
    ]);
    expect(wrapper.find('[data-testid="round-approved"]').exists()).toBe(true);
    expect(useInboxStore().awaitingCount).toBe(0);
  });
});
