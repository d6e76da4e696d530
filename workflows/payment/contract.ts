import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Act, Actor } from '../../domain/actor.ts';
import type { PaymentPhase } from '../../domain/billing-views.ts';
import type { ManualPaymentInput } from '../../domain/invoices.ts';

/**
 * Collecting one invoice: charge the saved card or SEPA mandate (off-session), wait for
 * Stripe's answer (webhook → signal), retry on the garden's schedule telling the member each
 * time, then wait for a staff decision. Invoices without a saved means of payment wait for a
 * manual payment (cheque, cash, transfer) and go to staff when overdue.
 */
export const invoicePaymentType = 'invoicePayment';
export { invoicePaymentProcessId as invoicePaymentId } from '../../domain/process-ids.ts';

export interface InvoicePaymentInput {
  gardenId: string;
  invoiceNumber: number;
  memberId: string;
  subscriptionId?: string;
  /** Carried over continue-as-new. */
  carried?: PaymentState;
}

/**
 * Where the collection stands (one list, in domain/billing-views.ts, shared with the API and
 * the web): scheduled (until the due date), charging, awaiting-result (SEPA takes days),
 * waiting-retry (`nextAttemptAt`), awaiting-manual (no saved means of payment),
 * awaiting-decision (staff decide), suspended (deliveries stopped until paid), paid, written-off.
 */
export type { PaymentPhase } from '../../domain/billing-views.ts';

export interface PaymentAttempt {
  number: number;
  at: string;
  /** Stripe's PaymentIntent, when one was created. */
  paymentIntentId?: string;
  outcome: 'pending' | 'succeeded' | 'failed';
  /** Why it failed, in plain French and English. */
  reason?: { fr: string; en: string };
}

export interface PaymentState {
  phase: PaymentPhase;
  attempts: PaymentAttempt[];
  nextAttemptAt?: string;
  decision?: Act & { decision: PaymentDecision['decision']; reason: string };
}

export interface PaymentDecision {
  decision: 'retry' | 'manual' | 'write-off' | 'suspend';
  reason: string;
  actor: Actor;
  /** With `manual`: the payment staff received. */
  payment?: ManualPaymentInput;
}

/** A Stripe event about this invoice's PaymentIntent, as the webhook route passes it on. */
export interface StripePaymentEvent {
  eventId: string;
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.processing';
  paymentIntentId: string;
  /** Unix seconds, Stripe's `created`: late or reordered events are judged by it. */
  created: number;
  failureCode?: string;
  failureMessage?: string;
  /** On success: what Stripe collected, in cents, and by which means. */
  amount?: number;
  method?: 'card' | 'sepa';
}

export const paymentStateQuery = defineQuery<PaymentState>('paymentState');
export const stripePaymentEventSignal = defineSignal<[StripePaymentEvent]>('stripePaymentEvent');
/** A payment was recorded on the invoice outside the workflow (staff, manual): read it again. */
export const invoicePaymentRecordedSignal = defineSignal('invoicePaymentRecorded');
export const paymentDecisionUpdate = defineUpdate<PaymentState, [PaymentDecision]>('paymentDecision');
