import { flushPromises, type VueWrapper } from '@vue/test-utils';

/** Gives the reason in the open-garden dialog (OpenGardenDialog.vue) and confirms it. */
export async function giveOpeningReason(wrapper: VueWrapper, reason: string): Promise<void> {
  await wrapper.get('[data-testid="open-garden-reason"]').setValue(reason);
  await wrapper.get('[data-testid="open-garden-dialog"] form').trigger('submit');
  await flushPromises();
}
