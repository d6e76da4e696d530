import { nextTick } from 'vue';

/** After a refused submit, puts the keyboard on the first field said to be wrong (or the banner). */
export async function focusFirstProblem(root: HTMLElement | null | undefined): Promise<void> {
  await nextTick();
  const target = root?.querySelector<HTMLElement>('[aria-invalid="true"], [data-focus-on-error]');
  target?.focus();
}
