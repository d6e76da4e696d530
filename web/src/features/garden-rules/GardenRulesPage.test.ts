import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultGardenRules, type GardenRules } from '../../../../domain/garden-rules.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import GardenRulesPage from './GardenRulesPage.vue';

const admin: typeof staffIdentity = { ...staffIdentity, roles: ['garden-admin'] };

/** The API's rules: saved only over the version it holds. */
function rulesApi(start: GardenRules = { ...defaultGardenRules, version: 2 }) {
  const api = {
    current: start,
    handle: (call: ApiCall): StubAnswer => {
      if (!call.path.endsWith('/rules')) return { body: [] };
      if (call.method === 'GET') return { body: api.current };
      const { version, ...input } = call.body as GardenRules;
      if (version !== api.current.version)
        return { status: 409, body: { error: 'conflict', message: 'Modifié entre-temps.' } };
      api.current = { ...input, version: api.current.version + 1 };
      return { body: api.current };
    },
  };
  return api;
}

async function mountPage(identity = admin, handler: (call: ApiCall) => StubAnswer = rulesApi().handle) {
  setLocale('fr');
  const pinia = signedIn(identity);
  const api = stubApi(handler);
  const wrapper = mount(GardenRulesPage, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, api };
}

const puts = (calls: ApiCall[]) => calls.filter((call) => call.method === 'PUT');

describe('the garden rules page', () => {
  afterEach(() => {
    document.body.innerHTML = '';
    vi.unstubAllGlobals();
  });

  it('shows every rule in the garden’s groups, each with what it does', async () => {
    const { wrapper } = await mountPage();
    expect(wrapper.get('h1').text()).toBe('Règles du jardin');
    expect(wrapper.findAll('legend').map((legend) => legend.text())).toEqual([
      'Absences',
      'Le panier d’un adhérent absent :',
      'Résiliation et renouvellement',
      'À la fin de la saison :',
      'Rappels',
      'Préparation des paniers',
      'Liste d’attente',
      'Journaux',
    ]);
    const max = wrapper.get<HTMLInputElement>('[data-testid="rule-maxAbsencesPerSeason"]');
    expect(max.element.value).toBe('4');
    expect([max.attributes('min'), max.attributes('max')]).toEqual(['0', '52']);
    expect(wrapper.text()).toContain('De 0 à 52.');
    expect(wrapper.get<HTMLInputElement>('[data-testid="absence-policy-donated"]').element.checked).toBe(
      true,
    );
    const day = wrapper.get<HTMLSelectElement>('[data-testid="rule-weekPreparationDay"]');
    expect(day.element.selectedOptions[0]?.textContent).toBe('jeudi');
    const hour = wrapper.get<HTMLSelectElement>('[data-testid="rule-weekPreparationHour"]');
    expect(hour.element.selectedOptions[0]?.textContent).toBe('8 h');
    expect(hour.findAll('option').at(-1)?.text()).toBe('23 h');
    const reminder = wrapper.get<HTMLSelectElement>('[data-testid="rule-dayBeforeReminderHour"]');
    expect(reminder.element.selectedOptions[0]?.textContent).toBe('17 h');
    expect(reminder.findAll('option')[0]?.text()).toBe('Pas de rappel');
    expect(wrapper.get<HTMLInputElement>('[data-testid="rule-waitingList"]').element.checked).toBe(true);
    // Journals are the administrators' until the garden opens them to its staff.
    expect(wrapper.get<HTMLInputElement>('[data-testid="rule-journalForStaff"]').element.checked).toBe(false);
    expect(wrapper.get('[data-testid="rules-journal"]').text()).toContain(
      "L'équipe peut consulter les journaux",
    );
  });

  it('opens the journals to staff when a garden admin ticks the rule', async () => {
    const rules = rulesApi();
    const { wrapper, api } = await mountPage(admin, rules.handle);
    await wrapper.get('[data-testid="rule-journalForStaff"]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(puts(api.calls)).toHaveLength(1);
    expect(rules.current).toEqual({ ...defaultGardenRules, journalForStaff: true, version: 3 });
  });

  it('saves the rules a garden admin changes, and says « Enregistré » until the next change', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="rule-maxAbsencesPerSeason"]').setValue('6');
    await wrapper.get('[data-testid="absence-policy-credited"]').setValue(true);
    await wrapper.get('[data-testid="rule-dayBeforeReminderHour"]').setValue('');
    await wrapper.get('[data-testid="rule-weekPreparationDay"]').setValue('3');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const { dayBeforeReminderHour: _none, ...rest } = defaultGardenRules;
    expect(puts(api.calls).map((call) => call.body)).toEqual([
      { ...rest, maxAbsencesPerSeason: 6, absencePolicy: 'credited', weekPreparationDay: 3, version: 2 },
    ]);
    expect(wrapper.get('[data-testid="rules-saved"]').text()).toBe(
      'Enregistré : les règles du jardin s’appliquent dès maintenant.',
    );
    await wrapper.get('[data-testid="rule-cancellationNoticeDays"]').setValue('20');
    expect(wrapper.find('[data-testid="rules-saved"]').exists()).toBe(false);
  });

  it('refuses a count out of its bounds beside its field, focused, without sending', async () => {
    const { wrapper, api } = await mountPage();
    const max = wrapper.get('[data-testid="rule-maxAbsencesPerSeason"]');
    await max.setValue('60');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(puts(api.calls)).toHaveLength(0);
    expect(wrapper.get(`#${max.attributes('id')}-error`).text()).toBe(
      '« Absences par saison » ne peut pas dépasser 52.',
    );
    expect(max.attributes('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(max.element);
  });

  it('places the API’s refusal beside the rule it names, and one without a rule on top', async () => {
    let answer = 0;
    const { wrapper } = await mountPage(admin, (call) => {
      if (call.method !== 'PUT') return rulesApi().handle(call);
      return answer++ === 0
        ? {
            status: 422,
            body: {
              error: 'invalid',
              message: 'Saisie refusée.',
              issues: [{ field: 'resumeReminderDays', message: 'Trop court pour prévenir.' }],
            },
          }
        : { status: 403, body: { error: 'forbidden', message: 'Réservé à l’administration du jardin.' } };
    });
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const resume = wrapper.get('[data-testid="rule-resumeReminderDays"]');
    expect(wrapper.get(`#${resume.attributes('id')}-error`).text()).toBe('Trop court pour prévenir.');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toContain('Réservé à l’administration du jardin.');
  });

  it('after a colleague’s save, says so and reloads their version keeping what was typed', async () => {
    const api = rulesApi();
    const { wrapper } = await mountPage(admin, api.handle);
    // A colleague saves a longer notice meanwhile.
    api.current = { ...api.current, cancellationNoticeDays: 30, version: 3 };
    await wrapper.get('[data-testid="rule-maxAbsencesPerSeason"]').setValue('6');
    await wrapper.get('[data-testid="rule-waitingList"]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const banner = wrapper.get('[role="alert"]');
    expect(banner.text()).toContain('Quelqu’un d’autre a enregistré les règles entre-temps.');
    // Nothing typed is lost while the banner shows.
    expect(wrapper.get<HTMLInputElement>('[data-testid="rule-maxAbsencesPerSeason"]').element.value).toBe(
      '6',
    );

    await wrapper.get('[data-testid="reload-rules"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.get<HTMLInputElement>('[data-testid="rule-maxAbsencesPerSeason"]').element.value).toBe(
      '6',
    );
    expect(wrapper.get<HTMLInputElement>('[data-testid="rule-waitingList"]').element.checked).toBe(false);
    expect(wrapper.get<HTMLInputElement>('[data-testid="rule-cancellationNoticeDays"]').element.value).toBe(
      '30',
    );
    expect(wrapper.get('[data-testid="rules-kept"]').text()).toBe(
      "Version de votre collègue rechargée. Vos changements sont gardés : Absences par saison, Liste d'attente. Vérifiez, puis enregistrez.",
    );

    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.current).toEqual({
      ...defaultGardenRules,
      cancellationNoticeDays: 30,
      maxAbsencesPerSeason: 6,
      waitingList: false,
      version: 4,
    });
    expect(wrapper.find('[data-testid="rules-saved"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="rules-kept"]').exists()).toBe(false);
  });

  it('shows staff the rules to read, without a way to change them', async () => {
    const { wrapper, api } = await mountPage(staffIdentity);
    expect(wrapper.get('[data-testid="rules-read-only"]').text()).toContain(
      'Ces règles sont fixées par l’administration du jardin',
    );
    expect(wrapper.get('fieldset.read-only-wrapper').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-testid="save-rules"]').exists()).toBe(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(puts(api.calls)).toHaveLength(0);
  });
});
