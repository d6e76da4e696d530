import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultGardenRules, type GardenRules } from '../../../../domain/garden-rules.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import CalendarPage from './CalendarPage.vue';

const admin: typeof staffIdentity = { ...staffIdentity, roles: ['garden-admin'] };

const calendar = {
  gardenId: 'val-du-doubs',
  updatedAt: '2026-11-20T09:00:00.000Z',
  version: 3,
  cutoffHours: 48,
  closedWeeks: [] as string[],
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
};

/** The garden's calendar, depots and rules as the API answers them. */
function gardenApi() {
  const rules: GardenRules = { ...defaultGardenRules, version: 5 };
  return (call: ApiCall): StubAnswer => {
    if (call.path.endsWith('/calendar')) return { body: calendar };
    if (call.path.endsWith('/rules')) return { body: rules };
    return { body: [] };
  };
}

async function mountPage(identity: typeof staffIdentity) {
  const api = stubApi(gardenApi());
  const wrapper = mount(CalendarPage, {
    // The month grid and the week list have tests of their own.
    global: {
      plugins: [signedIn(identity), i18n],
      stubs: { StaffCalendar: true, WeekList: true, RouterLink: RouterLinkStub },
    },
  });
  await flushPromises();
  return { wrapper, api };
}

describe('the calendar page', () => {
  beforeEach(() => setLocale('fr'));
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('sends to the garden rules for the absence rule, which no longer sits on the calendar', async () => {
    const { wrapper, api } = await mountPage(admin);
    const titles = wrapper.findAll('h2').map((title) => title.text());
    expect(titles).toContain('Saisons et délai');
    expect(titles).not.toContain('Règle des absences');
    expect(wrapper.find('[data-testid="absence-policy-donated"]').exists()).toBe(false);
    const link = wrapper.getComponent<typeof RouterLinkStub>('[data-testid="calendar-rules-link"]');
    expect(link.props('to')).toBe('/equipe/regles');
    expect(link.text()).toContain('voir les règles du jardin');
    expect(api.calls.some((call) => call.method === 'PUT')).toBe(false);
  });
});
