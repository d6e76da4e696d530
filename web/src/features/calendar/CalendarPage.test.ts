import { flushPromises, mount } from '@vue/test-utils';
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

/** The garden's calendar, depots and rules as the API answers them (rules saved with their version). */
function gardenApi() {
  let rules: GardenRules = { ...defaultGardenRules, version: 5 };
  return (call: ApiCall): StubAnswer => {
    if (call.path.endsWith('/calendar')) return { body: calendar };
    if (call.path.endsWith('/rules')) {
      if (call.method === 'GET') return { body: rules };
      const { version, ...input } = call.body as GardenRules;
      if (version !== rules.version) return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
      rules = { ...input, version: rules.version + 1 };
      return { body: rules };
    }
    return { body: [] };
  };
}

async function mountPage(identity: typeof staffIdentity) {
  const api = stubApi(gardenApi());
  const wrapper = mount(CalendarPage, {
    // The month grid and the week list have tests of their own.
    global: { plugins: [signedIn(identity), i18n], stubs: { StaffCalendar: true, WeekList: true } },
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

  it('holds the absence rule after the seasons, where a garden admin chooses « crédité » and saves it', async () => {
    const { wrapper, api } = await mountPage(admin);
    const titles = wrapper.findAll('h2').map((title) => title.text());
    expect(titles.indexOf('Saisons et délai')).toBeGreaterThan(-1);
    expect(titles.indexOf('Règle des absences')).toBe(titles.indexOf('Saisons et délai') + 1);
    const setting = wrapper.get('[data-testid="absence-policy-setting"]');
    expect(setting.text()).toContain(
      'Le panier d’un adhérent absent lui est crédité : son prix est déduit de sa prochaine facture.',
    );

    await setting.get('[data-testid="absence-policy-credited"]').setValue(true);
    await setting.get('form').trigger('submit');
    await flushPromises();
    const put = api.calls.find((call) => call.method === 'PUT');
    expect(put?.path).toBe('/api/gardens/val-du-doubs/rules');
    expect(put?.body).toEqual({ ...defaultGardenRules, absencePolicy: 'credited', version: 5 });
    expect(setting.get('[data-testid="absence-policy-saved"]').text()).toBe(
      'Règle des absences enregistrée.',
    );
  });

  it('shows staff the rule the garden chose, without a way to change it', async () => {
    const { wrapper } = await mountPage(staffIdentity);
    const setting = wrapper.get('[data-testid="absence-policy-setting"]');
    expect(setting.get<HTMLInputElement>('[data-testid="absence-policy-donated"]').element.checked).toBe(
      true,
    );
    expect(setting.get('fieldset').attributes('disabled')).toBeDefined();
    expect(setting.find('[data-testid="save-absence-policy"]').exists()).toBe(false);
  });
});
