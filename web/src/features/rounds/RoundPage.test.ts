import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, stubApi, type StubHandler } from '../../testing/api-stub.ts';
import type { RoundView } from './rounds-api.ts';
import { aMovedRound, aRound, date } from './round-fixtures.ts';
import RoundPage from './RoundPage.vue';
import WeekRounds from './WeekRounds.vue';

const roundPath = `/api/gardens/val-du-doubs/rounds/${date}`;

async function mountPage(handler: StubHandler) {
  setLocale('fr');
  const pinia = signedIn();
  const api = stubApi(handler);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(`/equipe/tournees/${date}`);
  const wrapper = mount(RoundPage, {
    props: { date },
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

const rowsOf = (wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], vehicleId: string) =>
  wrapper.findAll(`[data-testid="round-vehicle"][data-vehicle="${vehicleId}"] [data-testid="round-stop"]`);

describe('a day’s rounds for staff', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('shows each driver’s table, totals, late stops with their reason, stops left out and what changed', async () => {
    const { wrapper } = await mountPage(() => ({ body: aRound() }));

    const rows = rowsOf(wrapper, 'van-1');
    expect(rows).toHaveLength(2);
    const cells = (index: number) => rows[index]!.findAll('td').map((cell) => cell.text());
    expect(cells(0).slice(0, 5)).toEqual([
      '1',
      'Biocoop Centre',
      '16:10',
      '4 × Petit panier · 6 × Panier moyen · 2 × Grand panier 12 paniers',
      '16:00 – 19:00',
    ]);
    // The member's name is text, never HTML.
    expect(cells(1)[1]).toBe('Élodie <b>Bérard</b>');
    expect(wrapper.find('b').exists()).toBe(false);
    expect(rows[1]!.get('[data-testid="stop-late"]').text()).toContain(
      'en retard de 12 min — Trop d’arrêts avant celui-ci',
    );

    expect(wrapper.get('[data-testid="vehicle-load"]').text()).toBe('13 paniers sur 40');
    expect(wrapper.get('[data-testid="round-totals"]').text()).toBe(
      'En tout : 6,3 km, 25 min de route, 13 paniers pour 40 places.',
    );
    const unrouted = wrapper.get('[data-testid="unrouted-stop"]');
    expect(unrouted.text()).toContain('Marc Petit — pas placé sur la carte');
    expect(unrouted.get('[data-testid="place-member"]').attributes('href')).toBe('/equipe/adherents/m-2');
    expect(wrapper.get('[data-testid="round-changes"]').text()).toContain('Ajouté : Élodie <b>Bérard</b>');

    // One line per vehicle's route on the map, and a numbered marker per placed stop.
    expect(document.querySelectorAll('path.round-line.round-colour-1')).toHaveLength(1);
    expect([...document.querySelectorAll('.round-stop-body')].map((marker) => marker.textContent)).toEqual([
      '1',
      '2',
    ]);
  });

  it('approves the round, and says in words why the API refused', async () => {
    let refuse = true;
    const { wrapper, api } = await mountPage((call) => {
      if (call.method === 'POST' && call.path.endsWith('/approve')) {
        if (refuse)
          return {
            status: 409,
            body: {
              error: 'conflict',
              message: 'Cette tournée n’attend pas de validation : elle est en cours de calcul.',
            },
          };
        return {
          body: aRound({
            phase: 'distributed',
            approval: { by: { userId: 'u-staff', name: 'Claire Martin' }, at: '2026-12-07T09:00:00.000Z' },
          }),
        };
      }
      return { body: aRound() };
    });

    await wrapper.get('[data-testid="approve-round"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="approve-round-error"]').text()).toContain(
      'Cette tournée n’attend pas de validation : elle est en cours de calcul.',
    );

    refuse = false;
    await wrapper.get('[data-testid="approve-round"]').trigger('click');
    await flushPromises();
    const approvals = api.calls.filter((call) => call.path === `${roundPath}/approve`);
    expect(approvals).toHaveLength(2);
    // The plan on screen is the one approved.
    expect(approvals.map((call) => call.query.get('revision'))).toEqual(['2', '2']);
    expect(wrapper.get('[data-testid="round-phase"]').text()).toBe('Envoyée aux chauffeurs');
    expect(wrapper.find('[data-testid="approve-round"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="round-approval"]').text()).toContain('Claire Martin');
  });

  it('moves a stop first on another van and shows the routes the API optimised again', async () => {
    const { wrapper, api } = await mountPage((call) => {
      if (call.method === 'PUT') return { body: aMovedRound() };
      return { body: aRound() };
    });

    await rowsOf(wrapper, 'van-1')[1]!.get('[data-testid="move-stop"]').trigger('click');
    const dialog = wrapper.get('[data-testid="move-stop-dialog"]');
    await dialog.get('select').setValue('van-2');
    await dialog.get('[data-testid="move-stop-first"]').setValue(true);
    await dialog.get('form').trigger('submit');
    await flushPromises();

    const put = api.calls.find((call) => call.method === 'PUT');
    expect(put?.path).toBe(`${roundPath}/pins/home.s-1`);
    expect(put?.body).toEqual({ vehicleId: 'van-2', position: 'first' });
    expect(wrapper.find('[data-testid="move-stop-dialog"]').exists()).toBe(false);
    expect(rowsOf(wrapper, 'van-1')).toHaveLength(1);
    const moved = rowsOf(wrapper, 'van-2');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.get('[data-testid="stop-pinned"]').text()).toBe('Épinglé en premier');
    expect(wrapper.get('[data-testid="round-changes"]').text()).toContain(
      'Changé de véhicule : Élodie <b>Bérard</b>',
    );
  });

  it('once distributed, shows « Livrés X sur Y » and each stop’s mark, read again every 20 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let round: RoundView = aRound({ phase: 'distributed' });
    const { wrapper, api } = await mountPage((call) => {
      if (call.path.includes('/photos/')) return { text: 'jpeg' };
      return { body: round };
    });
    expect(wrapper.get('[data-testid="round-progress"]').text()).toBe('Livrés 0 sur 2');
    expect(wrapper.find('[data-testid="move-stop"]').exists()).toBe(false);

    round = aRound({
      phase: 'distributed',
      progress: { delivered: 1, notDelivered: 1, total: 2 },
      marks: [
        {
          markId: 'mk-1',
          stopId: 'depot.d-centre',
          outcome: 'delivered',
          markedAt: '2026-12-08T15:12:00.000Z',
          receivedAt: '2026-12-08T15:12:01.000Z',
          by: { userId: 'u-paul', name: 'Paul Roux' },
        },
        {
          markId: 'mk-2',
          stopId: 'home.s-1',
          outcome: 'not-delivered',
          reason: 'absent',
          comment: 'Personne, voisin absent aussi',
          photoKey: 'val-du-doubs/rounds/2026-12-08/photos/ph-2.jpg',
          markedAt: '2026-12-08T17:20:00.000Z',
          receivedAt: '2026-12-08T17:40:00.000Z',
          by: { userId: 'u-paul', name: 'Paul Roux' },
        },
      ],
    });
    await vi.advanceTimersByTimeAsync(19_000);
    expect(wrapper.get('[data-testid="round-progress"]').text()).toBe('Livrés 0 sur 2');
    await vi.advanceTimersByTimeAsync(1_000);
    await flushPromises();

    expect(wrapper.get('[data-testid="round-progress"]').text().replace(/\s+/g, ' ')).toBe(
      'Livrés 1 sur 2 · 1 non livré',
    );
    const [depot, home] = rowsOf(wrapper, 'van-1');
    expect(depot!.attributes('data-mark')).toBe('delivered');
    expect(home!.get('[data-testid="stop-mark"]').text()).toContain('✗ Non livré : absent');
    expect(home!.get('[data-testid="stop-mark"]').text()).toContain('Personne, voisin absent aussi');
    expect(api.calls.some((call) => call.path === `${roundPath}/photos/ph-2`)).toBe(true);
  });

  it('plans a day not planned yet, and reads it again until the plan shows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let planned = false;
    let reads = 0;
    const { wrapper, api } = await mountPage((call) => {
      if (call.method === 'POST') return { status: 202, body: { started: true } };
      reads += 1;
      // The workflow writes its first plan a moment after it starts.
      if (!planned || reads < 4)
        return { status: 404, body: { error: 'not_found', message: 'Tournée introuvable.' } };
      return { body: aRound() };
    });
    expect(wrapper.find('[data-testid="round-not-planned"]').exists()).toBe(true);
    planned = true;
    await wrapper.get('[data-testid="plan-round"]').trigger('click');
    await flushPromises();
    expect(api.calls.some((call) => call.method === 'POST' && call.path === `${roundPath}/plan`)).toBe(true);
    expect(wrapper.find('[data-testid="round-planning"]').exists()).toBe(true);

    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    await flushPromises();
    expect(wrapper.find('[data-testid="round-planning"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="round-phase"]').text()).toBe('À valider');
    const readsWhenShown = reads;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads).toBe(readsWhenShown);
  });

  it('lists the week’s days with baskets on the week page, each with its round’s state', async () => {
    setLocale('fr');
    const pinia = signedIn();
    stubApi(() => ({
      body: {
        rounds: [
          {
            date,
            phase: 'distributed',
            stops: 3,
            unrouted: 1,
            vehicles: 2,
            progress: { delivered: 1, notDelivered: 0, total: 2 },
            deadline: '2026-12-07T17:00:00.000Z',
            approved: true,
          },
          {
            date: '2026-12-11',
            phase: 'done',
            stops: 4,
            unrouted: 0,
            vehicles: 1,
            progress: { delivered: 2, notDelivered: 2, total: 4 },
            deadline: '2026-12-10T17:00:00.000Z',
            approved: true,
          },
        ],
        days: ['2026-12-10', date],
      },
    }));
    const router = createRouter({ history: createMemoryHistory(), routes });
    const wrapper = mount(WeekRounds, {
      props: { week: '2026-W50' },
      global: { plugins: [pinia, i18n, router] },
    });
    await flushPromises();
    const days = wrapper.findAll('[data-testid="week-round"]');
    expect(days.map((day) => day.attributes('data-date'))).toEqual([date, '2026-12-10', '2026-12-11']);
    // The day over, its baskets not delivered are said.
    expect(days[2]!.text()).toContain('Livrés 2 sur 4, 2 non livrés');
    expect(days[0]!.text().replace(/\s+/g, ' ')).toContain(
      'Livrés 1 sur 2 · 2 véhicules · 3 arrêts · ⚠ 1 arrêt hors tournée',
    );
    expect(days[1]!.text()).toContain('pas encore calculée');
    expect(days[1]!.get('a').attributes('href')).toBe('/equipe/tournees/2026-12-10');
  });
});
