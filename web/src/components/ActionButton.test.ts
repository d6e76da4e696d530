import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import ActionButton from './ActionButton.vue';

describe('an action button', () => {
  it('shows its sign to the eye only, its label, and what it acts on', async () => {
    const wrapper = mount(ActionButton, {
      props: { sign: '✓', label: '<b>Valider</b>', describedBy: 'week-title' },
      attrs: { class: 'btn btn-primary', 'data-testid': 'approve-week' },
    });
    const button = wrapper.get('[data-testid="approve-week"]');
    expect(button.attributes('type')).toBe('button');
    expect(button.classes()).toEqual(['btn', 'btn-primary']);
    expect(button.attributes('aria-describedby')).toBe('week-title');
    expect(button.attributes('disabled')).toBeUndefined();
    expect(button.get('[aria-hidden="true"]').text()).toBe('✓');
    // A label stays text, never markup.
    expect(button.text()).toBe('✓ <b>Valider</b>');
    await button.trigger('click');
    expect(wrapper.emitted('click')).toHaveLength(1);
  });

  it('is held while busy or disabled, and says its busy label', async () => {
    const wrapper = mount(ActionButton, {
      props: { sign: '↻', label: 'Réessayer', busyLabel: 'Nouvel essai…', busy: true },
      attachTo: document.body,
    });
    expect(wrapper.text()).toBe('↻ Nouvel essai…');
    expect(wrapper.attributes('disabled')).toBeDefined();
    await wrapper.setProps({ busy: false, disabled: true });
    expect(wrapper.text()).toBe('↻ Réessayer');
    expect(wrapper.attributes('disabled')).toBeDefined();
    await wrapper.setProps({ disabled: false });
    (wrapper.vm as unknown as { focus: () => void }).focus();
    expect(document.activeElement).toBe(wrapper.element);
    wrapper.unmount();
  });
});
