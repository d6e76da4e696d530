import type {
  InvoiceView,
  MemberBilling,
  PaymentsReport,
  UnpaidReport,
} from '../../../../domain/billing-views.ts';
import type { ManualPaymentInput } from '../../../../domain/invoices.ts';
import type { Pricing, PricingInput } from '../../../../domain/pricing.ts';
import type { SolidarityProposal } from '../../../../domain/subscription.ts';
import { request, requestBlob, requestFile } from '../../api-client/request.ts';

export type {
  InvoiceView,
  ManualPaymentInput,
  MemberBilling,
  PaymentsReport,
  Pricing,
  PricingInput,
  SolidarityProposal,
  UnpaidReport,
};

export type InvoiceStatus = InvoiceView['status'];
export type DecisionKind = 'retry' | 'manual' | 'write-off' | 'suspend';

export interface DecisionInput {
  decision: DecisionKind;
  reason: string;
  payment?: ManualPaymentInput;
}

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;
const member = (gardenId: string, memberId: string) =>
  `${garden(gardenId)}/members/${encodeURIComponent(memberId)}`;
const invoice = (gardenId: string, number: number) => `${garden(gardenId)}/invoices/${number}`;

/** The screens say themselves what failed: no toasts from these calls. */
export const getPricing = (gardenId: string) =>
  request<Pricing>('GET', `${garden(gardenId)}/pricing`, { toast: false });

/** `version` is the one read: a change made meanwhile by someone else answers 409. */
export const savePricing = (gardenId: string, input: PricingInput, version: number) =>
  request<Pricing>('PUT', `${garden(gardenId)}/pricing`, { body: { ...input, version }, toast: false });

export const getMemberBilling = (gardenId: string, memberId: string) =>
  request<MemberBilling>('GET', `${member(gardenId, memberId)}/billing`, { toast: false });

/**
 * The tier the garden's solidarity-price extension (or the built-in behaviour) proposes for a
 * household, from its latest subscription; null without one. Staff decide.
 */
export const getTierProposal = (gardenId: string, memberId: string) =>
  request<{ proposal: SolidarityProposal | null; subscriptionId?: string }>(
    'GET',
    `${member(gardenId, memberId)}/pricing-tier/proposal`,
    { toast: false },
  );

/** Gives a solidarity tier with its reason, or takes it back (`tierId` null). */
export const setPricingTier = (
  gardenId: string,
  memberId: string,
  tierId: string | null,
  reason: string,
  version: number,
) =>
  request<MemberBilling>('PUT', `${member(gardenId, memberId)}/pricing-tier`, {
    body: { tierId, ...(reason ? { reason } : {}), version },
    toast: false,
  });

export const listInvoices = (gardenId: string, status?: InvoiceStatus) =>
  request<InvoiceView[]>('GET', `${garden(gardenId)}/invoices`, { query: { status }, toast: false });

/**
 * Records a payment staff received. The same `key` sent again (a lost answer, a second click)
 * records it once.
 */
export const recordPayment = (gardenId: string, number: number, input: ManualPaymentInput, key: string) =>
  request<InvoiceView>('POST', `${invoice(gardenId, number)}/payments`, {
    body: input,
    headers: { 'Idempotency-Key': key },
    toast: false,
  });

export const decideInvoice = (gardenId: string, number: number, input: DecisionInput) =>
  request<InvoiceView>('POST', `${invoice(gardenId, number)}/decision`, { body: input, toast: false });

/** The invoice's PDF (staff, or its member). */
export const invoiceDocument = (gardenId: string, number: number) =>
  requestBlob(`${invoice(gardenId, number)}/document`, { toast: false });

export const unpaidReport = (gardenId: string) =>
  request<UnpaidReport>('GET', `${garden(gardenId)}/reports/unpaid`, { toast: false });

export const paymentsReport = (gardenId: string, from: string, to: string) =>
  request<PaymentsReport>('GET', `${garden(gardenId)}/reports/payments`, {
    query: { from, to },
    toast: false,
  });

/**
 * Why the accountant got the built-in CSV although the garden runs an accounting-export
 * extension (or its extensions could not be read): the failure's kind, and the sentence the API
 * wrote for staff when it could.
 */
export interface ExportFallback {
  /** `input-too-large`, `trap`, `timeout`…, or `unavailable`. */
  kind: string;
  /** In the language asked for (Accept-Language). */
  notice?: string;
}

/** The accountant's file, named as the API names it, and the fallback when there was one. */
export interface AccountantExport {
  blob: Blob;
  filename?: string;
  fallback?: ExportFallback;
}

/** What the API says beside the file: `x-cocagne-extension-failure` and its notice, percent-encoded. */
export function exportFallbackOf(headers: Headers): ExportFallback | undefined {
  const kind = headers.get('x-cocagne-extension-failure');
  if (!kind) return undefined;
  const encoded = headers.get('x-cocagne-extension-notice');
  let notice: string | undefined;
  try {
    notice = encoded ? decodeURIComponent(encoded) : undefined;
  } catch {
    // Not percent-encoded as it should be: the app says it in its own words.
    notice = undefined;
  }
  return { kind, ...(notice ? { notice } : {}) };
}

/**
 * The payments of the months for the accountant: the CSV, or the file of the garden's
 * accounting-export extension (a FEC…), with the name the API gives it, and why the CSV came
 * instead of the extension's file, if so.
 */
export async function paymentsCsv(gardenId: string, from: string, to: string): Promise<AccountantExport> {
  const { blob, filename, headers } = await requestFile(`${garden(gardenId)}/reports/payments.csv`, {
    query: { from, to },
    toast: false,
    // The media types the route answers with (the CSV, or an extension's TXT, TSV or XML).
    accept: 'text/csv, text/plain, text/tab-separated-values, application/xml',
  });
  const fallback = exportFallbackOf(headers);
  return { blob, ...(filename ? { filename } : {}), ...(fallback ? { fallback } : {}) };
}

/** Where a month's billing run stands (404 while the month has not been billed). */
export interface BillingRunView {
  month: string;
  phase: 'listing' | 'issuing' | 'done';
  total: number;
  done: number;
  invoices: number[];
}

export const billingRun = (gardenId: string, month: string) =>
  request<BillingRunView>('GET', `${garden(gardenId)}/billing/runs/${month}`, { toast: false });

/** Bills a month that has ended (twice is once). */
export const startBillingRun = (gardenId: string, month: string) =>
  request<{ started: boolean }>('POST', `${garden(gardenId)}/billing/runs/${month}`, { toast: false });
