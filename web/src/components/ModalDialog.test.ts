import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { i18n } from '../i18n/index.ts';
import ModalDialog from './ModalDialog.vue';

afterEach(() => {
  document.body.innerHTML = '';
});

/** A page with a button that opens a dialog of two fields and a radio group. */
const Page = defineComponent({
  setup() {
    const open = ref(false);
    return () =>
      h('main', { id: 'main', tabindex: -1 }, [
        h('button', { id: 'opener', onClick: () => (open.value = true) }, 'Enregistrer un paiement'),
        open.value
          ? h(
              ModalDialog,
              {
                title: 'Paiement',
                testid: 'dialog',
                confirmLabel: 'Enregistrer',
                confirmTestid: 'confirm',
                onCancel: () => (open.value = false),
                onSubmit: () => (open.value = false),
              },
              () => [
                h('input', { type: 'radio', name: 'method', id: 'card' }),
                h('input', { type: 'radio', name: 'method', id: 'cheque', checked: true }),
                h('input', { id: 'amount' }),
              ],
            )
          : null,
      ]);
  },
});

function press(key: string, shiftKey = false): void {
  document.activeElement!.dispatchEvent(
    new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }),
  );
}

describe('a modal dialog', () => {
  it('keeps Tab inside, from the last stop to the first and back, and gives the focus back to its opener', async () => {
    const wrapper = mount(Page, { attachTo: document.body, global: { plugins: [i18n] } });
    const opener = document.getElementById('opener')!;
    opener.focus();
    await wrapper.find('#opener').trigger('click');
    const dialog = document.querySelector('dialog')!;
    // happy-dom lays nothing out: every element counts as shown.
    for (const element of dialog.querySelectorAll<HTMLElement>('*'))
      element.getClientRects = () => [{}] as never;
    const buttons = [...dialog.querySelectorAll('button')];
    const last = buttons[buttons.length - 1]!;
    last.focus();
    press('Tab');
    // The first stop: the chosen radio button (the other of its group is no stop).
    expect(document.activeElement?.id).toBe('cheque');
    press('Tab', true);
    expect(document.activeElement).toBe(last);

    dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
    await wrapper.vm.$nextTick();
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    wrapper.unmount();
  });

  it('gives the focus to the page’s content when its opener is gone', async () => {
    const wrapper = mount(Page, { attachTo: document.body, global: { plugins: [i18n] } });
    const opener = document.getElementById('opener')!;
    opener.focus();
    await wrapper.find('#opener').trigger('click');
    opener.remove();
    document.querySelector('dialog')!.dispatchEvent(new Event('cancel', { cancelable: true }));
    await wrapper.vm.$nextTick();
    expect(document.activeElement?.id).toBe('main');
    wrapper.unmount();
  });
});
