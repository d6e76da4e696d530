import Type from 'typebox';
import { Act } from './actor.ts';
import { addDays, gardenDay, isIsoDate, monthPattern, type IsoDate } from './calendar.ts';
import {
  InvoiceLine,
  invoiceLabel,
  outstanding,
  paidAmount,
  Payment,
  paymentMethods,
  type Invoice,
  type PaymentMethod,
} from './invoices.ts';
import type { Localized } from './locale.ts';
import { addCents, cents, type Cents } from './money.ts';
import type { PricingInput } from './pricing.ts';

/**
 * What staff screens and the member portal read about money: invoices with what is paid and
 * still due, a household's balance, the unpaid list and payments by month and method. Shared by
 * the API (response schemas) and the web app (types and the same sums).
 */

/** Where the collection of an invoice stands (the payment workflow's phase). */
export const paymentPhases = [
  'scheduled',
  'charging',
  'awaiting-result',
  'waiting-retry',
  'awaiting-manual',
  'awaiting-decision',
  'suspended',
  'paid',
  'written-off',
] as const;
export type PaymentPhase = (typeof paymentPhases)[number];

const LocalizedText = Type.Object({ fr: Type.String(), en: Type.String() });

export const Collection = Type.Object({
  phase: Type.String({ description: 'One of the payment phases (charging, awaiting-decision…).' }),
  /** How many times the card or SEPA mandate was charged. */
  attempts: Type.Integer(),
  nextAttemptAt: Type.Optional(Type.String()),
  /** Why the last charge failed, in plain words. */
  lastFailure: Type.Optional(LocalizedText),
  decision: Type.Optional(Type.Object({ ...Act.properties, decision: Type.String(), reason: Type.String() })),
});
export type Collection = Omit<Type.Static<typeof Collection>, 'phase'> & { phase: PaymentPhase };

/**
 * What will really happen to an open invoice, in the garden's words: the payment workflow's
 * phase alone says « charge at the due date » even for a household with neither card nor SEPA
 * mandate, whose invoice nobody will charge.
 * - `charge` (on `on`): the saved card or mandate is charged at the due date;
 * - `retry` (on `on`): a failed charge is tried again;
 * - `charging`, `bank`: a charge is under way, or the bank has yet to answer (SEPA);
 * - `pay-manually`: no means of payment saved, to be paid by cheque, cash or transfer
 *   (by `on`, the due date, that day included, when not yet past);
 * - `awaiting-payment`: past due without a means of payment: the member was reminded, the
 *   garden waits for a cheque, cash or a transfer;
 * - `method-saved`: it waited for such a payment, but a card or mandate was saved since:
 *   staff may try it;
 * - `decision`: every try failed, staff decide; `suspended`: deliveries stop until paid.
 */
export const nextSteps = [
  'charge',
  'retry',
  'charging',
  'bank',
  'pay-manually',
  'awaiting-payment',
  'method-saved',
  'decision',
  'suspended',
] as const;
export type NextStepKind = (typeof nextSteps)[number];

export const NextStep = Type.Object({
  step: Type.Enum([...nextSteps]),
  /** The day it happens (YYYY-MM-DD, garden time), when it has one. */
  on: Type.Optional(Type.String()),
});
export type NextStep = Type.Static<typeof NextStep>;

/**
 * The next step of an open invoice's collection, from its workflow's phase (when it answered)
 * and whether the household has a card or SEPA mandate saved; undefined when nothing can be
 * said (no workflow and a means of payment, or a settled invoice).
 */
export function nextStepOf(input: {
  phase?: PaymentPhase | undefined;
  nextAttemptAt?: string | undefined;
  dueOn: IsoDate;
  hasPaymentMethod: boolean;
  today: IsoDate;
  timeZone?: string | undefined;
}): NextStep | undefined {
  const { phase, hasPaymentMethod, dueOn, today } = input;
  const attemptDay = input.nextAttemptAt
    ? gardenDay(new Date(input.nextAttemptAt), input.timeZone || undefined)
    : undefined;
  const manually = (): NextStep =>
    dueOn >= today ? { step: 'pay-manually', on: dueOn } : { step: 'awaiting-payment' };
  switch (phase) {
    case 'charging':
      return { step: 'charging' };
    case 'awaiting-result':
      return { step: 'bank' };
    case 'awaiting-decision':
      return { step: 'decision' };
    case 'suspended':
      return { step: 'suspended' };
    case 'awaiting-manual':
      return hasPaymentMethod ? { step: 'method-saved' } : { step: 'awaiting-payment' };
    case 'scheduled':
      return hasPaymentMethod ? { step: 'charge', on: attemptDay ?? dueOn } : manually();
    case 'waiting-retry':
      // The card was removed since the failure: the retry will find nothing to charge.
      return hasPaymentMethod && attemptDay ? { step: 'retry', on: attemptDay } : manually();
    case 'paid':
    case 'written-off':
      return undefined;
    case undefined:
      return hasPaymentMethod ? undefined : manually();
  }
}

/** An invoice as people read it: its printed number, what is paid and what is still due. */
export const InvoiceView = Type.Object({
  number: Type.Integer(),
  /** "F-000042". */
  label: Type.String(),
  memberId: Type.String(),
  memberName: Type.Optional(Type.String()),
  subscriptionId: Type.Optional(Type.String()),
  subject: Type.String(),
  issuedOn: Type.String(),
  dueOn: Type.String(),
  lines: Type.Array(InvoiceLine),
  total: Type.Integer(),
  paid: Type.Integer(),
  outstanding: Type.Integer(),
  status: Type.Enum(['open', 'paid', 'written-off']),
  payments: Type.Array(Payment),
  writtenOff: Type.Optional(Type.Object({ ...Act.properties, reason: Type.Optional(Type.String()) })),
  /** Its PDF is printed and can be downloaded. */
  hasDocument: Type.Boolean(),
  collection: Type.Optional(Collection),
  /** What happens next to an open invoice, given the household's means of payment. */
  nextStep: Type.Optional(NextStep),
});
export type InvoiceView = Omit<Type.Static<typeof InvoiceView>, 'collection'> & {
  collection?: Collection;
};

export function invoiceView(
  invoice: Invoice,
  extra: {
    memberName?: string | undefined;
    collection?: Collection | undefined;
    nextStep?: NextStep | undefined;
  } = {},
): InvoiceView {
  return {
    number: invoice.number,
    label: invoiceLabel(invoice.number),
    memberId: invoice.memberId,
    ...(extra.memberName ? { memberName: extra.memberName } : {}),
    ...(invoice.subscriptionId ? { subscriptionId: invoice.subscriptionId } : {}),
    subject: invoice.subject,
    issuedOn: invoice.issuedOn,
    dueOn: invoice.dueOn,
    lines: invoice.lines,
    total: invoice.total,
    paid: paidAmount(invoice),
    outstanding: outstanding(invoice),
    status: invoice.status,
    payments: invoice.payments,
    ...(invoice.writtenOff ? { writtenOff: invoice.writtenOff } : {}),
    hasDocument: invoice.documentKey !== undefined,
    ...(extra.collection ? { collection: extra.collection } : {}),
    ...(extra.nextStep && invoice.status === 'open' ? { nextStep: extra.nextStep } : {}),
  };
}

export const Balance = Type.Object({
  /** Cents still due on open invoices. */
  due: Type.Integer(),
  /** The part of it past its due date. */
  overdue: Type.Integer(),
});
export type Balance = Type.Static<typeof Balance>;

/** What a household owes: everything still due on open invoices, and what of it is late. */
export function balanceOf(
  invoices: ReadonlyArray<Pick<Invoice, 'payments' | 'total' | 'status' | 'dueOn'>>,
  today: IsoDate,
): Balance {
  const open = invoices.filter((invoice) => invoice.status === 'open');
  return {
    due: addCents(...open.map((invoice) => outstanding(invoice))),
    overdue: addCents(
      ...open.filter((invoice) => invoice.dueOn < today).map((invoice) => outstanding(invoice)),
    ),
  };
}

/** A household's billing: reduced tier, saved means of payment, balance, invoices newest first. */
export const MemberBilling = Type.Object({
  memberId: Type.String(),
  tier: Type.Optional(
    Type.Object({ id: Type.String(), label: Type.String(), reason: Type.String(), assigned: Act }),
  ),
  paymentMethod: Type.Optional(Type.Object({ kind: Type.Enum(['card', 'sepa']), label: Type.String() })),
  balance: Balance,
  invoices: Type.Array(InvoiceView),
  /** The billing profile's version, for changing the tier (0 before any change). */
  version: Type.Integer(),
});
export type MemberBilling = Omit<Type.Static<typeof MemberBilling>, 'invoices'> & { invoices: InvoiceView[] };

/** Whole days from the due date to today; 0 when not due yet. */
export function daysOverdue(dueOn: IsoDate, today: IsoDate): number {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueOn}T00:00:00Z`)) / 86_400_000);
  return Math.max(0, days);
}

export const UnpaidRow = Type.Object({
  number: Type.Integer(),
  label: Type.String(),
  memberId: Type.String(),
  memberName: Type.String(),
  subject: Type.String(),
  issuedOn: Type.String(),
  dueOn: Type.String(),
  total: Type.Integer(),
  outstanding: Type.Integer(),
  daysOverdue: Type.Integer(),
  phase: Type.Optional(Type.String()),
  /** What happens next, given the household's means of payment. */
  nextStep: Type.Optional(NextStep),
});
export type UnpaidRow = Omit<Type.Static<typeof UnpaidRow>, 'phase'> & { phase?: PaymentPhase };

export const UnpaidReport = Type.Object({
  invoices: Type.Array(UnpaidRow),
  /** Cents still due, and the part of it past due. */
  total: Type.Integer(),
  overdue: Type.Integer(),
});
export type UnpaidReport = Omit<Type.Static<typeof UnpaidReport>, 'invoices'> & { invoices: UnpaidRow[] };

/** The open invoices with something still due, oldest due first. */
export function unpaidRows(
  invoices: readonly Invoice[],
  memberName: (memberId: string) => string,
  today: IsoDate,
): UnpaidRow[] {
  return invoices
    .filter((invoice) => invoice.status === 'open' && outstanding(invoice) > 0)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.number - b.number)
    .map((invoice) => ({
      number: invoice.number,
      label: invoiceLabel(invoice.number),
      memberId: invoice.memberId,
      memberName: memberName(invoice.memberId),
      subject: invoice.subject,
      issuedOn: invoice.issuedOn,
      dueOn: invoice.dueOn,
      total: invoice.total,
      outstanding: outstanding(invoice),
      daysOverdue: daysOverdue(invoice.dueOn, today),
    }));
}

export { monthPattern };
export type IsoMonth = string;

/** Every month from `from` to `to` ("2026-01" … "2026-12"), both included; empty when reversed. */
export function monthsBetween(from: IsoMonth, to: IsoMonth): IsoMonth[] {
  const months: IsoMonth[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 1200; guard++) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    if (current > to) break;
    months.push(current);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** The month `count` months before (negative) or after a month. */
export function addMonthsTo(month: IsoMonth, count: number): IsoMonth {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const byMethodSchema = Type.Object(
  Object.fromEntries(paymentMethods.map((method) => [method, Type.Integer()])) as Record<
    PaymentMethod,
    ReturnType<typeof Type.Integer>
  >,
);

export const PaymentsReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  months: Type.Array(
    Type.Object({
      month: Type.String(),
      byMethod: byMethodSchema,
      total: Type.Integer(),
      count: Type.Integer(),
    }),
  ),
  byMethod: byMethodSchema,
  total: Type.Integer(),
  count: Type.Integer(),
});
export type PaymentsReport = Type.Static<typeof PaymentsReport>;

const noMethods = (): Record<PaymentMethod, number> =>
  Object.fromEntries(paymentMethods.map((method) => [method, 0])) as Record<PaymentMethod, number>;

/** Payments received in the months from `from` to `to`, summed by month and by method. */
export function paymentsByMonth(
  payments: ReadonlyArray<Pick<Payment, 'method' | 'amount' | 'receivedOn'>>,
  from: IsoMonth,
  to: IsoMonth,
): PaymentsReport {
  const months = monthsBetween(from, to).map((month) => ({
    month,
    byMethod: noMethods(),
    total: 0,
    count: 0,
  }));
  const index = new Map(months.map((entry) => [entry.month, entry]));
  const byMethod = noMethods();
  let total: Cents = cents(0);
  let count = 0;
  for (const payment of payments) {
    const month = index.get(payment.receivedOn.slice(0, 7));
    if (!month) continue;
    month.byMethod[payment.method] += payment.amount;
    month.total += payment.amount;
    month.count += 1;
    byMethod[payment.method] += payment.amount;
    total = addCents(total, cents(payment.amount));
    count += 1;
  }
  return { from, to, months, byMethod, total, count };
}

/** Why a months range cannot be reported on, or undefined. */
export function monthRangeRefusal(from: IsoMonth, to: IsoMonth): Localized | undefined {
  if (from > to) {
    return {
      fr: 'Le mois de début doit précéder le mois de fin.',
      en: 'The first month must come before the last one.',
    };
  }
  if (monthsBetween(from, to).length > 36) {
    return { fr: 'Choisissez au plus 36 mois.', en: 'Choose at most 36 months.' };
  }
  return undefined;
}

/** Why a garden's pricing cannot be saved (beyond its schema), with the field, or undefined. */
export function pricingRefusal(input: PricingInput): { field: string; message: Localized } | undefined {
  const ids = input.solidarityTiers.map((tier) => tier.id);
  const twice = ids.find((id, index) => ids.indexOf(id) !== index);
  if (twice) {
    return {
      field: 'solidarityTiers',
      message: {
        fr: `Deux tarifs solidaires portent le même code « ${twice} ».`,
        en: `Two solidarity tiers have the same code "${twice}".`,
      },
    };
  }
  const labels = input.solidarityTiers.map((tier) => tier.label.trim().toLowerCase());
  const sameLabel = input.solidarityTiers.find(
    (tier, index) => labels.indexOf(labels[index] ?? '') !== index,
  );
  if (sameLabel) {
    return {
      field: 'solidarityTiers',
      message: {
        fr: `Deux tarifs solidaires s’appellent « ${sameLabel.label.trim()} ».`,
        en: `Two solidarity tiers are called "${sameLabel.label.trim()}".`,
      },
    };
  }
  return undefined;
}

/** Whether a received date is a real day and not after today. */
export function receivedOnRefusal(receivedOn: string, today: IsoDate): Localized | undefined {
  if (!isIsoDate(receivedOn)) {
    return { fr: `La date ${receivedOn} n'existe pas.`, en: `The date ${receivedOn} does not exist.` };
  }
  if (receivedOn > today) {
    return {
      fr: 'La date de réception ne peut pas être dans le futur.',
      en: 'The date received cannot be in the future.',
    };
  }
  if (receivedOn < addDays(today, -366 * 3)) {
    return {
      fr: 'La date de réception remonte à plus de trois ans : vérifiez-la.',
      en: 'The date received is more than three years ago: check it.',
    };
  }
  return undefined;
}
