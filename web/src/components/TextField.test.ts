import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import TextField from './TextField.vue';

const i18n = createI18n({
  legacy: false,
  locale: 'fr',
  messages: { fr: { common: { optional: 'facultatif' } } },
});

describe('a labelled text field', () => {
  it('ties its label, hint and error to the input, and passes the other attributes to the input', async () => {
    const wrapper = mount(TextField, {
      global: { plugins: [i18n] },
      props: {
        modelValue: 'FR76',
        'onUpdate:modelValue': (value: string | number | undefined) =>
          wrapper.setProps({ modelValue: value }),
        controlId: 'iban',
        label: '<b>IBAN</b>',
        hint: 'Celui du jardin',
        error: 'IBAN incomplet',
        optional: true,
      },
      attrs: { maxlength: '50', 'data-testid': 'contact-iban' },
    });
    const input = wrapper.get<HTMLInputElement>('[data-testid="contact-iban"]');
    expect(input.element.tagName).toBe('INPUT');
    expect(input.attributes('type')).toBe('text');
    expect(input.attributes('maxlength')).toBe('50');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.attributes('aria-describedby')).toBe('iban-hint iban-error');
    expect(wrapper.get('label').attributes('for')).toBe('iban');
    // A name stays text, never markup.
    expect(wrapper.get('label').text()).toContain('<b>IBAN</b>');
    expect(wrapper.get('label').text()).toContain('(facultatif)');
    // The attributes belong to the input, not to the field around it.
    expect(wrapper.get('.field').attributes()).toEqual({ class: 'field' });
    expect(input.element.value).toBe('FR76');

    await input.setValue('FR76 3000');
    expect(wrapper.props('modelValue')).toBe('FR76 3000');
  });

  it('is a text area when given rows, and an input of another type when asked', () => {
    const area = mount(TextField, {
      global: { plugins: [i18n] },
      props: { modelValue: '', controlId: 'address', label: 'Adresse', rows: 3 },
    });
    expect(area.get('textarea').attributes('rows')).toBe('3');
    expect(area.get('textarea').attributes('aria-invalid')).toBeUndefined();

    const email = mount(TextField, {
      global: { plugins: [i18n] },
      props: { modelValue: '', controlId: 'email', label: 'Courriel' },
      attrs: { type: 'email' },
    });
    expect(email.get('input').attributes('type')).toBe('email');
  });
});
