import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import { createI18n } from 'vue-i18n';
import SelectField from './SelectField.vue';

const i18n = createI18n({
  legacy: false,
  locale: 'fr',
  messages: { fr: { common: { optional: 'facultatif' } } },
});

describe('a labelled choice in a list', () => {
  it('ties its label, hint and error to the select, shows the options given, and passes the other attributes to the select', async () => {
    const wrapper = mount(SelectField<string>, {
      global: { plugins: [i18n] },
      props: {
        modelValue: 'large',
        'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }),
        controlId: 'basket',
        label: '<b>Panier</b>',
        hint: 'Pour deux ou quatre',
        error: 'Choisissez un panier.',
        errorTestid: 'field-error-basket',
      },
      attrs: { 'aria-required': 'true', 'data-testid': 'input-basket' },
      slots: {
        default: () => [h('option', { value: 'small' }, 'Petit'), h('option', { value: 'large' }, 'Grand')],
      },
    });
    const select = wrapper.get<HTMLSelectElement>('[data-testid="input-basket"]');
    expect(select.element.tagName).toBe('SELECT');
    expect(select.attributes('id')).toBe('basket');
    expect(select.attributes('aria-required')).toBe('true');
    expect(select.attributes('aria-invalid')).toBe('true');
    expect(select.attributes('aria-describedby')).toBe('basket-hint basket-error');
    expect(wrapper.get('label').attributes('for')).toBe('basket');
    // A label stays text, never markup.
    expect(wrapper.get('label').text()).toBe('<b>Panier</b>');
    expect(wrapper.get('[data-testid="field-error-basket"]').text()).toBe('Choisissez un panier.');
    // The attributes belong to the select, not to the field around it.
    expect(wrapper.get('.field').attributes()).toEqual({ class: 'field' });
    expect(select.findAll('option').map((option) => option.text())).toEqual(['Petit', 'Grand']);
    expect(select.element.value).toBe('large');

    await select.setValue('small');
    expect(wrapper.props('modelValue')).toBe('small');
  });

  it('says nothing is wrong while there is no error', () => {
    const wrapper = mount(SelectField<string>, {
      global: { plugins: [i18n] },
      props: { modelValue: '', controlId: 'depot', label: 'Point de dépôt', optional: true },
      slots: { default: () => h('option', { value: '' }, 'Choisir…') },
    });
    expect(wrapper.get('select').attributes('aria-invalid')).toBeUndefined();
    expect(wrapper.get('select').attributes('aria-describedby')).toBeUndefined();
    expect(wrapper.get('label').text()).toContain('(facultatif)');
  });
});
