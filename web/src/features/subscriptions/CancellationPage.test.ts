import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { defaultGardenRules } from '../../../../domain/garden-rules.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { aMember, aSubscription, onTuesday24November } from '../../testing/fixtures.ts';
import CancellationPage from './CancellationPage.vue';

const memberIdentity = { ...staffIdentity, roles: ['member' as const], memberId: 'm-0001' };
const subscription = aSubscription({ status: 'active', startDate: '2026-11-03', endDate: '2027-02-28' });

async function mountPage(handler: (call: ApiCall) => StubAnswer) {
  setLocale('fr');
  const pinia = signedIn(memberIdentity);
  const api = stubApi(handler);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(`/adherent/resiliation/${subscription.id}`);
  const wrapper = mount(CancellationPage, {
    props: { id: subscription.id },
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

describe('cancelling online', () => {
  onTuesday24November();

  it('says when it would end by the garden’s notice, then confirms with the time the request was received', async () => {
    const { wrapper, api } = await mountPage((call) => {
      if (call.path.endsWith('/rules')) return { body: defaultGardenRules };
      if (call.path.endsWith('/members/m-0001')) return { body: aMember() };
      if (call.method === 'POST')
        return {
          body: {
            ...subscription,
            revision: 5,
            endDate: '2026-12-08',
            cancellation: {
              by: { userId: 'u-1', name: 'Élodie Bérard' },
              at: '2026-11-24T10:00:12.000Z',
              origin: 'member',
              effectiveDate: '2026-12-08',
            },
          },
        };
      if (call.path.endsWith('/next-deliveries')) return { body: [] };
      return { body: subscription };
    });
    expect(wrapper.get('[data-testid="cancellation-effective-date"]').text()).toBe(
      'Si vous confirmez maintenant, votre abonnement prendra fin le mardi 8 décembre 2026 (préavis de 14 jours prévu par le jardin).',
    );
    expect(wrapper.get('[data-testid="cancellation-screen"]').text()).toContain(
      'vous sera envoyé par e-mail à elodie@example.org',
    );

    await wrapper.get('[data-testid="confirm-cancellation"]').trigger('click');
    await flushPromises();
    expect(api.calls.find((call) => call.method === 'POST')).toMatchObject({
      path: `/api/gardens/val-du-doubs/subscriptions/${subscription.id}/cancellation`,
      body: {},
    });
    expect(wrapper.get('[data-testid="cancellation-received"]').text()).toBe(
      'mardi 24 novembre 2026 à 11:00',
    );
    expect(wrapper.get('[data-testid="cancellation-effective"]').text()).toBe('mardi 8 décembre 2026');
    expect(wrapper.find('[data-testid="confirm-cancellation"]').exists()).toBe(false);
  });

  it('shows the workflow’s refusal and stays on the confirmation', async () => {
    const refusal = 'Cet abonnement est déjà résilié : il prend fin le mardi 8 décembre 2026.';
    const { wrapper } = await mountPage((call) => {
      if (call.path.endsWith('/rules')) return { body: defaultGardenRules };
      if (call.path.endsWith('/members/m-0001')) return { body: aMember() };
      if (call.method === 'POST') return { status: 422, body: { error: 'refused', message: refusal } };
      return { body: subscription };
    });
    await wrapper.get('[data-testid="confirm-cancellation"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="cancellation-problem"]').text()).toBe(refusal);
    expect(wrapper.find('[data-testid="cancellation-confirmed"]').exists()).toBe(false);
  });
});
