import type { InvoiceView, NextStep, NextStepKind, PaymentPhase } from '../../../../domain/billing-views.ts';
import { formatMonth } from '../../../../domain/calendar.ts';
import { paymentMethodLabels, type PaymentMethod } from '../../../../domain/invoices.ts';
import { formatEuros, type Cents } from '../../../../domain/money.ts';
import { currentLocale, translate } from '../../i18n/index.ts';

/** Money, methods, statuses and phases in the reader's language. */

/** "12,50 €" (French) or "€12.50" (English). */
export function euros(amount: number): string {
  return formatEuros(amount as Cents, currentLocale());
}

export function methodLabel(method: PaymentMethod): string {
  return paymentMethodLabels[method][currentLocale()];
}

const statusKeys: Record<InvoiceView['status'], string> = {
  open: 'invoiceStatus.open',
  paid: 'invoiceStatus.paid',
  'written-off': 'invoiceStatus.writtenOff',
};

export function invoiceStatusLabel(status: InvoiceView['status']): string {
  return translate(statusKeys[status]);
}

const phaseKeys: Record<PaymentPhase, string> = {
  scheduled: 'paymentPhase.scheduled',
  charging: 'paymentPhase.charging',
  'awaiting-result': 'paymentPhase.awaitingResult',
  'waiting-retry': 'paymentPhase.waitingRetry',
  'awaiting-manual': 'paymentPhase.awaitingManual',
  'awaiting-decision': 'paymentPhase.awaitingDecision',
  suspended: 'paymentPhase.suspended',
  paid: 'paymentPhase.paid',
  'written-off': 'paymentPhase.writtenOff',
};

const nextStepKeys: Record<NextStepKind, string> = {
  charge: 'nextStep.charge',
  retry: 'nextStep.retry',
  charging: 'nextStep.charging',
  bank: 'nextStep.bank',
  'pay-manually': 'nextStep.payManually',
  'awaiting-payment': 'nextStep.awaitingPayment',
  'method-saved': 'nextStep.methodSaved',
  decision: 'nextStep.decision',
  suspended: 'nextStep.suspended',
};

/** What happens next to an open invoice: « Prélèvement prévu le 5 déc. 2026 », « À régler par chèque… ». */
export function nextStepLabel(next: NextStep): string {
  return translate(nextStepKeys[next.step], { date: next.on ? shortDate(next.on) : '' });
}

const decisionKeys: Record<string, string> = {
  retry: 'payments.decisionRetry',
  manual: 'payments.decisionManual',
  suspend: 'payments.decisionSuspend',
  'write-off': 'payments.decisionWriteOff',
};

/** A staff decision on an invoice, as the decision dialog offered it. */
export function decisionLabel(decision: string): string {
  const key = decisionKeys[decision];
  return key ? translate(key) : decision;
}

export function phaseLabel(phase: string): string {
  const key = phaseKeys[phase as PaymentPhase] as string | undefined;
  return key ? translate(key) : phase;
}

/**
 * Staff have a decision to take on it: every try failed, an overdue invoice has no means of
 * payment to charge, or deliveries are suspended until it is paid (then they may still try
 * again, record a payment or write it off).
 */
export function awaitsDecision(invoice: Pick<InvoiceView, 'status' | 'collection'>): boolean {
  const phase = invoice.collection?.phase;
  return (
    invoice.status === 'open' &&
    (phase === 'awaiting-decision' || phase === 'suspended' || phase === 'awaiting-manual')
  );
}

const shortDates = new Map<string, Intl.DateTimeFormat>();

/** "1 déc. 2026": a date in a table. */
export function shortDate(day: string): string {
  const locale = currentLocale();
  let format = shortDates.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    shortDates.set(locale, format);
  }
  return format.format(new Date(`${day}T00:00:00Z`));
}

/** "novembre 2026": a month of a report. */
export function monthLabel(month: string): string {
  return formatMonth(month, currentLocale());
}

/**
 * Saves a file the app holds as an object URL under a name (a PDF, a CSV): the browser's own
 * download, as a link with `download` would do.
 */
export function saveFile(url: string, filename: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}

/** A key for one payment typed in a dialog: sent twice (a lost answer, a second click), recorded once. */
export function newPaymentKey(): string {
  return `pay-${crypto.randomUUID().replace(/-/g, '')}`.slice(0, 40);
}
