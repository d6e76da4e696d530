// Records histories of the invoice payment workflow and of the billing run for
// temporal/replay.test.ts, as tests/record-histories.ts does for subscriptions: each scenario
// runs on the time-skipping test server with the current workflow code, "Stripe" answering
// from a script. Run it when these workflows gain a path worth guarding (a `patched()` id in
// temporal/patches.ts), then commit the new files:
//   sh infra/local/bin/cocagne exec node tests/record-payment-histories.ts
// It never overwrites a recorded history: a replay failure means running collections would
// break, and must be fixed in the workflow (with patched()), not by recording again.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import type { ChargeGateway } from '../activities/billing-activities.ts';
import { withTemporalFailures } from '../activities/failures.ts';
import { PaymentGatewayError } from '../adapters/stripe/stripe-gateway.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { atHour } from '../domain/delivery-calendar.ts';
import { defaultPricing } from '../domain/pricing.ts';
import { invoicePaymentProcessId } from '../domain/process-ids.ts';
import { issueFourBasketsInvoice, saveTestCard, testBillingActivities } from './support/billing.ts';
import { createTestGarden, testStore } from './support/environment.ts';
import { uniqueEmail } from './support/moto.ts';
import { sleepUntil, timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import { billingRunId, billingRunType } from '../workflows/billing/contract.ts';
import { retryNowSignal } from '../workflows/incidents/contract.ts';
import {
  invoicePaymentRecordedSignal,
  invoicePaymentType,
  paymentDecisionUpdate,
  stripePaymentEventSignal,
} from '../workflows/payment/contract.ts';
import { testDataConverter } from './support/environment.ts';

type ChargeAnswer = Awaited<ReturnType<ChargeGateway['charge']>>;

const paris = 'Europe/Paris';
const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const env = await timeSkippingEnvironment();
const store = await testStore();
const { gardenId } = await createTestGarden(store, 'payment-history');
const taskQueue = `payment-history-${randomUUID()}`;

/**
 * "Stripe" as each scenario scripts it: the next answer for each charge (or what happens
 * around that call); while `stripeDown`, every call meets an outage.
 */
let answers: Array<ChargeAnswer | (() => Promise<ChargeAnswer>)> = [];
let stripeDown = false;
const gateway: ChargeGateway = {
  async charge() {
    if (stripeDown)
      throw new PaymentGatewayError(true, new Error('api_connection_error: Stripe is unreachable'));
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer');
    return typeof answer === 'function' ? answer() : answer;
  },
  async findCharge() {
    return undefined;
  },
};

/** While true, the mail service is down: every message fails (and is retried). */
let mailDown = false;
/** Subscriptions whose stored data cannot be billed (a day that does not exist). */
const badData = new Set<string>();
const real = testBillingActivities(store, gateway);
const worker = await Worker.create({
  dataConverter: testDataConverter(),
  connection: env.nativeConnection,
  taskQueue,
  workflowBundle: await workflowBundle(),
  // Wrapped as the worker wraps every activity (activities/index.ts).
  activities: withTemporalFailures({
    ...real,
    notifyMember: async (input: Parameters<typeof real.notifyMember>[0]) => {
      if (mailDown) throw new Error('SES: Service Unavailable');
      return real.notifyMember(input);
    },
    issueSeasonInstallments: async (input: Parameters<typeof real.issueSeasonInstallments>[0]) => {
      if (badData.has(input.subscriptionId)) new Date('2026-00-01T00:00:00Z').toISOString();
      return real.issueSeasonInstallments(input);
    },
  }),
});

const seconds = async () => Math.floor((await env.currentTimeMs()) / 1000);

/** A household with a saved card and a 68 € invoice due in two days, and its collection started. */
async function collection(name: string, script: typeof answers) {
  answers = script;
  const t0 = new Date(await env.currentTimeMs());
  const memberId = `m-${randomUUID().slice(0, 6)}`;
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Test', lastName: name, email: uniqueEmail(name) },
    t0.toISOString(),
  );
  await saveTestCard(store, gardenId, memberId, { customer: 'cus_history', paymentMethod: 'pm_history' });
  const invoice = await issueFourBasketsInvoice(
    store,
    { gardenId, memberId, issuedOn: gardenDay(t0, paris), dueOn: addDays(gardenDay(t0, paris), 2) },
    `history/${memberId}`,
  );
  const handle = await env.client.workflow.start(invoicePaymentType, {
    taskQueue,
    workflowId: invoicePaymentProcessId(gardenId, invoice.number),
    args: [{ gardenId, invoiceNumber: invoice.number, memberId }],
  });
  return { invoice, handle };
}

async function scenario(name: string, steps: () => Promise<{ fetchHistory(): Promise<unknown> }>) {
  const target = new URL(`../temporal/histories/${name}.json`, import.meta.url);
  if (existsSync(target)) {
    console.log(`kept ${target.pathname} (already recorded)`);
    return;
  }
  const handle = await steps();
  const history = await handle.fetchHistory();
  await writeFile(target, historyToJSON(history as Parameters<typeof historyToJSON>[0]));
  console.log(`recorded ${target.pathname}`);
}

await worker.runUntil(async () => {
  // Charged on the due date: the card pays at once.
  await scenario('invoice-payment-v1-paid-by-card', async () => {
    const { handle } = await collection('card', [{ paymentIntentId: 'pi_history_ok', status: 'succeeded' }]);
    await handle.result();
    return handle;
  });

  // Stripe refuses the first charge itself (no PaymentIntent), a success about a PaymentIntent
  // the workflow does not know arrives while the retry waits, the second charge is a SEPA
  // debit the bank rejects, and a cheque recorded by staff settles the invoice.
  await scenario('invoice-payment-v1-retried-then-cheque', async () => {
    const { invoice, handle } = await collection('retried', [
      { status: 'failed', failure: { code: 'processing_error', message: 'Stripe refused the request.' } },
      { paymentIntentId: 'pi_history_2', status: 'processing' },
    ]);
    await sleepUntil(env, new Date(atHour(invoice.dueOn, 9, paris)));
    await handle.signal(stripePaymentEventSignal, {
      eventId: 'evt_history_unknown',
      type: 'payment_intent.succeeded',
      paymentIntentId: 'pi_history_unknown',
      created: await seconds(),
      amount: 6800,
      method: 'card',
    });
    await sleepUntil(env, new Date(atHour(addDays(invoice.dueOn, 3), 9, paris)));
    await handle.signal(stripePaymentEventSignal, {
      eventId: 'evt_history_failed',
      type: 'payment_intent.payment_failed',
      paymentIntentId: 'pi_history_2',
      created: await seconds(),
      failureCode: 'insufficient_funds',
    });
    await env.sleep('1 hour');
    await store.invoices.addPayment(gardenId, invoice.number, {
      id: `history-cheque-${invoice.number}`,
      method: 'cheque',
      amount: 6800,
      receivedOn: addDays(invoice.dueOn, 4),
      reference: '0004242',
      recorded: { by: staff, at: new Date().toISOString() },
    });
    await handle.signal(invoicePaymentRecordedSignal);
    await handle.result();
    return handle;
  });

  // Patch charge-amount-fixed-before-call: the attempt is fixed at 68 € under attempt-1; staff
  // record a 20 € cheque while Stripe fails inside (500, nothing charged); the activity's
  // retry finds what is due changed, and the workflow fixes attempt-1.1 at 48 €, which the
  // card pays.
  await scenario('invoice-payment-amount-refixed-after-cheque', async () => {
    const { invoice, handle } = await collection('refixed', [
      async () => {
        await store.invoices.addPayment(gardenId, invoice.number, {
          id: `history-cheque-${invoice.number}`,
          method: 'cheque',
          amount: 2000,
          receivedOn: invoice.dueOn,
          reference: '0005151',
          recorded: { by: staff, at: new Date().toISOString() },
        });
        throw new PaymentGatewayError(true, new Error('api_error: Stripe answered 500'));
      },
      { paymentIntentId: 'pi_history_refixed', status: 'succeeded' },
    ]);
    await handle.result();
    return handle;
  });

  // Patch stripe-success-of-unknown-intent-recorded: Stripe refuses the charge itself (no
  // PaymentIntent), yet a success about a PaymentIntent no attempt knows arrives while the
  // retry waits: it is recorded and settles the invoice.
  await scenario('invoice-payment-unknown-success-recorded', async () => {
    const { invoice, handle } = await collection('unknown-success', [
      { status: 'failed', failure: { code: 'processing_error', message: 'Stripe refused the request.' } },
    ]);
    await sleepUntil(env, new Date(atHour(invoice.dueOn, 9, paris)));
    await handle.signal(stripePaymentEventSignal, {
      eventId: 'evt_history_unknown_ok',
      type: 'payment_intent.succeeded',
      paymentIntentId: 'pi_history_never_answered',
      created: await seconds(),
      amount: 6800,
      method: 'card',
    });
    await handle.result();
    return handle;
  });

  // Patches decision-answered-while-bank-confirms and sepa-wait-20-days: every try on the
  // garden's schedule is declined; staff decide to try again, and hear at once that the debit
  // is on its way (awaiting-result) while the bank confirms it later.
  await scenario('invoice-payment-retry-decided-while-bank-confirms', async () => {
    const declined = { code: 'insufficient_funds', message: 'Insufficient funds.' };
    const { invoice, handle } = await collection('retry-decided', [
      ...defaultPricing.retryDays.map((_, n) => ({
        paymentIntentId: `pi_history_declined_${n}`,
        status: 'failed' as const,
        failure: declined,
      })),
      { paymentIntentId: 'pi_history_declined_last', status: 'failed', failure: declined },
      { paymentIntentId: 'pi_history_again', status: 'processing' },
    ]);
    const waited = defaultPricing.retryDays.reduce((sum, days) => sum + days, 1);
    await sleepUntil(env, new Date(atHour(addDays(invoice.dueOn, waited), 9, paris)));
    const answer = await handle.executeUpdate(paymentDecisionUpdate, {
      args: [{ decision: 'retry', reason: 'Le compte est approvisionné', actor: staff }],
    });
    if (answer.phase !== 'awaiting-result') throw new Error(`decision answered in phase ${answer.phase}`);
    await env.sleep('3 days');
    await handle.signal(stripePaymentEventSignal, {
      eventId: 'evt_history_again_ok',
      type: 'payment_intent.succeeded',
      paymentIntentId: 'pi_history_again',
      created: await seconds(),
      amount: 6800,
      method: 'sepa',
    });
    await handle.result();
    return handle;
  });

  // Patches incidents-after-bounded-retries and undelivered-payment-notices-reported: Stripe is
  // unreachable on the due date past the activity's retries (an incident, tried again by
  // itself); staff press « Relancer maintenant » once it is back and the card is declined;
  // the member's notice meets a mail service down for hours and is given up, staff told;
  // a cheque settles the invoice.
  await scenario('invoice-payment-stripe-down-and-notice-undelivered', async () => {
    stripeDown = true;
    const { invoice, handle } = await collection('stripe-down', [
      {
        paymentIntentId: 'pi_history_declined',
        status: 'failed',
        failure: { code: 'card_declined', message: 'Declined.' },
      },
    ]);
    await sleepUntil(env, new Date(atHour(invoice.dueOn, 9, paris)));
    stripeDown = false;
    mailDown = true;
    await handle.signal(retryNowSignal);
    // The notice's 20 tries take a little over two hours.
    await sleepUntil(env, new Date(atHour(invoice.dueOn, 14, paris)));
    mailDown = false;
    await store.invoices.addPayment(gardenId, invoice.number, {
      id: `history-cheque-${invoice.number}`,
      method: 'cheque',
      amount: 6800,
      receivedOn: addDays(invoice.dueOn, 1),
      reference: '0006262',
      recorded: { by: staff, at: new Date().toISOString() },
    });
    await handle.signal(invoicePaymentRecordedSignal);
    await handle.result();
    return handle;
  });

  // Patches season-membership-fee and household-left-out-on-bad-data: a garden billing by
  // season bills one subscription's installments with the household's membership fee, and
  // leaves out one whose stored data cannot be billed (staff told).
  await scenario('billing-run-season-with-membership-fee', async () => {
    const { gardenId: seasonGarden, depotId } = await createTestGarden(store, 'billing-history');
    const t0 = new Date(await env.currentTimeMs());
    const today = gardenDay(t0, paris);
    const season = { id: 'saison-history', start: addDays(today, -30), end: addDays(today, 200) };
    await store.settings.saveCalendar(
      seasonGarden,
      { seasons: [season], closedWeeks: [], cutoffHours: 48 },
      0,
      t0.toISOString(),
    );
    const { version: _version, ...pricing } = await store.settings.pricing(seasonGarden);
    await store.settings.savePricing(seasonGarden, { ...pricing, billing: 'season', installments: 3 }, 0);
    const requested = { by: staff, at: t0.toISOString() };
    const subscriptions = [];
    for (const name of ['billed', 'bad-data']) {
      const memberId = `m-${randomUUID().slice(0, 6)}`;
      await store.members.create(
        seasonGarden,
        memberId,
        { firstName: 'Test', lastName: name, email: uniqueEmail(name) },
        t0.toISOString(),
      );
      const id = `${memberId}.${season.start}`;
      await store.subscriptions.record({
        id,
        gardenId: seasonGarden,
        memberId,
        basketSize: 'medium',
        frequency: 'weekly',
        depotId,
        startDate: season.start,
        endDate: season.end,
        seasonId: season.id,
        status: 'active',
        requested,
        changes: [],
        absences: [],
        updatedAt: requested.at,
        revision: 2,
      });
      subscriptions.push(id);
    }
    badData.add(subscriptions[1] as string);
    const month = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const handle = await env.client.workflow.start(billingRunType, {
      taskQueue,
      workflowId: billingRunId(seasonGarden, month),
      args: [{ gardenId: seasonGarden, month, issuedOn: today }],
    });
    await handle.result();
    return handle;
  });
});
await env.teardown();
store.close();
