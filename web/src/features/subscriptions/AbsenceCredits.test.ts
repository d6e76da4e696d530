import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import AbsenceCredits from './AbsenceCredits.vue';

const by = { by: { userId: 'u-1', name: 'Élodie Bérard' }, at: '2026-11-20T10:00:00Z' };
const credit = (date: string, overrides: object = {}) => ({
  date,
  basketSize: 'medium',
  amount: 1700,
  credited: 0,
  invoices: [],
  pending: 1700,
  due: true,
  ...overrides,
});

async function mountCredits(
  subscription: ReturnType<typeof aSubscription>,
  audience: 'member' | 'staff',
  answer: unknown[],
) {
  setLocale('fr');
  const pinia = signedIn(staffIdentity);
  const api = stubApi((call) => (call.path.endsWith('/absence-credits') ? { body: answer } : { body: [] }));
  const wrapper = mount(AbsenceCredits, {
    props: { subscription, audience },
    global: { plugins: [pinia, i18n] },
  });
  await flushPromises();
  return { wrapper, api };
}

describe('credited absences', () => {
  it('says for each where its credit stands: on which invoice, owed on the next one, or not yet', async () => {
    const subscription = aSubscription({
      absences: [
        { date: '2026-11-10', reported: by, outcome: 'credited' },
        { date: '2026-11-17', reported: by, outcome: 'credited' },
        { date: '2026-12-15', reported: by, outcome: 'credited' },
      ],
    });
    const { wrapper } = await mountCredits(subscription, 'member', [
      credit('2026-11-10', { credited: 1700, pending: 0, invoices: [{ number: 42, label: 'F-000042' }] }),
      credit('2026-11-17'),
      credit('2026-12-15', { due: false }),
    ]);
    const rows = wrapper
      .findAll('[data-testid="absence-credit"]')
      .map((row) => row.text().replace(/\s+/g, ' '));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^Panier du .*10 novembre 2026 — 17,00\s€ crédités sur F-000042$/);
    expect(rows[1]).toMatch(/17,00\s€ à créditer sur votre prochaine facture$/);
    expect(rows[2]).toMatch(/17,00\s€ crédités sur la facture qui suivra ce jour-là$/);
  });

  it('tells staff what the garden owes the member', async () => {
    const subscription = aSubscription({
      absences: [{ date: '2026-11-17', reported: by, outcome: 'credited' }],
    });
    const { wrapper } = await mountCredits(subscription, 'staff', [credit('2026-11-17')]);
    expect(wrapper.get('[data-testid="absence-credit"]').text()).toMatch(
      /17,00\s€ dus à l’adhérent : crédités sur sa prochaine facture/,
    );
  });

  it('asks nothing and shows nothing without a credited absence', async () => {
    const subscription = aSubscription({
      absences: [{ date: '2026-11-17', reported: by, outcome: 'donated' }],
    });
    const { wrapper, api } = await mountCredits(subscription, 'member', []);
    expect(wrapper.find('[data-testid="absence-credits"]').exists()).toBe(false);
    expect(api.calls.filter((call) => call.path.endsWith('/absence-credits'))).toEqual([]);
  });
});
