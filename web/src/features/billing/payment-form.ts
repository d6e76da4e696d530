import { receivedOnRefusal } from '../../../../domain/billing-views.ts';
import { paymentRefusal, type ManualPaymentInput } from '../../../../domain/invoices.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { formatEuros, parseEuros, type Cents } from '../../../../domain/money.ts';
import type { InputIssue } from '../../../../domain/validation.ts';

export type ManualMethod = ManualPaymentInput['method'];
export const manualMethods: readonly ManualMethod[] = ['cheque', 'cash', 'transfer'];

/** A payment as staff type it: the amount in euros as text ("12,50"). */
export interface PaymentFormModel {
  method: ManualMethod;
  amount: string;
  receivedOn: string;
  reference: string;
  bank: string;
}

export const paymentFormFields = ['method', 'amount', 'receivedOn', 'reference', 'bank'] as const;

/** Euros for an input: "25,00" (no symbol, no thousands space, so it reads back as typed). */
export function eurosText(amount: number): string {
  return (amount / 100).toFixed(2).replace('.', ',');
}

/** A cheque for what is still due, received today: the usual case, ready to confirm. */
export function emptyPaymentForm(outstanding: number, today: string): PaymentFormModel {
  return { method: 'cheque', amount: eurosText(outstanding), receivedOn: today, reference: '', bank: '' };
}

/**
 * Checks a payment against what is still due, with the API's own rules and words: the API
 * says the same if anything changed meanwhile.
 */
export function checkPaymentForm(
  form: PaymentFormModel,
  outstanding: Cents | number,
  today: string,
  locale: Locale,
): { ok: true; input: ManualPaymentInput } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const amount = parseEuros(form.amount);
  if (form.amount.trim() === '') {
    issues.push({
      field: 'amount',
      message: locale === 'fr' ? 'Indiquez le montant reçu.' : 'Give the amount received.',
    });
  } else if (amount === undefined) {
    issues.push({
      field: 'amount',
      message:
        locale === 'fr'
          ? `« ${form.amount.trim()} » n'est pas un montant : écrivez par exemple 12,50.`
          : `"${form.amount.trim()}" is not an amount: write for example 12.50.`,
    });
  } else if (amount <= 0) {
    issues.push({
      field: 'amount',
      message:
        locale === 'fr' ? 'Le montant doit être supérieur à zéro.' : 'The amount must be more than zero.',
    });
  }
  const reference = form.reference.trim();
  const bank = form.bank.trim();
  if (form.method === 'cheque' && !reference) {
    issues.push({
      field: 'reference',
      message: locale === 'fr' ? 'Indiquez le numéro du chèque.' : 'Give the cheque number.',
    });
  }
  const wrongDay = receivedOnRefusal(form.receivedOn, today);
  if (wrongDay) issues.push({ field: 'receivedOn', message: wrongDay[locale] });
  if (issues.length > 0 || amount === undefined) return { ok: false, issues };

  const input: ManualPaymentInput = {
    method: form.method,
    amount,
    receivedOn: form.receivedOn,
    ...(reference ? { reference } : {}),
    ...(bank && form.method === 'cheque' ? { bank } : {}),
  };
  const refusal = paymentRefusal({ payments: [], total: outstanding, status: 'open' }, input);
  if (refusal) return { ok: false, issues: [{ field: 'amount', message: refusal[locale] }] };
  return { ok: true, input };
}

/** "12,50 €", as people read an amount. */
export function euros(amount: number, locale: Locale = 'fr'): string {
  return formatEuros(amount as Cents, locale);
}
