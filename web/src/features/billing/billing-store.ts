import { defineStore } from 'pinia';
import { ref } from 'vue';
import { balanceOf } from '../../../../domain/billing-views.ts';
import { gardenDay } from '../../../../domain/calendar.ts';
import * as api from './billing-api.ts';
import type { DecisionInput, InvoiceView, ManualPaymentInput, MemberBilling } from './billing-api.ts';
import { onConflict, orProblem } from '../../api-client/problems.ts';
import { requireGardenId, useSessionStore } from '../../stores/session.ts';

interface MemberBillingState {
  billing?: MemberBilling;
  loading: boolean;
  error?: string;
}

/**
 * Each household's billing: tier, saved means of payment, balance and invoices. Staff see it
 * on a member's page, members in their portal. A payment recorded or a decision taken shows at
 * once from the API's answer (the balance recomputed with the domain's own sum), then the
 * whole is read again.
 */
export const useBillingStore = defineStore('billing', () => {
  const byMember = ref<Record<string, MemberBillingState>>({});
  /** Object URLs of invoice PDFs already fetched, by number. */
  const documents = ref<Record<number, string>>({});

  const empty: MemberBillingState = { loading: false };
  function stateOf(memberId: string): MemberBillingState {
    return byMember.value[memberId] ?? empty;
  }

  const today = () => gardenDay(new Date(), useSessionStore().garden?.timeZone || undefined);

  /** Reads a household's billing. Never rejects on an API error (kept in `error`). */
  async function load(memberId: string): Promise<MemberBilling | undefined> {
    byMember.value[memberId] ??= { loading: false };
    const state = byMember.value[memberId];
    state.loading = true;
    state.error = undefined;
    try {
      const billing = await orProblem(
        () => api.getMemberBilling(requireGardenId(), memberId),
        (error) => {
          state.error = error.message;
        },
      );
      if (!billing) return undefined;
      state.billing = billing;
      return state.billing;
    } finally {
      state.loading = false;
    }
  }

  /** Puts an invoice as the API answered it in its household's billing, with the new balance. */
  function replaceInvoice(memberId: string, invoice: InvoiceView): void {
    const state = byMember.value[memberId];
    const billing = state?.billing;
    if (!state || !billing) return;
    const invoices = billing.invoices.map((entry) =>
      entry.number === invoice.number
        ? { ...invoice, memberName: entry.memberName ?? invoice.memberName }
        : entry,
    );
    state.billing = { ...billing, invoices, balance: balanceOf(invoices, today()) };
  }

  /**
   * Records a payment staff received; the balance changes at once. Throws the ApiError for
   * the dialog to show. `key` makes a second send of the same payment harmless.
   */
  async function recordPayment(
    memberId: string,
    number: number,
    input: ManualPaymentInput,
    key: string,
  ): Promise<InvoiceView> {
    const invoice = await api.recordPayment(requireGardenId(), number, input, key);
    replaceInvoice(memberId, invoice);
    return invoice;
  }

  /** A staff decision on an invoice that could not be collected. Throws the ApiError. */
  async function decide(memberId: string, number: number, input: DecisionInput): Promise<InvoiceView> {
    const invoice = await api.decideInvoice(requireGardenId(), number, input);
    replaceInvoice(memberId, invoice);
    // A manual payment or a write-off is written by the workflow: read the household again.
    void load(memberId);
    return invoice;
  }

  /** Gives or takes back a solidarity tier, over the version read. Throws the ApiError. */
  async function setTier(memberId: string, tierId: string | null, reason: string): Promise<MemberBilling> {
    const state = byMember.value[memberId];
    const version = state?.billing?.version ?? 0;
    return onConflict(
      async () => {
        const billing = await api.setPricingTier(requireGardenId(), memberId, tierId, reason, version);
        byMember.value[memberId] = { loading: false, billing };
        return billing;
      },
      // Changed elsewhere meanwhile: read it again, so that the next try uses the new version.
      () => void load(memberId),
    );
  }

  /** The invoice's PDF as an object URL (fetched once). Throws the ApiError (not printed yet: 404). */
  async function documentUrl(number: number): Promise<string> {
    const known = documents.value[number];
    if (known) return known;
    const blob = await api.invoiceDocument(requireGardenId(), number);
    const url = URL.createObjectURL(blob);
    documents.value[number] = url;
    return url;
  }

  return { byMember, stateOf, load, recordPayment, decide, setTier, documentUrl };
});
