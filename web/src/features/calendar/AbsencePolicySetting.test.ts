import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defaultGardenRules, type GardenRules } from '../../../../domain/garden-rules.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import AbsencePolicySetting from './AbsencePolicySetting.vue';

const admin: typeof staffIdentity = { ...staffIdentity, roles: ['garden-admin'] };

/** The API's rules: saved only with the version it holds. */
function rulesApi(start: GardenRules = { ...defaultGardenRules, version: 2 }) {
  let current = start;
  return (call: ApiCall): StubAnswer => {
    if (!call.path.endsWith('/rules')) return { body: [] };
    if (call.method === 'GET') return { body: current };
    const { version, ...input } = call.body as GardenRules;
    if (version !== current.version) return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
    current = { ...input, version: current.version + 1 };
    return { body: current };
  };
}

async function mountSetting(identity = admin, handler = rulesApi()) {
  setLocale('fr');
  const pinia = signedIn(identity);
  const api = stubApi(handler);
  const wrapper = mount(AbsencePolicySetting, { global: { plugins: [pinia, i18n] } });
  await flushPromises();
  return { wrapper, api };
}

describe('the absence rule setting', () => {
  it('offers the three rules, credited included, and saves the one a garden admin chooses', async () => {
    const { wrapper, api } = await mountSetting();
    expect(wrapper.text()).toContain('Le panier d’un adhérent absent lui est crédité');
    expect((wrapper.get('[data-testid="absence-policy-donated"]').element as HTMLInputElement).checked).toBe(
      true,
    );
    await wrapper.get('[data-testid="absence-policy-credited"]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const put = api.calls.find((call) => call.method === 'PUT');
    expect(put?.body).toEqual({ ...defaultGardenRules, absencePolicy: 'credited', version: 2 });
    expect(wrapper.get('[data-testid="absence-policy-saved"]').text()).toBe(
      'Règle des absences enregistrée.',
    );
  });

  it('shows staff the rule without letting them change it', async () => {
    const { wrapper } = await mountSetting(staffIdentity);
    expect(wrapper.get('fieldset').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-testid="save-absence-policy"]').exists()).toBe(false);
  });

  it('reads the rules again when someone changed them meanwhile, and says so', async () => {
    let calls = 0;
    const api = rulesApi();
    const { wrapper } = await mountSetting(admin, (call) => {
      // The first save meets a newer version.
      if (call.method === 'PUT' && calls++ === 0)
        return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
      return api(call);
    });
    await wrapper.get('[data-testid="absence-policy-compensated"]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="absence-policy-problem"]').text()).toMatch(/^Quelqu’un a modifié/);
  });
});
