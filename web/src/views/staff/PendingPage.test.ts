import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { deferred, signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import PendingPage from './PendingPage.vue';

async function mountPage() {
  setLocale('fr');
  const pinia = signedIn();
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/a-valider');
  const wrapper = mount(PendingPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const status = (wrapper: Awaited<ReturnType<typeof mountPage>>) =>
  wrapper.get('[data-testid="subscription-status"]').attributes('data-status');

describe('applications to approve', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('approves at once, then rolls back and says why when the API refuses', async () => {
    const answer = deferred<StubAnswer>();
    stubApi((call) => (call.method === 'POST' ? answer.promise : { body: [aSubscription()] }));
    const wrapper = await mountPage();
    expect(wrapper.findAll('[data-testid="subscription-row"]')).toHaveLength(1);
    expect(status(wrapper)).toBe('pending');

    await wrapper.get('[data-testid="approve-button"]').trigger('click');
    expect(status(wrapper)).toBe('active');

    answer.resolve({
      status: 503,
      body: { error: 'unavailable', message: 'Le traitement ne répond pas pour l’instant.' },
    });
    await flushPromises();
    expect(status(wrapper)).toBe('pending');
    expect(useToastStore().toasts).toMatchObject([
      { kind: 'error', text: 'Le traitement ne répond pas pour l’instant.' },
    ]);
  });

  it('asks for a reason before rejecting', async () => {
    const api = stubApi((call) =>
      call.method === 'POST'
        ? { body: aSubscription({ status: 'rejected', revision: 2 }) }
        : { body: [aSubscription()] },
    );
    const wrapper = await mountPage();
    await wrapper.get('[data-testid="reject-button"]').trigger('click');
    await wrapper.get('[data-testid="reject-reason"]').setValue('no');
    await wrapper.get('[data-testid="confirm-reject"]').trigger('submit');
    expect(wrapper.get('[data-testid="field-error-reason"]').text()).toBe(
      'Indiquez le motif du refus : il sera communiqué à l’adhérent.',
    );
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([]);

    await wrapper.get('[data-testid="reject-reason"]').setValue('Dépôt complet cette saison');
    await wrapper.get('[data-testid="confirm-reject"]').trigger('submit');
    await flushPromises();
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({
      decision: 'reject',
      reason: 'Dépôt complet cette saison',
    });
    // Decided here: it stays in the list, with its new status.
    expect(status(wrapper)).toBe('rejected');
    expect(wrapper.find('[data-testid="approve-button"]').exists()).toBe(false);
  });

  it('says when nothing waits', async () => {
    stubApi(() => ({ body: [] }));
    const wrapper = await mountPage();
    expect(wrapper.get('[data-testid="empty-state"]').text()).toBe(
      'Aucune demande en attente. Tout est à jour.',
    );
  });
});
