import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { SignUpField } from '../../../../domain/extensions/sign-up-checks.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { hookAnswers, problemIssues, signUpChecksInput } from './sign-up-answers.ts';
import SignUpExtraFields from './SignUpExtraFields.vue';

const fields: SignUpField[] = [
  {
    key: 'socialBasket',
    kind: 'checkbox',
    required: false,
    label: { fr: 'Panier <b>solidaire</b>', en: 'Solidarity <b>basket</b>' },
    help: { fr: '<img src=x onerror=alert(1)>', en: 'help' },
  },
  { key: 'children', kind: 'number', required: true, label: { fr: 'Enfants', en: 'Children' }, minimum: 0 },
  {
    key: 'source',
    kind: 'choice',
    required: false,
    label: { fr: 'Connu par', en: 'Heard of us' },
    options: [{ value: 'friend', label: { fr: 'Un <i>ami</i>', en: 'A friend' } }],
  },
  {
    key: 'association',
    kind: 'text',
    required: false,
    label: { fr: 'Association', en: 'Association' },
    maxLength: 30,
  },
];

describe('the extension’s extra fields in the application form', () => {
  it('shows the module’s labels, help and options as text, in French, with each problem beside its field', async () => {
    setLocale('fr');
    const wrapper = mount(SignUpExtraFields, {
      props: {
        fields,
        errors: { association: 'Numéro <script>inconnu</script>' },
        idPrefix: 'f',
        modelValue: {},
        'onUpdate:modelValue': (value: Record<string, string | boolean>) =>
          wrapper.setProps({ modelValue: value }),
      },
      global: { plugins: [i18n] },
    });
    expect(wrapper.text()).toContain('Panier <b>solidaire</b>');
    expect(wrapper.text()).toContain('<img src=x onerror=alert(1)>');
    expect(wrapper.text()).toContain('Un <i>ami</i>');
    expect(wrapper.find('b').exists()).toBe(false);
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('i').exists()).toBe(false);
    expect(wrapper.get('[data-testid="field-error-association"]').text()).toBe(
      'Numéro <script>inconnu</script>',
    );
    expect(wrapper.get('[data-testid="signup-extra-association"]').attributes('maxlength')).toBe('30');
    expect(wrapper.get('[data-testid="signup-extra-children"]').attributes('inputmode')).toBe('numeric');

    await wrapper.get('[data-testid="signup-extra-socialBasket"]').setValue(true);
    await wrapper.get('[data-testid="signup-extra-children"]').setValue('2');
    await wrapper.get('[data-testid="signup-extra-source"]').setValue('friend');
    await wrapper.get('[data-testid="signup-extra-association"]').setValue('  CCAS-1  ');
    expect(hookAnswers(fields, wrapper.props('modelValue'))).toEqual({
      socialBasket: true,
      children: 2,
      source: 'friend',
      association: 'CCAS-1',
    });
  });

  it('gives the hook what the form holds so far, without names, and says its problems by the form’s fields', () => {
    const input = signUpChecksInput(
      {
        subscription: { basketSize: 'small', frequency: 'weekly', depotId: '', startDate: 'soon' },
        household: { householdSize: '3', postalCode: '2500', city: ' Besançon ' },
      },
      false,
      { socialBasket: true },
    );
    expect(input).toEqual({
      application: {
        basketSize: 'small',
        frequency: 'weekly',
        alreadyMember: false,
        household: { size: 3, city: 'Besançon' },
      },
      answers: { socialBasket: true },
    });
    expect(
      problemIssues(
        [
          { field: 'household.size', message: { fr: 'Trop de monde.', en: 'Too many.' } },
          { field: '', message: { fr: 'Non.', en: 'No.' } },
        ],
        'en',
      ),
    ).toEqual([
      { field: 'householdSize', message: 'Too many.' },
      { field: '', message: 'No.' },
    ]);
  });
});
