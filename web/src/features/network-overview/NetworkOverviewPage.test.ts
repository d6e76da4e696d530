import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { useSessionStore } from '../../stores/session.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import type { NetworkOverview } from './network-overview-api.ts';
import { giveOpeningReason } from '../../testing/open-garden.ts';
import NetworkOverviewPage from './NetworkOverviewPage.vue';
import { barWidth, chartScale } from './overview-view.ts';

const networkAdmin: Identity = {
  userId: 'u-reseau',
  username: 'reseau',
  name: 'Rémi Réseau',
  roles: ['network-admin'],
};

const overview: NetworkOverview = {
  counts: [
    { gardenId: 'val-du-doubs', running: 12, waitingOnPerson: 3, failed: 1, stuck: 0 },
    { gardenId: 'pays-de-vesoul', running: 4, waitingOnPerson: 0, failed: 0, stuck: 2 },
  ],
  processes: [
    {
      gardenId: 'val-du-doubs',
      workflowId: 'val-du-doubs/subscription/s-1',
      kind: 'subscription',
      state: 'waiting',
      waitingOn: 'staff-approval',
      since: '2026-12-01T08:00:00.000Z',
      waitingForHours: 52,
    },
    {
      gardenId: 'pays-de-vesoul',
      workflowId: 'pays-de-vesoul/billing/2026-11',
      kind: 'billing',
      state: 'stuck',
      since: '2026-12-05T08:00:00.000Z',
      retryingActivity: { name: 'chargeMandate', attempts: 14, since: '2026-12-05T09:00:00.000Z' },
    },
  ],
};

const gardenAnswer = {
  id: 'val-du-doubs',
  name: 'Jardin du Val du Doubs',
  city: 'Besançon',
  contactEmail: 'contact@example.org',
  timeZone: 'Europe/Paris',
  createdAt: '2026-01-01T00:00:00.000Z',
};

async function mountPage(answer: (call: ApiCall) => StubAnswer | undefined = () => undefined) {
  setLocale('fr');
  const pinia = signedIn(networkAdmin);
  const api = stubApi((call) => {
    const given = answer(call);
    if (given) return given;
    if (call.path === '/api/network/overview') {
      const kind = call.query.get('kind');
      return {
        body: kind ? { ...overview, processes: overview.processes.filter((p) => p.kind === kind) } : overview,
      };
    }
    if (call.path === '/api/network/gardens/val-du-doubs/open') return { status: 204 };
    if (call.path === '/api/gardens/val-du-doubs') return { body: gardenAnswer };
    return { body: [] };
  });
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/reseau/vue-d-ensemble');
  const wrapper = mount(NetworkOverviewPage, {
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api, router };
}

describe('« Vue d’ensemble du réseau »', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('draws every bar to one scale, never a figure above zero as nothing', () => {
    expect(chartScale(overview.counts)).toBe(12);
    expect(chartScale([])).toBe(1);
    expect(barWidth(12, 12)).toBe(100);
    expect(barWidth(0, 12)).toBe(0);
    expect(barWidth(1, 1000)).toBe(2);
  });

  it('counts each garden’s processes and lists them, in words screen readers hear too', async () => {
    const { wrapper } = await mountPage();
    const doubs = wrapper.get('[data-garden="val-du-doubs"]');
    expect(doubs.get('[data-testid="count-running"]').text()).toBe('12');
    expect(doubs.get('[data-testid="count-waitingOnPerson"]').text()).toBe('3');
    expect(doubs.get('.visually-hidden').text()).toBe(
      'val-du-doubs : 12 en cours, 3 en attente d’une personne, 1 en échec, 0 bloqués',
    );
    const processes = wrapper.findAll('[data-testid="network-process"]');
    expect(processes).toHaveLength(2);
    expect(processes[0]!.text()).toContain('en attente depuis 52 h');
    expect(processes[0]!.text()).toContain('En attente de la validation d’une demande');
    expect(processes[1]!.text()).toContain('Facturation');
    expect(processes[1]!.get('[data-testid="retrying"]').text()).toContain('chargeMandate : 14 tentatives');
  });

  it('filters the processes through the API, keeping the other kinds to choose back', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="overview-kind"]').setValue('billing');
    await flushPromises();
    await wrapper.get('[data-testid="overview-waiting-on"]').setValue('payment-decision');
    await flushPromises();
    expect(api.calls.at(-1)?.query.toString()).toBe('kind=billing&waitingOn=payment-decision');
    expect(wrapper.findAll('[data-testid="network-process"]')).toHaveLength(1);
    const kinds = wrapper.findAll('[data-testid="overview-kind"] option').map((option) => option.text());
    expect(kinds.slice(0, 3)).toEqual(['Tous', 'Abonnements', 'Paiements']);
  });

  it('reads one garden whose id is typed, every garden again when emptied', async () => {
    const { wrapper, api } = await mountPage();
    const garden = wrapper.get('[data-testid="overview-garden"]');
    expect(wrapper.findAll('datalist option').map((option) => option.attributes('value'))).toEqual([
      'pays-de-vesoul',
      'val-du-doubs',
    ]);
    await garden.setValue(' Val-du-Doubs ');
    await garden.trigger('change');
    await flushPromises();
    expect(api.calls.at(-1)?.query.toString()).toBe('gardenId=val-du-doubs');
    await garden.setValue('');
    await garden.trigger('change');
    await flushPromises();
    expect(api.calls.at(-1)?.query.toString()).toBe('');
  });

  it('says when the list may be short', async () => {
    const { wrapper } = await mountPage((call) =>
      call.path === '/api/network/overview' ? { body: { ...overview, partial: true } } : undefined,
    );
    expect(wrapper.get('[data-testid="overview-partial"]').text()).toContain('incomplets');
  });

  it('asks why before opening a garden, records it, then shows that garden', async () => {
    const { wrapper, api, router } = await mountPage();
    await wrapper.get('[data-testid="open-garden-val-du-doubs"]').trigger('click');
    await flushPromises();
    const dialog = wrapper.get('[data-testid="open-garden-dialog"]');
    // No reason: said, nothing sent.
    await dialog.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="field-error-open-garden-reason"]').text()).toBe(
      'Dites pourquoi vous ouvrez ce jardin.',
    );
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([]);

    await giveOpeningReason(wrapper, 'Ticket 42 : prélèvements bloqués');
    const open = api.calls.find((call) => call.method === 'POST');
    expect(open?.path).toBe('/api/network/gardens/val-du-doubs/open');
    expect(open?.body).toEqual({ reason: 'Ticket 42 : prélèvements bloqués' });
    expect(useSessionStore().gardenId).toBe('val-du-doubs');
    // The staff pages load lazily: the navigation ends once they have.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/equipe'), {
      timeout: 10_000,
    });
  });

  it('stays out of the garden when the API refuses the opening', async () => {
    const { wrapper } = await mountPage((call) =>
      call.method === 'POST' ? { status: 403, body: { error: 'forbidden', message: 'Refusé.' } } : undefined,
    );
    await wrapper.get('[data-testid="open-garden-val-du-doubs"]').trigger('click');
    await giveOpeningReason(wrapper, 'Vérification');
    expect(wrapper.get('[data-testid="open-garden-error"]').text()).toBe('Refusé.');
    expect(useSessionStore().gardenId).toBeUndefined();
  });

  it('is refused to the garden’s staff by the router', async () => {
    signedIn(staffIdentity);
    const { redirectFor } = await import('../../router/index.ts');
    expect(
      redirectFor({
        meta: { area: 'network' },
        name: 'network-overview',
        fullPath: '/reseau/vue-d-ensemble',
        query: {},
      }),
    ).toBe('/equipe');
  });
});
