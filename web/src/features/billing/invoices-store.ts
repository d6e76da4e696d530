import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from './billing-api.ts';
import type {
  ExportFallback,
  InvoiceStatus,
  InvoiceView,
  PaymentsReport,
  UnpaidReport,
} from './billing-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

export type InvoiceFilter = InvoiceStatus | 'all';

/** The accountant's file, saved by the page: its object URL, its name, and the fallback if any. */
export interface ExportedFile {
  url: string;
  filename: string;
  fallback?: ExportFallback;
}

/** A read that may fail without breaking the page: what was read, and why it failed. */
function section<T>() {
  return { data: ref<T>(), loading: ref(false), error: ref<string>() };
}

/**
 * The garden's invoices and money reports for staff: invoices by status, the unpaid list,
 * payments by month and method, and the accountant's CSV. Each part is read on its own: one
 * failing leaves the others on screen.
 */
export const useInvoiceStore = defineStore('invoices', () => {
  const invoices = section<InvoiceView[]>();
  /** The status the list shows, or every invoice. */
  const status = ref<InvoiceFilter>('all');
  const unpaid = section<UnpaidReport>();
  const payments = section<PaymentsReport>();
  let listRequest = 0;

  async function read<T>(part: ReturnType<typeof section<T>>, call: () => Promise<T>): Promise<boolean> {
    part.loading.value = true;
    part.error.value = undefined;
    try {
      return (
        (await orProblem(
          async () => {
            part.data.value = await call();
            return true;
          },
          (error) => {
            part.error.value = error.message;
          },
        )) ?? false
      );
    } finally {
      part.loading.value = false;
    }
  }

  /** The invoices of a status; a later choice wins over an earlier answer. */
  async function loadInvoices(wanted: InvoiceFilter = status.value): Promise<void> {
    status.value = wanted;
    const mine = ++listRequest;
    const gardenId = requireGardenId();
    invoices.loading.value = true;
    invoices.error.value = undefined;
    try {
      await orProblem(
        async () => {
          const answer = await api.listInvoices(gardenId, wanted === 'all' ? undefined : wanted);
          if (mine === listRequest) invoices.data.value = answer;
        },
        (error) => {
          if (mine === listRequest) invoices.error.value = error.message;
        },
      );
    } finally {
      if (mine === listRequest) invoices.loading.value = false;
    }
  }

  const loadUnpaid = () => read(unpaid, () => api.unpaidReport(requireGardenId()));

  const loadPayments = (from: string, to: string) =>
    read(payments, () => api.paymentsReport(requireGardenId(), from, to));

  /**
   * The accountant's export of the months, as a file to save, named as the API names it (the
   * garden's accounting-export extension may make a FEC of it), with why the CSV came instead
   * of the extension's file, if so (for the page to say). Throws the ApiError.
   */
  async function paymentsCsv(from: string, to: string): Promise<ExportedFile> {
    const { blob, filename, fallback } = await api.paymentsCsv(requireGardenId(), from, to);
    return {
      url: URL.createObjectURL(blob),
      filename: filename ?? `paiements-${from}-${to}.csv`,
      ...(fallback ? { fallback } : {}),
    };
  }

  return {
    invoices: invoices.data,
    invoicesLoading: invoices.loading,
    invoicesError: invoices.error,
    status,
    unpaid: unpaid.data,
    unpaidLoading: unpaid.loading,
    unpaidError: unpaid.error,
    payments: payments.data,
    paymentsLoading: payments.loading,
    paymentsError: payments.error,
    loadInvoices,
    loadUnpaid,
    loadPayments,
    paymentsCsv,
  };
});
