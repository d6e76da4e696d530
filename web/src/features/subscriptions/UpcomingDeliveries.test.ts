import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { cutoffOf } from '../../../../domain/delivery-calendar.ts';
import { defaultGardenRules } from '../../../../domain/garden-rules.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { aDepot, aSubscription, onTuesday24November } from '../../testing/fixtures.ts';
import UpcomingDeliveries from './UpcomingDeliveries.vue';

const memberIdentity = { ...staffIdentity, roles: ['member' as const], memberId: 'm-0001' };
const by = { by: { userId: 'u-1', name: 'Élodie Bérard' }, at: '2026-11-20T10:00:00Z' };
const subscription = aSubscription({
  status: 'active',
  startDate: '2026-12-01',
  absences: [{ date: '2026-12-15', reported: by }],
});
const delivery = (date: string, state = 'delivery', baskets = 1) => ({
  date,
  depotId: 'd-centre',
  depotName: 'Biocoop Centre',
  basketSize: 'medium',
  baskets,
  state,
  changeableUntil: cutoffOf(date, 48, 'Europe/Paris').toISOString(),
});
const calendar = {
  gardenId: 'val-du-doubs',
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
  closedWeeks: [],
  cutoffHours: 48,
  version: 1,
  updatedAt: '2026-11-01T00:00:00Z',
};

async function mountList(maxAbsencesPerSeason: number, handler?: (call: ApiCall) => StubAnswer | undefined) {
  setLocale('fr');
  const pinia = signedIn(memberIdentity);
  const api = stubApi((call) => {
    const answer = handler?.(call);
    if (answer) return answer;
    if (call.path.endsWith('/next-deliveries'))
      return {
        body: [
          delivery('2026-12-01'),
          delivery('2026-12-08'),
          delivery('2026-12-15', 'absent', 0),
          delivery('2026-12-22', 'delivery', 2),
        ],
      };
    if (call.path.endsWith('/calendar')) return { body: calendar };
    if (call.path.endsWith('/rules'))
      return { body: { ...defaultGardenRules, maxAbsencesPerSeason, absencePolicy: 'compensated' } };
    return { body: [aDepot()] };
  });
  const wrapper = mount(UpcomingDeliveries, {
    props: { subscription, audience: 'member' },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

describe('coming deliveries', () => {
  onTuesday24November();

  it('shows each day, absent ones as such, two baskets when an absence is made up for, and until when it can change', async () => {
    const { wrapper } = await mountList(4);
    const rows = wrapper.findAll('[data-testid="next-delivery"]');
    expect(rows.map((row) => [row.attributes('data-date'), row.attributes('data-state')])).toEqual([
      ['2026-12-01', 'delivery'],
      ['2026-12-08', 'delivery'],
      ['2026-12-15', 'absent'],
      ['2026-12-22', 'delivery'],
    ]);
    // The last day included, in the words of the iCal feed (domain/change-deadline.ts).
    expect(rows[0]?.get('[data-testid="delivery-deadline"]').text()).toBe(
      "Modifiable jusqu'au samedi 28 novembre inclus",
    );
    expect(rows[2]?.get('[data-testid="delivery-deadline"]').text()).toBe(
      "Modifiable jusqu'au samedi 12 décembre inclus",
    );
    expect(rows[2]?.text()).toContain('Absence signalée');
    expect(rows[3]?.get('[data-testid="extra-baskets"]').text()).toContain('2 paniers (absence compensée)');
  });

  it('says what becomes of an absent day’s basket: « crédité » for a credited absence', async () => {
    const { wrapper } = await mountList(4, (call) =>
      call.path.endsWith('/next-deliveries')
        ? {
            body: [
              delivery('2026-12-01'),
              { ...delivery('2026-12-08', 'absent', 0), outcome: 'credited' },
              { ...delivery('2026-12-15', 'absent', 0), outcome: 'compensated' },
            ],
          }
        : undefined,
    );
    const credited = wrapper.get('[data-date="2026-12-08"]');
    expect(credited.attributes('data-outcome')).toBe('credited');
    expect(credited.text()).toContain('Absence signalée · panier crédité');
    expect(wrapper.get('[data-date="2026-12-15"]').text()).toContain('Absence signalée · panier compensé');
  });

  it('refuses in the browser what the workflow would refuse, without sending', async () => {
    const { wrapper, api } = await mountList(1);
    await wrapper.get('[data-testid="report-absence"]').trigger('click');
    expect(wrapper.find('[data-testid="absence-date-2026-12-15"]').exists()).toBe(false);
    await wrapper.get('[data-testid="absence-date-2026-12-08"]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="absence-problem"]').text()).toBe(
      "Vous avez déjà signalé 1 absence cette saison : c'est le maximum prévu par le jardin.",
    );
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([]);
  });

  it('reports the ticked days, shows them absent, and says so', async () => {
    const { wrapper, api } = await mountList(4, (call) =>
      call.method === 'POST' ? { body: { ...subscription, revision: 3 } } : undefined,
    );
    await wrapper.get('[data-testid="report-absence"]').trigger('click');
    await wrapper.get('[data-testid="absence-date-2026-12-08"]').setValue(true);
    await wrapper.get('[data-testid="confirm-absence"]').trigger('submit');
    expect(wrapper.get('[data-date="2026-12-08"]').attributes('data-state')).toBe('absent');
    await flushPromises();
    expect(api.calls.find((call) => call.method === 'POST')?.body).toEqual({ dates: ['2026-12-08'] });
    expect(wrapper.find('[data-testid="confirm-absence"]').exists()).toBe(false);
  });

  it('offers « Annuler l’absence » on an absent day until its cutoff, and takes it back', async () => {
    const { wrapper, api } = await mountList(4, (call) =>
      call.method === 'DELETE' ? { body: { ...subscription, absences: [], revision: 3 } } : undefined,
    );
    // Only the absent day offers it.
    expect(
      wrapper.findAll('[data-testid^="withdraw-absence-"]').map((button) => button.attributes('data-testid')),
    ).toEqual(['withdraw-absence-2026-12-15']);
    const button = wrapper.get('[data-testid="withdraw-absence-2026-12-15"]');
    expect(button.text()).toBe('Annuler l’absence');
    expect(button.attributes('aria-label')).toBe('Annuler l’absence du mardi 15 décembre 2026');
    await button.trigger('click');
    // Shown at once, before the answer.
    expect(wrapper.get('[data-date="2026-12-15"]').attributes('data-state')).toBe('delivery');
    await flushPromises();
    expect(api.calls.filter((call) => call.method === 'DELETE').map((call) => call.path)).toEqual([
      expect.stringMatching(/\/subscriptions\/[^/]+\/absences\/2026-12-15$/),
    ]);
  });

  it('puts the absence back and says why when taking it back is refused', async () => {
    const refusal =
      "Trop tard : cette absence pouvait être annulée jusqu'au samedi 12 décembre inclus. Le panier de ce jour-là est déjà prévu sans vous.";
    const { wrapper } = await mountList(4, (call) =>
      call.method === 'DELETE' ? { status: 422, body: { error: 'refused', message: refusal } } : undefined,
    );
    await wrapper.get('[data-testid="withdraw-absence-2026-12-15"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-date="2026-12-15"]').attributes('data-state')).toBe('absent');
    expect(wrapper.get('[data-testid="absence-problem"]').text()).toBe(refusal);
  });

  it('no longer offers it once the cutoff has passed', async () => {
    vi.setSystemTime(new Date('2026-12-12T23:00:00Z'));
    const { wrapper } = await mountList(4);
    expect(wrapper.find('[data-testid="withdraw-absence-2026-12-15"]').exists()).toBe(false);
    expect(wrapper.get('[data-date="2026-12-15"] [data-testid="delivery-deadline"]').text()).toBe(
      'Ne peut plus être modifiée',
    );
  });
});
