import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import ConfirmButtons from './ConfirmButtons.vue';

const i18n = createI18n({
  legacy: false,
  locale: 'fr',
  messages: { fr: { common: { saving: 'Enregistrement…', cancel: 'Annuler' } } },
});

describe('the confirm and cancel buttons', () => {
  it('sends the form around it, and says « Annuler »', async () => {
    let sent = 0;
    let cancelled = 0;
    const wrapper = mount(
      {
        components: { ConfirmButtons },
        methods: { send: () => (sent += 1), cancel: () => (cancelled += 1) },
        template: `<form @submit.prevent="send"><ConfirmButtons label="Enregistrer" :busy="false" testid="save" @cancel="cancel" /></form>`,
      },
      { global: { plugins: [i18n] }, attachTo: document.body },
    );
    const [confirm, cancel] = wrapper.findAll('button');
    expect(confirm?.attributes('type')).toBe('submit');
    expect(confirm?.attributes('data-testid')).toBe('save');
    expect(confirm?.classes()).toEqual(['btn', 'btn-primary']);
    expect(confirm?.text()).toBe('Enregistrer');
    await confirm?.trigger('click');
    expect(sent).toBe(1);
    expect(cancel?.text()).toBe('Annuler');
    await cancel?.trigger('click');
    expect(cancelled).toBe(1);
    expect(sent).toBe(1);
    wrapper.unmount();
  });

  it('holds both buttons while busy and says so; a button confirm emits confirm', async () => {
    const wrapper = mount(ConfirmButtons, {
      global: { plugins: [i18n] },
      props: { label: 'Valider', busy: false, type: 'button', disabled: true, confirmClass: 'btn-danger' },
    });
    const confirm = () => wrapper.findAll('button')[0];
    const cancel = () => wrapper.findAll('button')[1];
    expect(confirm()?.attributes('type')).toBe('button');
    expect(confirm()?.classes()).toContain('btn-danger');
    // Held for its own reason; « Annuler » stays free.
    expect(confirm()?.attributes('disabled')).toBeDefined();
    expect(cancel()?.attributes('disabled')).toBeUndefined();
    await wrapper.setProps({ disabled: false });
    await confirm()?.trigger('click');
    expect(wrapper.emitted('confirm')).toHaveLength(1);
    await wrapper.setProps({ busy: true, busyLabel: 'Préparation…' });
    expect(confirm()?.text()).toBe('Préparation…');
    expect(confirm()?.attributes('disabled')).toBeDefined();
    expect(cancel()?.attributes('disabled')).toBeDefined();
    await wrapper.setProps({ busyLabel: undefined });
    expect(confirm()?.text()).toBe('Enregistrement…');
  });
});
