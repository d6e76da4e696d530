import { ref } from 'vue';
import { gardenDay } from '../../../../domain/calendar.ts';
import type { ManualPaymentInput } from '../../../../domain/invoices.ts';
import { orProblem } from '../../api-client/problems.ts';
import { focusFirstProblem } from '../../forms/focus.ts';
import { placeIssues } from '../../forms/issues.ts';
import { currentLocale } from '../../i18n/index.ts';
import { useSessionStore } from '../../stores/session.ts';
import type { InvoiceView } from './billing-api.ts';
import {
  checkPaymentForm,
  emptyPaymentForm,
  paymentFormFields,
  type PaymentFormModel,
} from './payment-form.ts';

/**
 * What the dialogs staff open on an invoice share (a payment received, a decision after a
 * failed collection): the garden's today, the payment typed (a cheque for what is still due,
 * received today, to start with) and its check, the problems beside their fields or in the
 * banner, and the focus on the first one. `send` takes what the browser's check found, or
 * the write to send; a refusal of the API places its issues among `fields`.
 */
export function useInvoiceDialog(invoice: Pick<InvoiceView, 'outstanding'>) {
  const today = gardenDay(new Date(), useSessionStore().garden?.timeZone || undefined);
  const payment = ref<PaymentFormModel>(emptyPaymentForm(invoice.outstanding, today));
  const errors = ref<Record<string, string>>({});
  const banner = ref<string[]>([]);
  const busy = ref(false);
  /** The dialog around the form (ModalDialog exposes its element). */
  const modal = ref<{ element: HTMLDialogElement | undefined }>();

  /** The payment checked against what is still due: what to send, or the problems by field. */
  function checkedPayment():
    { ok: true; input: ManualPaymentInput } | { ok: false; problems: Record<string, string> } {
    const check = checkPaymentForm(payment.value, invoice.outstanding, today, currentLocale());
    if (check.ok) return check;
    return { ok: false, problems: placeIssues(check.issues, [...paymentFormFields]).byField };
  }

  async function send(
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

  return { today, payment, checkedPayment, errors, banner, busy, modal, send };
}
