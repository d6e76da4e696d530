import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ReadOnlyFieldset from './ReadOnlyFieldset.vue';

describe('a read-only fieldset', () => {
  it('disables every field inside for those who may only read, and none for the others', () => {
    const slots = { default: '<label>Nom <input data-testid="name" /></label>' };
    const reader = mount(ReadOnlyFieldset, {
      props: { readOnly: true },
      attrs: { 'data-testid': 'fields' },
      slots,
      attachTo: document.body,
    });
    const fieldset = reader.get<HTMLFieldSetElement>('[data-testid="fields"]');
    expect(fieldset.element.tagName).toBe('FIELDSET');
    expect(fieldset.element.disabled).toBe(true);
    // The fields sit inside it (Chromium disables them all: the pricing browser test checks it).
    expect(fieldset.find('[data-testid="name"]').exists()).toBe(true);
    reader.unmount();

    const editor = mount(ReadOnlyFieldset, { props: { readOnly: false }, slots });
    expect(editor.get<HTMLFieldSetElement>('fieldset').element.disabled).toBe(false);
  });
});
