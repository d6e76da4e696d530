import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  BillingActivities,
  ChargeOutcome,
  InvoiceForCollection,
} from '../../activities/billing-activities.ts';
import type { NotificationActivities } from '../../activities/notifications.ts';
import { addDays, gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { atHour } from '../../domain/delivery-calendar.ts';
import type { NotificationRequest } from '../../domain/notifications.ts';
import { boundedRetry, createPerseverance, persevering } from '../incidents/persevere.ts';
import { createNoticeSender } from '../notices/notice-sender.ts';
import { gardenIdKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import { refuse } from '../refusal.ts';
import { resumeDeliveriesSignal, suspendDeliveriesSignal } from '../subscription/contract.ts';
import {
  invoicePaymentRecordedSignal,
  paymentDecisionUpdate,
  paymentStateQuery,
  stripePaymentEventSignal,
  type InvoicePaymentInput,
  type PaymentDecision,
  type PaymentState,
  type StripePaymentEvent,
} from './contract.ts';

const billingActivities = proxyActivities<BillingActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});
const { notifyMember } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
});

/** A charge's outcome once it was sent (or found) at Stripe. */
type SentCharge = ChargeOutcome & { status: Exclude<ChargeOutcome['status'], 'amount-changed'> };

/** Charges are made in the morning, garden time. */
const chargeHour = 8;
/**
 * How long a SEPA debit may stay "processing" before it counts as failed: Stripe says up to
 * 14 business days, so 20 calendar days (runs started before this waited 14).
 */
const resultWaitMs = () => (patched('sepa-wait-20-days') ? 20 : 14) * 24 * 3_600_000;
const day = 24 * 3_600_000;

/** Staff may decide once every try failed, on suspended deliveries, or on an overdue invoice with no means of payment. */
const decisionPhases: ReadonlyArray<PaymentState['phase']> = [
  'awaiting-decision',
  'suspended',
  'awaiting-manual',
];

/**
 * Collects one invoice: charge on the due date, retry on the garden's schedule telling the
 * member each time why it failed, then let staff decide. A payment staff record, or a
 * Stripe success arriving late, settles it at any point; suspended deliveries then resume.
 */
export async function invoicePayment(input: InvoicePaymentInput): Promise<PaymentState> {
  const { gardenId, invoiceNumber } = input;
  const { workflowId } = workflowInfo();
  // Every step retries a few minutes, then staff hear of it and it waits to be tried again.
  const billing = persevering(billingActivities, createPerseverance(), (activity) => ({
    gardenId,
    what: {
      fr: `Recouvrer la facture ${invoiceNumber} (étape ${activity})`,
      en: `Collect invoice ${invoiceNumber} (step ${activity})`,
    },
    subject: { invoiceNumber },
  }));
  let state: PaymentState = input.carried ?? { phase: 'scheduled', attempts: [] };
  const events: StripePaymentEvent[] = [];
  const seenEvents = new Set<string>();
  let recordedElsewhere = false;
  let pendingDecision: PaymentDecision | undefined;
  let suspendedSubscriptions: string[] = [];

  setHandler(paymentStateQuery, () => state);
  setHandler(stripePaymentEventSignal, (event: StripePaymentEvent) => {
    // The same event delivered twice counts once.
    if (seenEvents.has(event.eventId)) return;
    seenEvents.add(event.eventId);
    events.push(event);
  });
  setHandler(invoicePaymentRecordedSignal, () => {
    recordedElsewhere = true;
  });
  setHandler(
    paymentDecisionUpdate,
    async (decision: PaymentDecision) => {
      pendingDecision = decision;
      if (patched('decision-answered-while-bank-confirms')) {
        // A SEPA debit tried again may take days to confirm: staff hear at once that it is
        // on its way (phase awaiting-result) rather than waiting on the bank.
        await condition(() => pendingDecision === undefined || state.phase === 'awaiting-result');
      } else {
        await condition(() => pendingDecision === undefined);
      }
      return state;
    },
    {
      validator: (decision: PaymentDecision) => {
        if (!decisionPhases.includes(state.phase) || pendingDecision) {
          refuse({
            fr: "Cette facture n'attend pas de décision : elle est réglée ou encore en cours de recouvrement.",
            en: 'This invoice is not waiting for a decision: it is settled or still being collected.',
          });
        }
        if (!decision.reason.trim()) {
          refuse({ fr: 'Indiquez le motif de la décision.', en: 'Give the reason for the decision.' });
        }
        if (decision.decision === 'manual' && !decision.payment) {
          refuse({ fr: 'Indiquez le paiement reçu.', en: 'Give the payment received.' });
        }
        if (decision.decision === 'suspend' && state.phase === 'suspended') {
          refuse({ fr: 'Les livraisons sont déjà suspendues.', en: 'Deliveries are already suspended.' });
        }
      },
    },
  );

  upsertSearchAttributes([{ key: gardenIdKey, value: gardenId }]);

  let info: InvoiceForCollection = await billing.invoiceForCollection({ gardenId, invoiceNumber });
  const settled = () => info.status !== 'open' || info.outstanding === 0;
  /** The garden's, from the invoice's answer (recorded in the history, so replays agree). */
  const timeZone = () => info.timeZone ?? gardenTimeZone;
  const refresh = async () => {
    recordedElsewhere = false;
    info = await billing.invoiceForCollection({ gardenId, invoiceNumber });
  };
  /** Notices go out beside the collection, never in its way: not the next charge nor a decision. */
  const notices = createNoticeSender({
    gardenId,
    workflowId,
    memberId: () => info.memberId,
    subject: () => ({ memberId: info.memberId, invoiceNumber }),
    about: { fr: `facture ${invoiceNumber}`, en: `invoice ${invoiceNumber}` },
    // Its answer is not read; a failure reaches the sender one step later, as it always did
    // here, which keeps the order of commands of collections already running.
    notify: (notice) => notifyMember(notice).then(() => undefined),
    reportsUndelivered: () => patched('undelivered-payment-notices-reported'),
  });
  const tell = (key: string, request: NotificationRequest) => notices.send(key, request);
  const failedAttempts = () => state.attempts.filter((attempt) => attempt.outcome === 'failed').length;
  const ourIntents = () => new Set(state.attempts.map((attempt) => attempt.paymentIntentId).filter(Boolean));

  /** Stripe events: a success for any of our charges settles; a failure counts for the current one only. */
  async function absorbEvents(): Promise<'succeeded' | 'failed' | undefined> {
    let outcome: 'succeeded' | 'failed' | undefined;
    while (events.length > 0) {
      const event = events.shift() as StripePaymentEvent;
      const recordSuccess = () =>
        billing.recordStripePayment({
          gardenId,
          invoiceNumber,
          paymentIntentId: event.paymentIntentId,
          amount: event.amount ?? info.outstanding,
          method: event.method ?? info.paymentMethod?.kind ?? 'card',
          receivedOn: gardenDay(new Date(event.created * 1000), timeZone()),
        });
      if (!ourIntents().has(event.paymentIntentId)) {
        // A success about a PaymentIntent no attempt knows: Stripe charged, but its answer
        // never came back and the attempt was recorded as failed without it. The webhook
        // routed it here by the PaymentIntent's metadata, so the money is this invoice's:
        // recorded, not dropped (collections started before this dropped it).
        if (
          event.type === 'payment_intent.succeeded' &&
          patched('stripe-success-of-unknown-intent-recorded')
        ) {
          await recordSuccess();
          await refresh();
          if (settled()) outcome = 'succeeded';
        }
        continue;
      }
      const attempt = state.attempts.find((candidate) => candidate.paymentIntentId === event.paymentIntentId);
      if (event.type === 'payment_intent.succeeded') {
        await recordSuccess();
        if (attempt) attempt.outcome = 'succeeded';
        await refresh();
        outcome = 'succeeded';
      } else if (event.type === 'payment_intent.payment_failed') {
        // Late failures of an attempt already judged change nothing.
        if (attempt?.outcome === 'pending') {
          attempt.outcome = 'failed';
          attempt.reason = await billing.describeFailure({
            code: event.failureCode,
            ...(info.paymentMethod ? { kind: info.paymentMethod.kind } : {}),
          });
          outcome ??= 'failed';
        }
      }
    }
    state = { ...state, attempts: [...state.attempts] };
    return outcome;
  }

  /**
   * Fixes an attempt's amount and idempotency key together, from what is due now, before the
   * first call to Stripe: every retry of the activity then sends the same pair, and Stripe
   * never meets one key with two amounts. If a payment recorded meanwhile changes what is due
   * before the attempt reached Stripe, nothing was sent: the attempt is fixed again, under a
   * new key (`attempt-<n>.<k>`), with the new amount. Undefined when nothing is due any more.
   */
  async function chargeFixed(number: number): Promise<SentCharge | undefined> {
    for (let refixed = 0; ; refixed++) {
      await refresh();
      if (settled()) return undefined;
      const result = await billing.chargeInvoice({
        gardenId,
        invoiceNumber,
        attempt: number,
        workflowId,
        fixed: {
          amount: info.outstanding,
          idempotencyKey: `${workflowId}/attempt-${number}${refixed > 0 ? `.${refixed}` : ''}`,
          fixedAt: new Date().toISOString(),
        },
      });
      if (result.status !== 'amount-changed') return result as SentCharge;
    }
  }

  /** One charge, to its outcome (waiting for Stripe's word on SEPA). */
  async function charge(): Promise<'succeeded' | 'failed' | 'no-payment-method'> {
    const number = state.attempts.length + 1;
    state = { ...state, phase: 'charging' };
    delete state.nextAttemptAt;
    let result: SentCharge;
    if (patched('charge-amount-fixed-before-call')) {
      const sent = await chargeFixed(number);
      if (!sent) return 'succeeded';
      result = sent;
    } else {
      // Collections started before: what is due when the activity runs (never `amount-changed`).
      result = (await billing.chargeInvoice({
        gardenId,
        invoiceNumber,
        attempt: number,
        workflowId,
      })) as SentCharge;
    }
    if (result.status === 'no-payment-method') return 'no-payment-method';
    const at = new Date().toISOString();
    const attempt = {
      number,
      at,
      ...(result.paymentIntentId ? { paymentIntentId: result.paymentIntentId } : {}),
      outcome: result.status === 'processing' ? ('pending' as const) : result.status,
      ...(result.reason ? { reason: result.reason } : {}),
    };
    state = { ...state, attempts: [...state.attempts, attempt] };
    if (result.status === 'succeeded') {
      await refresh();
      return 'succeeded';
    }
    if (result.status === 'failed') return 'failed';
    state = { ...state, phase: 'awaiting-result' };
    const waitMs = resultWaitMs();
    const answered = await condition(() => events.length > 0 || recordedElsewhere, waitMs);
    for (;;) {
      if (recordedElsewhere) {
        await refresh();
        if (settled()) return 'succeeded';
      }
      const outcome = await absorbEvents();
      if (outcome) return outcome;
      if (!answered) break;
      if (!(await condition(() => events.length > 0 || recordedElsewhere, waitMs))) break;
    }
    const last = state.attempts.at(-1);
    if (last?.outcome === 'pending') {
      last.outcome = 'failed';
      last.reason = {
        fr: "La banque n'a pas confirmé le paiement à temps.",
        en: 'The bank did not confirm the payment in time.',
      };
    }
    return 'failed';
  }

  /**
   * Waits `ms`, or less when the invoice gets settled meanwhile (true), or, with
   * `untilDecision`, when staff decide (false, the decision waiting to be carried out).
   */
  async function waitOrSettle(ms: number, untilDecision = false): Promise<boolean> {
    const until = Date.now() + ms;
    const decided = () => untilDecision && pendingDecision !== undefined;
    for (;;) {
      const left = until - Date.now();
      if (left > 0) await condition(() => recordedElsewhere || events.length > 0 || decided(), left);
      if (events.length > 0) await absorbEvents();
      if (recordedElsewhere) await refresh();
      if (settled()) return true;
      if (decided() || Date.now() >= until) return false;
    }
  }

  async function finish(): Promise<void> {
    const writtenOff = info.status === 'written-off';
    if (suspendedSubscriptions.length > 0) {
      for (const id of suspendedSubscriptions) {
        await getExternalWorkflowHandle(id)
          .signal(resumeDeliveriesSignal, {
            invoiceNumber,
            invoiceLabel: info.label,
            ...(writtenOff ? { writtenOff } : {}),
          })
          .catch(() => undefined);
      }
      suspendedSubscriptions = [];
    }
    state = { ...state, phase: writtenOff ? 'written-off' : 'paid' };
    delete state.nextAttemptAt;
    upsertSearchAttributes([{ key: waitingOnKey, value: null }]);
  }

  await collect();
  await Promise.all(notices.onTheirWay());
  await condition(allHandlersFinished);
  return state;

  async function collect(): Promise<void> {
    // 1. Until the due date, nothing but payments recorded by staff.
    if (settled()) return finish();
    const dueAt = atHour(info.dueOn, chargeHour, timeZone()).getTime();
    state = { ...state, phase: 'scheduled', nextAttemptAt: new Date(dueAt).toISOString() };
    if (await waitOrSettle(dueAt - Date.now())) return finish();

    // 2. Charge, and retry on the garden's schedule; without a means of payment, remind once.
    for (;;) {
      const outcome = await charge();
      if (outcome === 'succeeded' || settled()) return finish();
      if (outcome === 'no-payment-method') {
        state = { ...state, phase: 'awaiting-manual' };
        delete state.nextAttemptAt;
        tell('overdue', {
          kind: 'payment-overdue',
          data: { invoiceLabel: info.label, amount: info.outstanding, dueOn: info.dueOn },
        });
        const graceDays = info.retryDays.reduce((sum, days) => sum + days, 0);
        // Staff may decide before then (the member saved a card: try it now; or suspend).
        if (await waitOrSettle(graceDays * day, true)) return finish();
        break;
      }
      const failures = failedAttempts();
      const delay = info.retryDays[failures - 1];
      const reason = state.attempts.at(-1)?.reason ?? {
        fr: 'Le paiement a été refusé.',
        en: 'The payment was declined.',
      };
      const nextAttempt = delay !== undefined ? addDays(gardenDay(new Date(), timeZone()), delay) : undefined;
      tell(`failed/${state.attempts.length}`, {
        kind: 'payment-failed',
        data: {
          invoiceLabel: info.label,
          amount: info.outstanding,
          reason,
          paymentMethodUrl: info.paymentMethodUrl,
          ...(nextAttempt ? { nextAttempt } : {}),
        },
      });
      if (!nextAttempt) break;
      const at = atHour(nextAttempt, chargeHour, timeZone()).getTime();
      state = { ...state, phase: 'waiting-retry', nextAttemptAt: new Date(at).toISOString() };
      if (await waitOrSettle(at - Date.now())) return finish();
    }

    // 3. Staff decide, as often as needed, until the invoice is settled.
    state = { ...state, phase: 'awaiting-decision' };
    delete state.nextAttemptAt;
    upsertSearchAttributes([{ key: waitingOnKey, value: waitingOn.paymentDecision }]);
    for (;;) {
      await condition(() => pendingDecision !== undefined || recordedElsewhere || events.length > 0);
      if (events.length > 0) await absorbEvents();
      if (recordedElsewhere) await refresh();
      if (settled() && !pendingDecision) return finish();
      const decision = pendingDecision;
      if (!decision) continue;
      state = {
        ...state,
        decision: {
          decision: decision.decision,
          reason: decision.reason.trim(),
          by: decision.actor,
          at: new Date().toISOString(),
        },
      };
      const waitingPhase = state.phase;
      if (decision.decision === 'retry') {
        const outcome = await charge();
        if (outcome === 'failed') {
          tell(`failed/${state.attempts.length}`, {
            kind: 'payment-failed',
            data: {
              invoiceLabel: info.label,
              amount: info.outstanding,
              reason: state.attempts.at(-1)?.reason ?? {
                fr: 'Le paiement a été refusé.',
                en: 'The payment was declined.',
              },
              paymentMethodUrl: info.paymentMethodUrl,
            },
          });
        }
        if (outcome === 'no-payment-method') {
          state = {
            ...state,
            attempts: [
              ...state.attempts,
              {
                number: state.attempts.length + 1,
                at: new Date().toISOString(),
                outcome: 'failed',
                reason: {
                  fr: "Aucun moyen de paiement en ligne n'est enregistré pour ce foyer.",
                  en: 'No online means of payment is saved for this household.',
                },
              },
            ],
          };
        }
      } else if (decision.decision === 'manual' && decision.payment) {
        await billing.recordManualPayment({
          gardenId,
          invoiceNumber,
          paymentId: `${workflowId}/decision-${state.attempts.length}-${Date.now()}`,
          payment: decision.payment,
          actor: decision.actor,
        });
        await refresh();
      } else if (decision.decision === 'write-off') {
        await billing.writeOffInvoice({
          gardenId,
          invoiceNumber,
          actor: decision.actor,
          reason: decision.reason,
        });
        await refresh();
      } else if (decision.decision === 'suspend') {
        suspendedSubscriptions = await billing.memberSubscriptionWorkflowIds({
          gardenId,
          memberId: info.memberId,
        });
        for (const id of suspendedSubscriptions) {
          await getExternalWorkflowHandle(id)
            .signal(suspendDeliveriesSignal, {
              invoiceNumber,
              invoiceLabel: info.label,
              amount: info.outstanding,
              reason: decision.reason.trim(),
              decided: { by: decision.actor, at: new Date().toISOString() },
            })
            .catch(() => undefined);
        }
      }
      if (settled()) {
        await finish();
        pendingDecision = undefined;
        return;
      }
      state = {
        ...state,
        phase:
          decision.decision === 'suspend' || waitingPhase === 'suspended' ? 'suspended' : 'awaiting-decision',
      };
      pendingDecision = undefined;
    }
  }
}
