import Type from 'typebox';
import { Act } from './actor.ts';
import { CalendarDay, isoDatePattern } from './calendar.ts';
import type { Localized } from './locale.ts';
import { addCents, cents, formatEuros, type Cents } from './money.ts';

export const paymentMethods = ['card', 'sepa', 'cheque', 'cash', 'transfer'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

export const paymentMethodLabels: Readonly<Record<PaymentMethod, Localized>> = {
  card: { fr: 'Carte bancaire', en: 'Card' },
  sepa: { fr: 'Prélèvement SEPA', en: 'SEPA Direct Debit' },
  cheque: { fr: 'Chèque', en: 'Cheque' },
  cash: { fr: 'Espèces', en: 'Cash' },
  transfer: { fr: 'Virement', en: 'Bank transfer' },
};

export const InvoiceLine = Type.Object({
  label: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Type.Integer(),
  amount: Type.Integer(),
  /**
   * A credit line (negative amount) for a credited absence: the subscription and the day, so
   * that the same absence is never credited beyond its price (`domain/billing-credits.ts`).
   */
  absence: Type.Optional(Type.Object({ subscriptionId: Type.String(), date: Type.String() })),
});
export type InvoiceLine = Type.Static<typeof InvoiceLine>;

export const Payment = Type.Object({
  id: Type.String(),
  method: Type.Enum([...paymentMethods]),
  amount: Type.Integer({ description: 'Euro cents.' }),
  receivedOn: Type.String({ pattern: isoDatePattern }),
  /** Cheque number and bank, transfer reference, Stripe payment id… */
  reference: Type.Optional(Type.String()),
  bank: Type.Optional(Type.String()),
  recorded: Act,
});
export type Payment = Type.Static<typeof Payment>;

/**
 * A payment Stripe took, as the invoice records it: its id comes from the PaymentIntent's, so
 * the payment workflow and the webhook (whichever hears of it first) record it once.
 */
export function stripePayment(input: {
  paymentIntentId: string;
  /** Euro cents, as Stripe counts them. */
  amount: number;
  method: 'card' | 'sepa';
  /** The garden's day the money was taken. */
  receivedOn: string;
  recordedAt: Date;
}): Payment {
  return {
    id: `stripe-${input.paymentIntentId}`,
    method: input.method,
    amount: input.amount,
    receivedOn: input.receivedOn,
    reference: input.paymentIntentId,
    recorded: { by: { userId: 'stripe', name: 'Stripe' }, at: input.recordedAt.toISOString() },
  };
}

/**
 * An invoice: numbered in the garden's one sequence without gaps (French rule), with the
 * garden's legal details as they were when it was issued.
 */
export const Invoice = Type.Object({
  gardenId: Type.String(),
  number: Type.Integer({ minimum: 1 }),
  memberId: Type.String(),
  subscriptionId: Type.Optional(Type.String()),
  /** What it bills: a month of deliveries, an installment of a season, the membership fee. */
  subject: Type.String(),
  issuedOn: Type.String({ pattern: isoDatePattern }),
  dueOn: Type.String({ pattern: isoDatePattern }),
  lines: Type.Array(InvoiceLine),
  total: Type.Integer(),
  payments: Type.Array(Payment),
  status: Type.Enum(['open', 'paid', 'written-off']),
  /** Staff closed it unpaid: who, when and why. */
  writtenOff: Type.Optional(Type.Object({ ...Act.properties, reason: Type.Optional(Type.String()) })),
  /** Where its PDF is kept (S3 key). */
  documentKey: Type.Optional(Type.String()),
  version: Type.Integer(),
});
export type Invoice = Type.Static<typeof Invoice>;

/** "F-000042": the invoice number as printed. */
export function invoiceLabel(number: number): string {
  return `F-${String(number).padStart(6, '0')}`;
}

export function paidAmount(invoice: Pick<Invoice, 'payments'>): Cents {
  return addCents(...invoice.payments.map((payment) => cents(payment.amount)));
}

export function outstanding(invoice: Pick<Invoice, 'payments' | 'total' | 'status'>): Cents {
  if (invoice.status === 'written-off') return cents(0);
  return cents(Math.max(0, invoice.total - paidAmount(invoice)));
}

/** A manual payment as staff type it. */
export const ManualPaymentInput = Type.Object(
  {
    method: Type.Enum(['cheque', 'cash', 'transfer']),
    amount: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    receivedOn: CalendarDay,
    reference: Type.Optional(Type.String({ maxLength: 80 })),
    bank: Type.Optional(Type.String({ maxLength: 80 })),
  },
  { additionalProperties: false },
);
export type ManualPaymentInput = Type.Static<typeof ManualPaymentInput>;

/** Why a payment cannot be recorded on an invoice, or undefined. */
export function paymentRefusal(
  invoice: Pick<Invoice, 'payments' | 'total' | 'status'>,
  payment: ManualPaymentInput,
): Localized | undefined {
  if (invoice.status !== 'open') {
    return {
      fr: 'Cette facture est déjà soldée : aucun paiement à enregistrer.',
      en: 'This invoice is already settled: no payment to record.',
    };
  }
  const left = outstanding(invoice);
  if (payment.amount > left) {
    return {
      fr: `Le montant dépasse ce qui reste dû (${formatEuros(left)}).`,
      en: `The amount is more than what is still due (${formatEuros(left, 'en')}).`,
    };
  }
  if (payment.method === 'cheque' && !(payment.reference ?? '').trim()) {
    return { fr: 'Indiquez le numéro du chèque.', en: 'Give the cheque number.' };
  }
  return undefined;
}

/** One line per payment for the accountant, as CSV (semicolons, decimal commas: French spreadsheets). */
export function paymentsCsv(
  rows: ReadonlyArray<{
    invoiceNumber: number;
    memberName: string;
    method: PaymentMethod;
    amount: number;
    receivedOn: string;
    reference?: string | undefined;
  }>,
): string {
  const quote = (typed: string) => {
    // A name or reference a person typed never runs as a spreadsheet formula.
    const value = /^[=+\-@\t\r]/.test(typed) ? `'${typed}` : typed;
    return /[;"\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  };
  const lines = [
    ['Date', 'Facture', 'Adhérent', 'Moyen de paiement', 'Montant (EUR)', 'Référence'].join(';'),
    ...rows.map((row) =>
      [
        row.receivedOn,
        invoiceLabel(row.invoiceNumber),
        quote(row.memberName),
        paymentMethodLabels[row.method].fr,
        (row.amount / 100).toFixed(2).replace('.', ','),
        quote(row.reference ?? ''),
      ].join(';'),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
