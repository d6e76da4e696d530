import { ref } from 'vue';
import { gardenDay } from '../../../../domain/calendar.ts';
import { orProblem } from '../../api-client/problems.ts';
import { focusFirstProblem } from '../../forms/focus.ts';
import { placeIssues } from '../../forms/issues.ts';
import { useSessionStore } from '../../stores/session.ts';

/**
 * What the dialogs staff open on an invoice share (a payment received, a decision after a
 * failed collection): the garden's today, the problems beside their fields or in the banner,
 * and the focus on the first one. `submit` takes what the browser's check found, or the write
 * to send; a refusal of the API places its issues among `fields`.
 */
export function useInvoiceDialog() {
  const today = gardenDay(new Date(), useSessionStore().garden?.timeZone || undefined);
  const errors = ref<Record<string, string>>({});
  const banner = ref<string[]>([]);
  const busy = ref(false);
  /** The dialog around the form (ModalDialog exposes its element). */
  const modal = ref<{ element: HTMLDialogElement | undefined }>();

  async function submit(
    checked: { problems: Record<string, string> } | { write: () => Promise<void> },
    fields: readonly string[],
  ): Promise<void> {
    banner.value = [];
    if ('problems' in checked) {
      errors.value = checked.problems;
      await focusFirstProblem(modal.value?.element);
      return;
    }
    errors.value = {};
    busy.value = true;
    try {
      await orProblem(checked.write, async (error) => {
        const placed = placeIssues(error.issues, fields);
        errors.value = placed.byField;
        banner.value = error.issues.length === 0 ? [error.message] : placed.general;
        await focusFirstProblem(modal.value?.element);
      });
    } finally {
      busy.value = false;
    }
  }

  return { today, errors, banner, busy, modal, submit };
}
