import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { ChargeGateway } from '../../activities/billing-activities.ts';
import { PaymentGatewayError } from '../../adapters/stripe/stripe-gateway.ts';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay, nextWeekday } from '../../domain/calendar.ts';
import { atHour } from '../../domain/delivery-calendar.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import { CocagneError } from '../../domain/errors.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoices.ts';
import { invoicePaymentProcessId } from '../../domain/process-ids.ts';
import { createPaymentCommands } from '../../temporal/payment-client.ts';
import { issueFourBasketsInvoice, saveTestCard, testBillingActivities } from '../../tests/support/billing.ts';
import { emailsTo, uniqueEmail } from '../../tests/support/moto.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import {
  decideUpdate,
  nextDeliveriesQuery,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
} from '../subscription/contract.ts';
import type { subscriptionWorkflow } from '../subscription/workflow.ts';
import {
  invoicePaymentRecordedSignal,
  invoicePaymentType,
  paymentStateQuery,
  stripePaymentEventSignal,
  type InvoicePaymentInput,
} from './contract.ts';
import type { invoicePayment } from './workflow.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const paris = 'Europe/Paris';

type ChargeCall = Parameters<ChargeGateway['charge']>[0];

/** Stripe as the workflow sees it, answering from a script (stripe-mock cannot decline). */
function scriptedGateway(answers: Array<Awaited<ReturnType<ChargeGateway['charge']>>>) {
  const calls: ChargeCall[] = [];
  const gateway: ChargeGateway = {
    async charge(input) {
      calls.push(input);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (!answer) throw new Error('no scripted answer');
      return answer;
    },
    async findCharge() {
      return undefined;
    },
  };
  return { gateway, calls };
}

/**
 * Stripe's idempotency and PaymentIntents as the workflow meets them (stripe-mock keeps no
 * state): a key is remembered with its amount and its first answer, including a 500; the same
 * key with another amount is refused (idempotency_error); each PaymentIntent keeps the
 * metadata it was created with. `onCall` plays what happens around one call (staff record a
 * cheque, the answer is lost on the way back).
 */
function statefulStripe(
  onCall: (call: number, input: ChargeCall) => Promise<'created-then-lost' | 'error-500' | void>,
) {
  const calls: ChargeCall[] = [];
  const keys = new Map<
    string,
    { amount: number; answer: () => Promise<Awaited<ReturnType<ChargeGateway['charge']>>> }
  >();
  const intents: Array<{ id: string; amount: number; metadata: ChargeCall['metadata'] }> = [];
  const lost = () =>
    new PaymentGatewayError(true, new Error('api_connection_error: the connection was reset'));
  const gateway: ChargeGateway = {
    async charge(input) {
      calls.push(input);
      const known = keys.get(input.idempotencyKey);
      if (known) {
        if (known.amount !== input.amount) {
          throw new PaymentGatewayError(
            false,
            new Error(
              'idempotency_error: Keys for idempotent requests can only be used with the same parameters they were first used with.',
            ),
          );
        }
        return known.answer();
      }
      const what = await onCall(calls.length, input);
      if (what === 'error-500') {
        keys.set(input.idempotencyKey, { amount: input.amount, answer: () => Promise.reject(lost()) });
        throw lost();
      }
      const intent = {
        id: `pi_stateful_${intents.length + 1}`,
        amount: input.amount,
        metadata: input.metadata,
      };
      intents.push(intent);
      const answer = { paymentIntentId: intent.id, status: 'succeeded' as const, amount: intent.amount };
      keys.set(input.idempotencyKey, { amount: input.amount, answer: async () => answer });
      if (what === 'created-then-lost') throw lost();
      return answer;
    },
    async findCharge(input) {
      const intent = intents.find(
        (candidate) =>
          candidate.metadata.workflowId === input.workflowId &&
          String(candidate.metadata.attempt) === String(input.attempt),
      );
      return intent && { paymentIntentId: intent.id, status: 'succeeded', amount: intent.amount };
    },
  };
  return { gateway, calls, intents };
}

/**
 * The collection of invoices on the time-skipping server: weeks pass in seconds, invoices and
 * payments are real records in DynamoDB Local, messages really go to moto (SES).
 */
describe('collecting an invoice', { timeout: 180_000 }, () => {
  // Each test on its own time-skipping server: what one leaves running cannot hold another's clock.
  const garden = workflowTestGarden('payments', { serverPerTest: true });

  beforeAll(async () => {
    const t0 = new Date();
    const today = gardenDay(t0, paris);
    await garden.store.settings.saveCalendar(
      garden.gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(today, -30), end: addDays(today, 300) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      0,
      t0.toISOString(),
    );
    await garden.store.settings.saveRules(garden.gardenId, { ...defaultGardenRules, renewal: 'rolling' }, 0);
  });

  async function household(purpose: string, withCard: boolean) {
    const t0 = new Date(await garden.env.currentTimeMs());
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail(purpose);
    await garden.store.members.create(
      garden.gardenId,
      memberId,
      { firstName: 'Sophie', lastName: 'Girardot', email },
      t0.toISOString(),
    );
    if (withCard) await saveTestCard(garden.store, garden.gardenId, memberId);
    const invoice = await issueFourBasketsInvoice(
      garden.store,
      {
        gardenId: garden.gardenId,
        memberId,
        issuedOn: gardenDay(t0, paris),
        dueOn: addDays(gardenDay(t0, paris), 2),
      },
      `test/${memberId}`,
    );
    return { memberId, email, invoice };
  }

  const run = <T>(gateway: ChargeGateway, body: (taskQueue: string) => Promise<T>) =>
    withTestWorker(garden.env, testBillingActivities(garden.store, gateway), body);

  /** Staff record a payment of the invoice, now. */
  const staffRecord = (
    invoice: Invoice,
    payment: Omit<Parameters<Store['invoices']['addPayment']>[2], 'recorded'>,
  ) =>
    garden.store.invoices.addPayment(garden.gardenId, invoice.number, {
      ...payment,
      recorded: { by: staff, at: new Date().toISOString() },
    });

  /** Staff record a 20 € cheque for the invoice, received on its due day. */
  const twentyEuroCheque = (invoice: Invoice, id: string, reference: string) =>
    staffRecord(invoice, { id, method: 'cheque', amount: 2000, receivedOn: invoice.dueOn, reference });

  /**
   * Stripe as statefulStripe() plays it, where staff record a 20 € cheque during the first
   * call, which then ends as `outcome` (charged but the answer lost, or a 500 without a charge).
   */
  const chequeDuringFirstCharge = (
    invoice: Invoice,
    chequeId: string,
    reference: string,
    outcome: 'created-then-lost' | 'error-500',
  ) =>
    statefulStripe(async (call) => {
      if (call !== 1) return;
      await twentyEuroCheque(invoice, chequeId, reference);
      return outcome;
    });

  /** Lets server time pass; fails clearly if the test server's clock gets stuck. */
  const sleepUntil = async (instant: Date) => {
    const wait = instant.getTime() - (await garden.env.currentTimeMs());
    if (wait <= 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`time did not reach ${instant.toISOString()} in 60 s`)),
        60_000,
      );
    });
    try {
      await Promise.race([garden.env.sleep(wait), stuck]);
    } finally {
      clearTimeout(timer);
    }
  };

  /** The invoice's payment workflow, as the billing run starts it. */
  function startCollection(
    taskQueue: string,
    invoice: { number: number; memberId: string },
  ): Promise<WorkflowHandle<typeof invoicePayment>> {
    return garden.env.client.workflow.start(invoicePaymentType, {
      taskQueue,
      workflowId: invoicePaymentProcessId(garden.gardenId, invoice.number),
      args: [{ gardenId: garden.gardenId, invoiceNumber: invoice.number, memberId: invoice.memberId }],
    });
  }

  /** Collects the invoice from its due day until it is paid. */
  async function collectUntilPaid(gateway: ChargeGateway, invoice: Invoice): Promise<void> {
    await run(gateway, async (taskQueue) => {
      const handle = await startCollection(taskQueue, invoice);
      await sleepUntil(new Date(atHour(invoice.dueOn, 9, paris)));
      await expect
        .poll(async () => (await handle.query(paymentStateQuery)).phase, { timeout: 30_000 })
        .toBe('paid');
    });
  }

  /** An approved weekly subscription of the household, starting next week. */
  async function runningSubscription(taskQueue: string, memberId: string) {
    const t0 = new Date(await garden.env.currentTimeMs());
    const startDate = nextWeekday(addDays(gardenDay(t0, paris), 7), 2);
    const subscriptionId = `${memberId}.${startDate}`;
    const subscription: WorkflowHandle<typeof subscriptionWorkflow> = await garden.env.client.workflow.start(
      subscriptionWorkflowType,
      {
        taskQueue,
        workflowId: subscriptionWorkflowId(garden.gardenId, subscriptionId),
        args: [
          {
            gardenId: garden.gardenId,
            subscriptionId,
            request: {
              memberId,
              basketSize: 'medium',
              frequency: 'weekly',
              depotId: garden.depotId,
              startDate,
            },
            requested: { by: staff, at: t0.toISOString() },
          },
        ],
      },
    );
    await subscription.executeUpdate(decideUpdate, {
      args: [{ input: { decision: 'approve' }, actor: staff }],
    });
    return { subscriptionId, subscription };
  }

  it('retries on the garden schedule, tells the member each time, then staff suspend and a cheque resumes deliveries', async () => {
    const { memberId, email, invoice } = await household('declined', true);
    const { gateway, calls } = scriptedGateway([
      {
        paymentIntentId: 'pi_declined',
        status: 'failed',
        failure: { code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
      },
    ]);
    await run(gateway, async (taskQueue) => {
      // A running subscription, whose deliveries the suspension stops.
      const { subscriptionId, subscription } = await runningSubscription(taskQueue, memberId);

      const input: InvoicePaymentInput = {
        gardenId: garden.gardenId,
        invoiceNumber: invoice.number,
        memberId,
      };
      const workflowId = invoicePaymentProcessId(garden.gardenId, invoice.number);
      const handle: WorkflowHandle<typeof invoicePayment> = await garden.env.client.workflow.start(
        invoicePaymentType,
        {
          taskQueue,
          workflowId,
          args: [input],
        },
      );
      expect(await handle.query(paymentStateQuery)).toMatchObject({ phase: 'scheduled', attempts: [] });

      // Decisions go through the client the API uses. While the garden's schedule still runs,
      // staff cannot decide: refused in French (the API's 422), nothing changes.
      const payments = createPaymentCommands(garden.env.client);
      const early = await payments
        .decide(garden.gardenId, invoice.number, { decision: 'write-off', reason: 'Trop tôt', actor: staff })
        .catch((error: unknown) => error);
      expect(early).toBeInstanceOf(CocagneError);
      expect(early).toMatchObject({ code: 'refused' });
      expect((early as CocagneError).messages.fr).toMatch(/n'attend pas de décision/);
      expect((await handle.query(paymentStateQuery)).phase).toBe('scheduled');

      // Due date, then +3, +7 and +14 days: four charges, each with its own idempotency key.
      const due = invoice.dueOn;
      const tries = [due, addDays(due, 3), addDays(due, 10), addDays(due, 24)];
      for (const [index, day] of tries.entries()) {
        await sleepUntil(new Date(atHour(day, 8, paris).getTime() + 3_600_000));
        expect(calls).toHaveLength(index + 1);
      }
      expect(calls.map((call) => call.idempotencyKey)).toEqual(
        [1, 2, 3, 4].map((n) => `${workflowId}/attempt-${n}`),
      );
      expect(calls[0]).toMatchObject({ amount: 6800, customerId: 'cus_test', paymentMethodId: 'pm_test' });
      const state = await handle.query(paymentStateQuery);
      expect(state.phase).toBe('awaiting-decision');
      expect(state.attempts.map((attempt) => attempt.outcome)).toEqual([
        'failed',
        'failed',
        'failed',
        'failed',
      ]);
      expect(state.attempts[0]?.reason?.fr).toMatch(/provision|solde|fonds/i);

      // One message per failure, none twice; the first three announce the next try.
      const failureMails = async () =>
        (await emailsTo(email)).filter((mail) => mail.subject.includes("n'a pas abouti"));
      await expect.poll(async () => (await failureMails()).length, { timeout: 10_000 }).toBe(4);
      const failures = await failureMails();
      expect(failures.filter((mail) => /Nous réessaierons le/.test(mail.body))).toHaveLength(3);
      // After the last one, no promise of another try: the team will get in touch.
      const last = failures.find((mail) => !/Nous réessaierons le/.test(mail.body));
      expect(last?.body).toMatch(/L(?:'|&#39;)équipe du jardin va vous contacter/);
      expect(last?.body).not.toMatch(/réessaierons/);

      // Staff suspend deliveries: the next deliveries open to changes are suspended.
      const suspended = await payments.decide(garden.gardenId, invoice.number, {
        decision: 'suspend',
        reason: 'Quatre échecs, pas de réponse',
        actor: staff,
      });
      expect(suspended).toMatchObject({ phase: 'suspended', decision: { decision: 'suspend', by: staff } });
      await expect
        .poll(
          async () =>
            (
              await subscription.query(
                nextDeliveriesQuery,
                8,
                new Date(await garden.env.currentTimeMs()).toISOString(),
              )
            ).map((d) => d.state),
          { timeout: 10_000 },
        )
        .toContain('suspended');
      // The workflow's state says suspended before its activity has written the record: wait for it.
      await expect
        .poll(
          async () =>
            (await garden.store.subscriptions.get(garden.gardenId, subscriptionId))?.suspension
              ?.invoiceNumbers,
          { timeout: 10_000 },
        )
        .toEqual([invoice.number]);

      // A cheque for the whole amount settles the invoice; deliveries resume.
      const paid = await payments.decide(garden.gardenId, invoice.number, {
        decision: 'manual',
        reason: 'Chèque remis au dépôt',
        actor: staff,
        payment: {
          method: 'cheque',
          amount: 6800,
          receivedOn: gardenDay(new Date(await garden.env.currentTimeMs()), paris),
          reference: '0001234',
          bank: 'Crédit Agricole',
        },
      });
      expect(paid.phase).toBe('paid');
      expect(await handle.result()).toMatchObject({ phase: 'paid' });
      const settled = await garden.store.invoices.get(garden.gardenId, invoice.number);
      expect(settled).toMatchObject({
        status: 'paid',
        payments: [{ method: 'cheque', amount: 6800, reference: '0001234' }],
      });
      await expect
        .poll(
          async () => (await garden.store.subscriptions.get(garden.gardenId, subscriptionId))?.suspension,
          {
            timeout: 10_000,
          },
        )
        .toBeUndefined();
      const upcoming = await subscription.query(
        nextDeliveriesQuery,
        8,
        new Date(await garden.env.currentTimeMs()).toISOString(),
      );
      expect(upcoming.map((delivery) => delivery.state)).not.toContain('suspended');
      await expect
        .poll(async () => (await emailsTo(email)).map((mail) => mail.subject), { timeout: 10_000 })
        .toEqual(expect.arrayContaining(['Vos livraisons sont suspendues', 'Vos livraisons reprennent']));
      await subscription.terminate('test over');
    });
  });

  it('waits for Stripe on a SEPA debit: a duplicated failure counts once, a late success settles once', async () => {
    const { invoice } = await household('sepa', true);
    const { gateway, calls } = scriptedGateway([{ paymentIntentId: 'pi_sepa_1', status: 'processing' }]);
    await run(gateway, async (taskQueue) => {
      const handle = await startCollection(taskQueue, invoice);
      await sleepUntil(new Date(atHour(invoice.dueOn, 9, paris)));
      expect(await handle.query(paymentStateQuery)).toMatchObject({ phase: 'awaiting-result' });
      const failed = {
        eventId: 'evt_fail_1',
        type: 'payment_intent.payment_failed' as const,
        paymentIntentId: 'pi_sepa_1',
        created: Math.floor((await garden.env.currentTimeMs()) / 1000),
        failureCode: 'insufficient_funds',
      };
      await handle.signal(stripePaymentEventSignal, failed);
      await handle.signal(stripePaymentEventSignal, failed);
      await expect
        .poll(async () => (await handle.query(paymentStateQuery)).phase, { timeout: 10_000 })
        .toBe('waiting-retry');
      expect((await handle.query(paymentStateQuery)).attempts).toHaveLength(1);

      // A day later, while the retry waits, the debit's success arrives after all (reordered):
      // the money is there, the retry is not made.
      await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 1), 9, paris)));
      const late = {
        eventId: 'evt_ok_1',
        type: 'payment_intent.succeeded' as const,
        paymentIntentId: 'pi_sepa_1',
        created: Math.floor((await garden.env.currentTimeMs()) / 1000),
      };
      await handle.signal(stripePaymentEventSignal, late);
      await handle.signal(stripePaymentEventSignal, late);
      await expect
        .poll(async () => (await handle.query(paymentStateQuery)).phase, { timeout: 30_000 })
        .toBe('paid');
      expect(calls).toHaveLength(1);
      const settled = await garden.store.invoices.get(garden.gardenId, invoice.number);
      expect(settled?.status).toBe('paid');
      expect(settled?.payments).toEqual([
        expect.objectContaining({ method: 'card', amount: 6800, reference: 'pi_sepa_1' }),
      ]);
    });
  });

  it('without a saved means of payment, reminds once when overdue and settles on a payment staff record', async () => {
    const { email, invoice } = await household('manual', false);
    const { gateway, calls } = scriptedGateway([{ paymentIntentId: 'pi_never', status: 'succeeded' }]);
    await run(gateway, async (taskQueue) => {
      const handle = await startCollection(taskQueue, invoice);
      await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 1), 9, paris)));
      expect(await handle.query(paymentStateQuery)).toMatchObject({ phase: 'awaiting-manual' });
      await expect
        .poll(
          async () =>
            (await emailsTo(email)).filter((mail) => mail.subject.includes('en attente de paiement')),
          { timeout: 10_000 },
        )
        .toHaveLength(1);
      // Staff record a transfer in two parts; the second settles the invoice.
      await staffRecord(invoice, {
        id: 'p-1',
        method: 'transfer',
        amount: 4000,
        receivedOn: addDays(invoice.dueOn, 1),
      });
      await handle.signal(invoicePaymentRecordedSignal);
      await garden.env.sleep(60_000);
      expect((await handle.query(paymentStateQuery)).phase).toBe('awaiting-manual');
      await staffRecord(invoice, {
        id: 'p-2',
        method: 'transfer',
        amount: 2800,
        receivedOn: addDays(invoice.dueOn, 2),
      });
      await handle.signal(invoicePaymentRecordedSignal);
      expect(await handle.result()).toMatchObject({ phase: 'paid' });
      expect(calls).toHaveLength(0);
    });
  });

  it('staff suspend an overdue invoice without waiting, then write it off: the reason stays, deliveries resume, the member reads why', async () => {
    const { memberId, email, invoice } = await household('written-off', false);
    const { gateway } = scriptedGateway([]);
    await run(gateway, async (taskQueue) => {
      const { subscriptionId, subscription } = await runningSubscription(taskQueue, memberId);
      const handle = await startCollection(taskQueue, invoice);
      // No means of payment: the day after the due date it waits for a payment by hand, and
      // staff may already decide.
      await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 1), 9, paris)));
      expect((await handle.query(paymentStateQuery)).phase).toBe('awaiting-manual');
      const payments = createPaymentCommands(garden.env.client);
      const suspended = await payments.decide(garden.gardenId, invoice.number, {
        decision: 'suspend',
        reason: 'Pas de réponse aux relances',
        actor: staff,
      });
      expect(suspended.phase).toBe('suspended');
      await expect
        .poll(
          async () => (await garden.store.subscriptions.get(garden.gardenId, subscriptionId))?.suspension,
          {
            timeout: 10_000,
          },
        )
        .toBeDefined();

      const closed = await payments.decide(garden.gardenId, invoice.number, {
        decision: 'write-off',
        reason: '  Famille en grande difficulté  ',
        actor: staff,
      });
      expect(closed.phase).toBe('written-off');
      expect(await garden.store.invoices.get(garden.gardenId, invoice.number)).toMatchObject({
        status: 'written-off',
        writtenOff: { by: staff, reason: 'Famille en grande difficulté' },
      });
      await expect
        .poll(
          async () => (await garden.store.subscriptions.get(garden.gardenId, subscriptionId))?.suspension,
          {
            timeout: 10_000,
          },
        )
        .toBeUndefined();
      await expect
        .poll(
          async () =>
            (await emailsTo(email)).find((mail) => mail.subject === 'Vos livraisons reprennent')?.body,
          { timeout: 10_000 },
        )
        .toMatch(
          new RegExp(`L(?:'|&#39;)équipe du jardin a clos la facture ${invoiceLabel(invoice.number)}`),
        );
      await subscription.terminate('test over');
    });
  });

  it('answers staff at once when they try a debit again, while the bank takes days to confirm it', async () => {
    const { invoice } = await household('retry-sepa', true);
    const declined = { code: 'insufficient_funds', message: 'Insufficient funds.' };
    const { gateway, calls } = scriptedGateway([
      ...[1, 2, 3, 4].map((n) => ({
        paymentIntentId: `pi_${n}`,
        status: 'failed' as const,
        failure: declined,
      })),
      { paymentIntentId: 'pi_again', status: 'processing' },
    ]);
    await run(gateway, async (taskQueue) => {
      const handle = await startCollection(taskQueue, invoice);
      await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 25), 9, paris)));
      expect((await handle.query(paymentStateQuery)).phase).toBe('awaiting-decision');

      const answer = await createPaymentCommands(garden.env.client).decide(garden.gardenId, invoice.number, {
        decision: 'retry',
        reason: 'Le compte est approvisionné',
        actor: staff,
      });
      expect(answer.phase).toBe('awaiting-result');
      expect(calls).toHaveLength(5);

      await handle.signal(stripePaymentEventSignal, {
        eventId: 'evt_again_ok',
        type: 'payment_intent.succeeded',
        paymentIntentId: 'pi_again',
        created: Math.floor((await garden.env.currentTimeMs()) / 1000),
        amount: 6800,
        method: 'sepa',
      });
      expect(await handle.result()).toMatchObject({ phase: 'paid' });
      expect((await garden.store.invoices.get(garden.gardenId, invoice.number))?.payments).toEqual([
        expect.objectContaining({ method: 'sepa', amount: 6800, reference: 'pi_again' }),
      ]);
    });
  });

  it('gives a SEPA debit 20 days for the bank to confirm before counting it failed', async () => {
    const { invoice } = await household('sepa-silent', true);
    const { gateway, calls } = scriptedGateway([{ paymentIntentId: 'pi_silent', status: 'processing' }]);
    await run(gateway, async (taskQueue) => {
      const handle = await startCollection(taskQueue, invoice);
      // Stripe allows up to 14 business days: after 19 calendar days it still waits.
      await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 19), 9, paris)));
      expect((await handle.query(paymentStateQuery)).phase).toBe('awaiting-result');
      await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 21), 9, paris)));
      const state = await handle.query(paymentStateQuery);
      expect(state.phase).toBe('waiting-retry');
      expect(state.attempts).toEqual([
        expect.objectContaining({
          paymentIntentId: 'pi_silent',
          outcome: 'failed',
          reason: expect.objectContaining({ fr: "La banque n'a pas confirmé le paiement à temps." }),
        }),
      ]);
      expect(calls).toHaveLength(1);
      await handle.terminate('test over');
    });
  });

  it('retries a charge whose answer was lost with the same amount and key, though a cheque came in between, and records what Stripe took', async () => {
    const { invoice } = await household('lost-answer', true);
    const workflowId = invoicePaymentProcessId(garden.gardenId, invoice.number);
    // While Stripe charges the card, staff record a 20 € cheque at the depot; then the
    // connection drops before Stripe's answer arrives.
    const stripe = chequeDuringFirstCharge(invoice, 'cheque-during-charge', '0007777', 'created-then-lost');
    await collectUntilPaid(stripe.gateway, invoice);
    // Every call of the attempt carries the amount fixed with its key: Stripe never sees one
    // key with two amounts.
    expect(stripe.calls.length).toBeGreaterThan(0);
    for (const call of stripe.calls) {
      expect([call.idempotencyKey, call.amount]).toEqual([`${workflowId}/attempt-1`, 6800]);
    }
    expect(stripe.intents).toHaveLength(1);
    const settled = await garden.store.invoices.get(garden.gardenId, invoice.number);
    expect(settled?.payments.map((payment) => [payment.method, payment.amount, payment.reference])).toEqual([
      ['cheque', 2000, '0007777'],
      ['card', 6800, 'pi_stateful_1'],
    ]);
  });

  it('fixes a new attempt, with a new key and what is now due, when a cheque came in before the charge reached Stripe', async () => {
    const { invoice } = await household('amount-changed', true);
    const workflowId = invoicePaymentProcessId(garden.gardenId, invoice.number);
    // Stripe failed inside (500) without charging, and keeps that answer for the key.
    const stripe = chequeDuringFirstCharge(invoice, 'cheque-before-charge', '0008888', 'error-500');
    await collectUntilPaid(stripe.gateway, invoice);
    expect(stripe.calls.map((call) => [call.idempotencyKey, call.amount])).toEqual([
      [`${workflowId}/attempt-1`, 6800],
      [`${workflowId}/attempt-1.1`, 4800],
    ]);
    const settled = await garden.store.invoices.get(garden.gardenId, invoice.number);
    expect(settled?.payments.map((payment) => [payment.method, payment.amount])).toEqual([
      ['cheque', 2000],
      ['card', 4800],
    ]);
  });

  it('records a Stripe success that arrives after its attempt was recorded as failed', async () => {
    const { invoice } = await household('late-success', true);
    // Stripe refused the request itself (no PaymentIntent came back): the attempt is failed.
    const { gateway, calls } = scriptedGateway([
      { status: 'failed', failure: { code: 'processing_error', message: 'Stripe refused the request.' } },
    ]);
    await run(gateway, async (taskQueue) => {
      const handle = await startCollection(taskQueue, invoice);
      await sleepUntil(new Date(atHour(invoice.dueOn, 9, paris)));
      expect(await handle.query(paymentStateQuery)).toMatchObject({
        phase: 'waiting-retry',
        attempts: [{ number: 1, outcome: 'failed' }],
      });
      // Yet the charge went through: Stripe's webhook tells, about a PaymentIntent the
      // workflow never heard of.
      await handle.signal(stripePaymentEventSignal, {
        eventId: 'evt_late_success',
        type: 'payment_intent.succeeded',
        paymentIntentId: 'pi_never_answered',
        created: Math.floor((await garden.env.currentTimeMs()) / 1000),
        amount: 6800,
        method: 'card',
      });
      await expect
        .poll(async () => (await handle.query(paymentStateQuery)).phase, { timeout: 30_000 })
        .toBe('paid');
      expect(calls).toHaveLength(1);
      expect((await garden.store.invoices.get(garden.gardenId, invoice.number))?.payments).toEqual([
        expect.objectContaining({ method: 'card', amount: 6800, reference: 'pi_never_answered' }),
      ]);
    });
  });
});
