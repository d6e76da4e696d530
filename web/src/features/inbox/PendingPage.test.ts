import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useInboxStore } from './inbox-store.ts';
import { useToastStore } from '../../stores/toasts.ts';
import { deferred, signedIn, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import PendingPage from './PendingPage.vue';
import { decisionDelay } from '../subscriptions/deferred-decisions-store.ts';

/** The timers the delayed decisions run on, under the test's hand (promises still settle). */
const handTimers = () =>
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

type DepotLoad = { active: number; capacity: number };

/** The inbox answer: these applications, each at a depot with the given load. */
const inboxAt = (depotLoad: DepotLoad, ...subscriptions: ReturnType<typeof aSubscription>[]): StubAnswer => ({
  body: {
    items: subscriptions.map((subscription) => ({
      kind: 'subscription-approval',
      since: subscription.requested.at,
      subscription,
      depotLoad,
    })),
  },
});

/** The same at a depot with room (38 / 40). */
const inboxOf = (...subscriptions: ReturnType<typeof aSubscription>[]): StubAnswer =>
  inboxAt({ active: 38, capacity: 40 }, ...subscriptions);

async function mountPage(handler: (call: ApiCall) => StubAnswer | Promise<StubAnswer>) {
  setLocale('fr');
  const pinia = signedIn();
  const api = stubApi(handler);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/a-valider');
  const wrapper = mount(PendingPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api };
}

/** The page over one application, whose decision the API accepts and answers with `decided`. */
const mountOneApplication = (
  decided: ReturnType<typeof aSubscription>['status'],
  depotLoad: DepotLoad = { active: 38, capacity: 40 },
) =>
  mountPage((call) =>
    call.method === 'POST'
      ? { body: aSubscription({ status: decided, revision: 2 }) }
      : inboxAt(depotLoad, aSubscription()),
  );

type Wrapper = Awaited<ReturnType<typeof mountPage>>['wrapper'];
const status = (wrapper: Wrapper) =>
  wrapper.get('[data-testid="subscription-status"]').attributes('data-status');

describe('the staff inbox', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
    sessionStorage.clear();
  });

  it('lists what waits, oldest first, with how full each depot is', async () => {
    const { wrapper, api } = await mountPage(() =>
      inboxOf(
        aSubscription({
          id: 's-old',
          memberName: 'Ancienne',
          requested: { by: { userId: 'u', name: 'A' }, at: '2026-11-01T08:00:00Z' },
        }),
        aSubscription({
          id: 's-new',
          memberName: 'Récente',
          requested: { by: { userId: 'u', name: 'A' }, at: '2026-11-20T08:00:00Z' },
        }),
      ),
    );
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/inbox');
    const items = wrapper.findAll('[data-testid="inbox-item"]');
    expect(items.map((item) => item.attributes('data-subscription-id'))).toEqual(['s-old', 's-new']);
    expect(items[0]?.get('[data-testid="depot-load"]').text()).toBe('Dépôt : 38 / 40');
    expect(wrapper.find('[data-testid="depot-full"]').exists()).toBe(false);
    expect(useInboxStore().awaitingCount).toBe(2);
  });

  it('shows the tier the garden proposed when the household applied, for staff to confirm', async () => {
    const { wrapper } = await mountPage(() =>
      inboxOf(
        aSubscription({
          id: 's-qf',
          solidarityProposal: {
            tierId: 'solidaire',
            basketPrice: 850,
            reason: {
              fr: 'Quotient familial de 640 € (jusqu’à 700 €) : Tarif solidaire.',
              en: 'Quotient familial of €640 (up to €700): Tarif solidaire.',
            },
            quotientFamilial: 640,
            source: 'extension',
            extension: { name: 'quotient-familial', version: '1.0.0' },
          },
        }),
        aSubscription({
          id: 's-full',
          solidarityProposal: {
            tierId: null,
            basketPrice: 1700,
            reason: { fr: 'Tarif plein.', en: 'Full price.' },
            source: 'built-in',
          },
        }),
      ),
    );
    const lines = wrapper.findAll('[data-testid="solidarity-proposal"]');
    // Full price with nothing given says nothing new: no line.
    expect(lines).toHaveLength(1);
    expect(lines[0]?.text()).toBe(
      'Tarif proposé : 8,50\u00a0€ le panier. Quotient familial de 640 € (jusqu’à 700 €) : Tarif solidaire. ' +
        'À confirmer sur la fiche du foyer.',
    );
  });

  it('approves after a few seconds, then rolls back and says why when the API refuses', async () => {
    const answer = deferred<StubAnswer>();
    const { wrapper, api } = await mountPage((call) =>
      call.method === 'POST' ? answer.promise : inboxOf(aSubscription()),
    );
    expect(status(wrapper)).toBe('pending');

    handTimers();
    await wrapper.get('[data-testid="approve-button"]').trigger('click');
    // « Annuler » for a few seconds: nothing sent yet.
    expect(wrapper.get('[data-testid="pending-decision"]').text()).toContain(
      'Validation de Élodie Bérard dans quelques secondes.',
    );
    expect(document.activeElement).toBe(wrapper.get('[data-testid="undo-decision"]').element);
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false);
    await vi.advanceTimersByTimeAsync(decisionDelay);
    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(1);
    expect(status(wrapper)).toBe('active');
    expect(useInboxStore().awaitingCount).toBe(0);

    answer.resolve({
      status: 503,
      body: { error: 'unavailable', message: 'Le traitement ne répond pas pour l’instant.' },
    });
    await flushPromises();
    expect(status(wrapper)).toBe('pending');
    expect(useInboxStore().awaitingCount).toBe(1);
    expect(useToastStore().toasts).toMatchObject([
      { kind: 'error', text: 'Le traitement ne répond pas pour l’instant.' },
    ]);
  });

  it('asks for a reason before rejecting', async () => {
    const { wrapper, api } = await mountOneApplication('rejected');
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

  it('warns when the depot is full, and puts the application on the waiting list', async () => {
    const { wrapper, api } = await mountOneApplication('waitlisted', { active: 40, capacity: 40 });
    expect(wrapper.get('[data-testid="depot-load"]').text()).toBe('Dépôt : 40 / 40');
    expect(wrapper.get('[data-testid="depot-full"]').text()).toContain('Ce point de dépôt est complet');
    handTimers();
    await wrapper.get('[data-testid="waitlist-button"]').trigger('click');
    expect(wrapper.get('[data-testid="pending-decision"]').text()).toContain('liste d’attente');
    await vi.advanceTimersByTimeAsync(decisionDelay);
    await flushPromises();
    expect(api.calls.find((call) => call.method === 'POST')).toMatchObject({
      path: '/api/gardens/val-du-doubs/subscriptions/m-0001.2026-12-01/decision',
      body: { decision: 'waitlist' },
    });
    // Still waiting on staff, now to be approved or rejected when a place frees up.
    expect(status(wrapper)).toBe('waitlisted');
    expect(wrapper.find('[data-testid="waitlist-button"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="approve-button"]').exists()).toBe(true);
    expect(useToastStore().toasts).toMatchObject([
      { kind: 'success', text: 'Demande mise sur liste d’attente : Élodie Bérard.' },
    ]);
  });

  it('takes an approval back with « Annuler »: nothing is sent, the application still waits', async () => {
    const { wrapper, api } = await mountOneApplication('active');
    handTimers();
    await wrapper.get('[data-testid="approve-button"]').trigger('click');
    await vi.advanceTimersByTimeAsync(decisionDelay / 2);
    await wrapper.get('[data-testid="undo-decision"]').trigger('click');
    await vi.advanceTimersByTimeAsync(decisionDelay * 2);
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false);
    expect(status(wrapper)).toBe('pending');
    expect(useInboxStore().awaitingCount).toBe(1);
    expect(document.activeElement).toBe(wrapper.get('[data-testid="approve-button"]').element);
  });

  it('sends a waiting approval at once when the page goes away', async () => {
    const { wrapper, api } = await mountOneApplication('active');
    handTimers();
    await wrapper.get('[data-testid="approve-button"]').trigger('click');
    wrapper.unmount();
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'POST')).toMatchObject([
      { body: { decision: 'approve' } },
    ]);
  });

  it('says on the card that an approval was not sent when the tab went away without a token', async () => {
    // Nobody signed in to Keycloak here: no token in hand as the tab closes.
    const { wrapper, api } = await mountOneApplication('active');
    handTimers();
    await wrapper.get('[data-testid="approve-button"]').trigger('click');
    window.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(decisionDelay * 2);
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false);
    expect(status(wrapper)).toBe('pending');
    expect(wrapper.get('[data-testid="unsent-decision"]').text()).toBe(
      'La validation de Élodie Bérard n’a pas été envoyée : la page a été quittée avant. La demande attend toujours.',
    );
    // Approved again, it waits for « Annuler » as before, and the notice goes.
    await wrapper.get('[data-testid="approve-button"]').trigger('click');
    expect(wrapper.find('[data-testid="unsent-decision"]').exists()).toBe(false);
    await vi.advanceTimersByTimeAsync(decisionDelay);
    expect(api.calls.filter((call) => call.method === 'POST')).toMatchObject([
      { body: { decision: 'approve' } },
    ]);
  });

  it('still says so after a reload of the tab', async () => {
    sessionStorage.setItem(
      'cocagne.deferred-decisions',
      JSON.stringify({ [aSubscription().id]: { decision: 'waitlist' } }),
    );
    const { wrapper } = await mountPage(() => inboxOf(aSubscription()));
    expect(wrapper.get('[data-testid="unsent-decision"]').text()).toContain(
      'La mise sur liste d’attente de Élodie Bérard n’a pas été envoyée',
    );
    expect(status(wrapper)).toBe('pending');
  });

  it('says when nothing waits', async () => {
    const { wrapper } = await mountPage(() => ({ body: { items: [] } }));
    expect(wrapper.get('[data-testid="empty-state"]').text()).toBe(
      'Aucune demande en attente. Tout est à jour.',
    );
  });

  it('lists a week to approve among the applications, and approves it; a refusal is said on the item', async () => {
    let refuse = true;
    const { wrapper, api } = await mountPage((call) => {
      if (call.method === 'POST') {
        return refuse
          ? {
              status: 422,
              body: {
                error: 'refused',
                message: 'Le panier petit de la semaine est vide : composez-le avant de valider.',
              },
            }
          : { body: { phase: 'ready', documents: [{ name: 'recolte.pdf', title: 'Liste de récolte' }] } };
      }
      if (call.path.includes('/weeks/'))
        return { body: { week: '2026-W49', overCapacity: [], absences: 0, documents: [] } };
      return {
        body: {
          items: [
            {
              kind: 'subscription-approval',
              since: '2026-11-20T10:00:00.000Z',
              subscription: aSubscription(),
            },
            {
              kind: 'week-composition',
              since: '2026-11-19T08:00:00.000Z',
              week: {
                week: '2026-W49',
                deadline: '2026-11-28T23:00:00.000Z',
                total: { small: 12, medium: 20, large: 1 },
              },
            },
          ],
        },
      };
    });
    const items = wrapper.findAll('[data-testid="inbox-item"]');
    expect(items.map((item) => item.attributes('data-kind'))).toEqual([
      'week-composition',
      'subscription-approval',
    ]);
    const week = items[0]!;
    expect(week.find('h2').text()).toBe(
      'Composition de la semaine 49 à valider avant le dimanche 29 novembre à 00:00',
    );
    expect(week.get('[data-testid="inbox-week-total"]').text()).toBe(
      'Paniers : 12 petits · 20 moyens · 1 grand',
    );
    expect(week.get('[data-testid="week-link"]').attributes('href')).toBe('/equipe/semaines/2026-W49');
    expect(useInboxStore().awaitingCount).toBe(2);

    await week.get('[data-testid="approve-week"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="approve-error"]').text()).toBe(
      'Le panier petit de la semaine est vide : composez-le avant de valider.',
    );
    expect(useToastStore().toasts).toEqual([]);

    refuse = false;
    await wrapper.get('[data-testid="approve-week"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'POST').map((call) => call.path)).toEqual([
      '/api/gardens/val-du-doubs/weeks/2026-W49/approval',
      '/api/gardens/val-du-doubs/weeks/2026-W49/approval',
    ]);
    expect(wrapper.find('[data-testid="week-approved"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="approve-week"]').exists()).toBe(false);
    expect(useInboxStore().awaitingCount).toBe(1);
  });
});
