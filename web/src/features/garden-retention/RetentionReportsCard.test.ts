import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import RetentionReportsCard from './RetentionReportsCard.vue';

const report = {
  gardenId: 'jardin-du-val',
  ranAt: '2026-12-06T03:10:00.000Z',
  timeZone: 'Europe/Paris',
  rules: [
    {
      kind: 'notificationLog',
      action: 'delete',
      keepFrom: '2025-12-06',
      removed: 40,
      listed: 0,
      errors: 0,
      problems: [],
      outcome: 'done',
    },
    {
      kind: 'signingSheets',
      action: 'delete',
      keepFrom: '2025-12-06',
      removed: 0,
      listed: 0,
      errors: 0,
      problems: [],
      outcome: 'done',
    },
    {
      kind: 'deliveryRounds',
      action: 'delete',
      keepFrom: '2025-12-06',
      removed: 3,
      listed: 0,
      errors: 1,
      problems: ['ROUND#x'],
      outcome: 'done',
    },
    {
      kind: 'staffActionLog',
      action: 'delete',
      keepFrom: '2025-12-06',
      removed: 0,
      listed: 0,
      errors: 0,
      problems: [],
      outcome: 'failed',
    },
    {
      kind: 'inactiveMember',
      action: 'anonymise',
      keepFrom: '2023-12-06',
      removed: 1,
      listed: 0,
      errors: 0,
      problems: [],
      outcome: 'done',
    },
  ],
};

describe('« Durées de conservation »', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  async function mountCard(reports: unknown[]) {
    setLocale('fr');
    const api = stubApi(() => ({ body: { reports } }));
    const pinia = signedIn({ ...staffIdentity, roles: ['garden-admin'] });
    const wrapper = mount(RetentionReportsCard, { global: { plugins: [pinia, i18n] } });
    await flushPromises();
    return { wrapper, api };
  }

  it('lists each rule with its period, and what the last night did, failures said', async () => {
    const { wrapper, api } = await mountCard([report]);
    expect(api.calls[0]?.path).toContain('/retention-reports');
    const row = (kind: string) => wrapper.get(`tr[data-kind="${kind}"]`).text();
    expect(row('notificationLog')).toContain('1 an après l’envoi, puis suppression');
    expect(row('notificationLog')).toContain('40 supprimés ou anonymisés');
    expect(row('signingSheets')).toContain('rien à faire');
    expect(row('deliveryRounds')).toContain('1 illisible, laissé');
    expect(row('staffActionLog')).toContain('échec : l’équipe est prévenue');
    expect(row('inactiveMember')).toContain('3 ans après la dernière activité, puis anonymisation');
    expect(row('inactiveMember')).toContain('1 supprimé ou anonymisé');
    // A night with no erased member's history due says nothing of it.
    expect(wrapper.find('[data-testid="retention-histories-again"]').exists()).toBe(false);
  });

  it('says how many erased members had their histories purged again, and what is left for next night', async () => {
    const { wrapper } = await mountCard([
      {
        ...report,
        historiesPurgedAgain: {
          members: 2,
          runs: 5,
          errors: 1,
          problems: ['member m-1: down'],
          outcome: 'done',
        },
      },
    ]);
    const line = wrapper.get('[data-testid="retention-histories-again"]').text();
    expect(line).toContain('purgés à nouveau 8 jours après l’effacement : 2 adhérents');
    expect(line).toContain('1 non purgé, retenté la nuit prochaine');
    expect(line).not.toContain('m-1');
  });

  it('says the first run is tonight when there is none yet', async () => {
    const { wrapper } = await mountCard([]);
    expect(wrapper.get('[data-testid="retention-none"]').text()).toContain('cette nuit');
  });
});
