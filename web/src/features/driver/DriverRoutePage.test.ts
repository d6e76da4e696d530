import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { StopMark } from '../../../../domain/rounds/round.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import { aDriverRoute, date } from '../rounds/round-fixtures.ts';
import DriverRoundsPage from './DriverRoundsPage.vue';
import DriverRoutePage from './DriverRoutePage.vue';
import { queueKey } from './mark-queue.ts';
import type * as photoModule from './photo.ts';

// No canvas here: the photo is "made small" by returning it as it is (photo.test.ts checks the sizes).
vi.mock('./photo.ts', async (original) => ({
  ...(await original<typeof photoModule>()),
  downscalePhoto: async (file: Blob) => new Blob([await file.arrayBuffer()], { type: 'image/jpeg' }),
}));

const driverIdentity = {
  ...staffIdentity,
  userId: 'u-paul',
  username: 'chauffeur-doubs',
  name: 'Paul Roux',
  roles: ['driver' as const],
};
const routePath = `/api/gardens/val-du-doubs/driver/rounds/${date}`;

/** The API a phone reaches, or not (`network`), with the marks it received. */
function driverApi() {
  const state = { network: true };
  const marks: StopMark[] = [];
  const api = stubApi((call: ApiCall) => {
    if (!state.network) throw new TypeError('Failed to fetch');
    if (call.method === 'PUT' && call.path.startsWith(`${routePath}/photos/`))
      return { body: { photoKey: `val-du-doubs/rounds/${date}/photos/${call.path.split('/').pop()}.jpg` } };
    if (call.method === 'POST' && call.path === `${routePath}/marks`) {
      const mark = {
        ...(call.body as StopMark),
        receivedAt: '2026-12-08T17:30:00.000Z',
        by: { userId: 'u-paul', name: 'Paul Roux' },
      };
      const duplicate = marks.some((kept) => kept.markId === mark.markId);
      if (!duplicate) marks.push(mark);
      return { body: { mark, duplicate } };
    }
    if (call.path === routePath) return { body: aDriverRoute({ marks: [...marks] }) };
    if (call.path === '/api/gardens/val-du-doubs/driver/rounds')
      return {
        body: {
          rounds: [
            {
              date: '2026-12-10',
              vehicleId: 'van-1',
              vehicleName: 'Kangoo',
              stops: 3,
              start: 57600,
              end: 64800,
              progress: { delivered: 0, notDelivered: 0, total: 3 },
            },
            {
              date,
              vehicleId: 'van-1',
              vehicleName: 'Kangoo',
              stops: 2,
              start: 57600,
              end: 66300,
              progress: { delivered: 1, notDelivered: 0, total: 2 },
            },
          ],
        },
      };
    return { status: 404, body: { error: 'not_found', message: 'Introuvable.' } };
  });
  return { state, marks, calls: api.calls };
}

async function openRoute() {
  setLocale('fr');
  const pinia = signedIn(driverIdentity);
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(`/chauffeur/${date}`);
  const wrapper = mount(DriverRoutePage, {
    props: { date },
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

const stopCard = (wrapper: Awaited<ReturnType<typeof openRoute>>, stopId: string) =>
  wrapper.get(`[data-testid="driver-stop"][data-stop="${stopId}"]`);

describe('a driver’s route on the phone', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lists the stops in order with what the driver needs at each door', async () => {
    driverApi();
    const wrapper = await openRoute();
    const cards = wrapper.findAll('[data-testid="driver-stop"]');
    expect(cards.map((card) => card.attributes('data-stop'))).toEqual(['depot.d-centre', 'home.s-1']);

    const depot = stopCard(wrapper, 'depot.d-centre');
    expect(depot.text()).toContain('1 place Pasteur, 25000 Besançon');
    expect(depot.text()).toContain('créneau 16:00 – 19:00');
    expect(depot.get('[data-testid="stop-baskets"]').text()).toContain(
      '12 paniers — 4 × Petit panier · 6 × Panier moyen · 2 × Grand panier',
    );
    expect(depot.find('[data-testid="stop-sheet"]').exists()).toBe(true);
    expect(depot.get('[data-testid="stop-call"]').attributes('href')).toBe('tel:+33381000000');

    const home = stopCard(wrapper, 'home.s-1');
    // Names and notes are text, never HTML.
    expect(home.get('h2').text()).toContain('Élodie <b>Bérard</b>');
    expect(home.find('b').exists()).toBe(false);
    expect(home.get('[data-testid="stop-access-notes"]').text()).toBe(
      'Accès : Code 1234, derrière la grange',
    );
    expect(home.get('[data-testid="stop-baskets"]').text()).toContain('pour Élodie <b>Bérard</b>');
    expect(home.get('[data-testid="stop-geo"]').attributes('href')).toMatch(
      /^geo:47\.25,6\.03\?q=47\.25,6\.03\(/,
    );
    expect(home.get('[data-testid="stop-google"]').attributes('href')).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=47.25,6.03',
    );
    expect(home.get('[data-testid="stop-waze"]').attributes('href')).toBe(
      'https://waze.com/ul?ll=47.25,6.03&navigate=yes',
    );
    expect(home.find('[data-testid="stop-sheet"]').exists()).toBe(false);
    expect(document.querySelectorAll('.round-stop-body')).toHaveLength(2);
  });

  it('keeps a mark made offline, with its reason, comment and photo, through a reload, and sends it once when the network is back', async () => {
    const server = driverApi();
    const wrapper = await openRoute();
    server.state.network = false;

    const home = stopCard(wrapper, 'home.s-1');
    await home.get('[data-testid="mark-not-delivered"]').trigger('click');
    await home.get('form').trigger('submit');
    expect(home.get('[data-testid="mark-error"]').text()).toContain('Choisissez pourquoi');
    await home.get('[data-testid="mark-reason-absent"]').setValue(true);
    await home.get('[data-testid="mark-comment"]').setValue('Personne, volets fermés');
    const input = home.get('[data-testid="mark-photo-input"]');
    Object.defineProperty(input.element, 'files', {
      value: [new File([new Uint8Array([255, 216, 255])], 'porte.jpg', { type: 'image/jpeg' })],
    });
    await input.trigger('change');
    await vi.waitFor(() => expect(home.find('[data-testid="mark-photo-preview"]').exists()).toBe(true));
    await home.get('form').trigger('submit');
    await flushPromises();

    expect(stopCard(wrapper, 'home.s-1').attributes('data-state')).toBe('waiting');
    expect(stopCard(wrapper, 'home.s-1').get('[data-testid="stop-waiting"]').text()).toContain(
      'en attente d’envoi',
    );
    expect(wrapper.get('[data-testid="marks-waiting"]').text()).toContain('Pas de réseau');
    expect(server.marks).toEqual([]);

    // The phone reloads the page, still without network: the mark is still there, waiting.
    wrapper.unmount();
    const reloaded = await openRoute();
    expect(reloaded.get('[data-testid="marks-waiting"]').attributes('data-count')).toBe('1');

    // The network comes back: the browser says so, and the mark goes, photo first.
    server.state.network = true;
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(reloaded.find('[data-testid="marks-waiting"]').exists()).toBe(false));
    await flushPromises();
    expect(server.marks).toHaveLength(1);
    const [mark] = server.marks;
    expect(mark).toMatchObject({
      stopId: 'home.s-1',
      outcome: 'not-delivered',
      reason: 'absent',
      comment: 'Personne, volets fermés',
      photoKey: expect.stringMatching(/\/photos\/[0-9a-f-]{36}\.jpg$/) as unknown,
    });
    expect(mark?.markId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const upload = server.calls.find((call) => call.method === 'PUT');
    expect(upload?.path).toBe(`${routePath}/photos/${mark?.markId}`);
    expect(upload?.headers.get('Content-Type')).toBe('image/jpeg');
    expect(stopCard(reloaded, 'home.s-1').attributes('data-state')).toBe('sent');
    expect(stopCard(reloaded, 'home.s-1').get('[data-testid="stop-mark-state"]').text()).toContain(
      'Non livré : absent',
    );
    const kept = Array.from({ length: localStorage.length }, (_, index) => localStorage.key(index)).filter(
      (name) => name?.startsWith(queueKey('val-du-doubs', date)),
    );
    expect(kept).toEqual([]);
  });

  it('marks a stop delivered in one tap, and shows a mark the API refuses with its reason', async () => {
    const server = driverApi();
    const wrapper = await openRoute();
    await stopCard(wrapper, 'depot.d-centre').get('[data-testid="mark-delivered"]').trigger('click');
    await flushPromises();
    expect(server.marks.map((mark) => [mark.stopId, mark.outcome])).toEqual([
      ['depot.d-centre', 'delivered'],
    ]);
    expect(stopCard(wrapper, 'depot.d-centre').attributes('data-state')).toBe('sent');

    vi.unstubAllGlobals();
    stubApi((call) =>
      call.method === 'POST'
        ? {
            status: 409,
            body: { error: 'conflict', message: 'Cette tournée est terminée : la marque n’est plus reçue.' },
          }
        : { body: aDriverRoute() },
    );
    await stopCard(wrapper, 'home.s-1').get('[data-testid="mark-delivered"]').trigger('click');
    await flushPromises();
    const refused = stopCard(wrapper, 'home.s-1');
    expect(refused.attributes('data-state')).toBe('refused');
    expect(refused.get('[data-testid="stop-refused"]').text()).toContain(
      'Marque refusée : Cette tournée est terminée : la marque n’est plus reçue.',
    );
    await refused.get('[data-testid="stop-discard"]').trigger('click');
    await flushPromises();
    expect(stopCard(wrapper, 'home.s-1').attributes('data-state')).toBe('unmarked');
  });

  it('keeps a mark waiting when the API refuses the driver access (403), says why, and sends it once allowed', async () => {
    const server = driverApi();
    const wrapper = await openRoute();
    vi.unstubAllGlobals();
    stubApi((call) =>
      call.method === 'POST'
        ? { status: 403, body: { error: 'forbidden', message: 'Cette page est réservée aux chauffeurs.' } }
        : { body: aDriverRoute() },
    );
    await stopCard(wrapper, 'depot.d-centre').get('[data-testid="mark-delivered"]').trigger('click');
    await flushPromises();
    expect(stopCard(wrapper, 'depot.d-centre').attributes('data-state')).toBe('waiting');
    expect(wrapper.get('[data-testid="marks-waiting"]').text()).toContain(
      'Cette page est réservée aux chauffeurs.',
    );

    vi.unstubAllGlobals();
    const allowed = driverApi();
    await wrapper.get('[data-testid="send-now"]').trigger('click');
    await vi.waitFor(() => expect(allowed.marks.map((mark) => mark.stopId)).toEqual(['depot.d-centre']));
    await flushPromises();
    expect(stopCard(wrapper, 'depot.d-centre').attributes('data-state')).toBe('sent');
    expect(server.marks).toEqual([]);
  });

  it('does not try to send while the phone says it is offline (a refresh of the sign-in would fail and end it)', async () => {
    const server = driverApi();
    const wrapper = await openRoute();
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    try {
      await stopCard(wrapper, 'depot.d-centre').get('[data-testid="mark-delivered"]').trigger('click');
      await flushPromises();
      expect(server.calls.filter((call) => call.method !== 'GET')).toEqual([]);
      expect(stopCard(wrapper, 'depot.d-centre').attributes('data-state')).toBe('waiting');
      expect(wrapper.get('[data-testid="marks-waiting"]').text()).toContain('Pas de réseau');
    } finally {
      onLine.mockRestore();
    }
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(server.marks).toHaveLength(1));
  });

  it('lists the driver’s rounds, today’s first', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-08T07:00:00.000Z'));
    driverApi();
    setLocale('fr');
    const pinia = signedIn(driverIdentity);
    const router = createRouter({ history: createMemoryHistory(), routes });
    await router.push('/chauffeur');
    const wrapper = mount(DriverRoundsPage, { global: { plugins: [pinia, i18n, router] } });
    await flushPromises();
    const rounds = wrapper.findAll('[data-testid="driver-round"]');
    expect(rounds.map((round) => round.attributes('data-date'))).toEqual([date, '2026-12-10']);
    expect(rounds[0]!.text()).toContain('Aujourd’hui');
    expect(rounds[0]!.get('a').attributes('href')).toBe(`/chauffeur/${date}`);
  });
});
