import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import TextFieldList from './TextFieldList.vue';

const i18n = createI18n({
  legacy: false,
  locale: 'fr',
  messages: {
    fr: {
      common: { optional: 'facultatif' },
      f: { iban: 'IBAN', ibanHint: 'Celui du jardin', note: 'Note' },
    },
  },
});

describe('a list of text fields from their specs', () => {
  it('gives each field its label, hint, error, id and attributes, and writes back to its key', async () => {
    const form = { iban: 'FR76', note: '' };
    const wrapper = mount(TextFieldList, {
      global: { plugins: [i18n] },
      props: {
        modelValue: form,
        idPrefix: 'x',
        errors: { iban: 'IBAN incomplet' },
        fields: [
          { key: 'iban', label: 'f.iban', hint: 'f.ibanHint', testid: 'the-iban', attrs: { maxlength: 50 } },
          {
            key: 'note',
            id: 'the-note',
            label: 'f.note',
            optional: true,
            wide: true,
            testid: 'note',
            attrs: { rows: 2 },
          },
        ],
      },
    });
    const iban = wrapper.get<HTMLInputElement>('[data-testid="the-iban"]');
    expect(iban.attributes('id')).toBe('x-iban');
    expect(iban.attributes('maxlength')).toBe('50');
    expect(iban.attributes('aria-describedby')).toBe('x-iban-hint x-iban-error');
    expect(wrapper.get('#x-iban-error').text()).toBe('IBAN incomplet');
    expect(wrapper.get('label[for="x-iban"]').text()).toBe('IBAN');
    const note = wrapper.get('[data-testid="note"]');
    expect(note.element.tagName).toBe('TEXTAREA');
    expect(note.attributes('id')).toBe('x-the-note');
    expect(wrapper.get('label[for="x-the-note"]').text()).toContain('(facultatif)');

    await iban.setValue('FR76 3000');
    expect(form.iban).toBe('FR76 3000');
  });
});
