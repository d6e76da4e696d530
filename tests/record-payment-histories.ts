// Records histories of the invoice payment workflow for temporal/replay.test.ts, as
// tests/record-histories.ts does for subscriptions: each scenario runs on the time-skipping
// test server with the current workflow code, "Stripe" answering from a script. Run it when
// the payment workflow gains a path worth guarding, then commit the new files:
//   sh infra/local/bin/cocagne exec node tests/record-payment-histories.ts
// It never overwrites a recorded history: a replay failure means running collections would
// break, and must be fixed in the workflow (with patched()), not by recording again.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { createBillingActivities, type ChargeGateway } from '../activities/billing-activities.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { atHour } from '../domain/delivery-calendar.ts';
import { invoicePaymentProcessId } from '../domain/process-ids.ts';
import { createTestGarden, testActivities, testDocuments, testStore } from './support/environment.ts';
import { uniqueEmail } from './support/moto.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import {
  invoicePaymentRecordedSignal,
  invoicePaymentType,
  stripePaymentEventSignal,
} from '../workflows/payment/contract.ts';

type ChargeAnswer = Awaited<ReturnType<ChargeGateway['charge']>>;

const paris = 'Europe/Paris';
const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const env = await timeSkippingEnvironment();
const store = await testStore();
const { gardenId } = await createTestGarden(store, 'payment-history');
const taskQueue = `payment-history-${randomUUID()}`;

/** "Stripe" as each scenario scripts it: the next answer for each charge. */
let answers: ChargeAnswer[] = [];
const gateway: ChargeGateway = {
  async charge() {
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer');
    return answer;
  },
  async findCharge() {
    return undefined;
  },
};

const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue,
  workflowBundle: await workflowBundle(),
  activities: {
    ...testActivities(store),
    ...createBillingActivities({
      store,
      documents: testDocuments(),
      gateway,
      publicUrl: 'http://localhost:8080',
    }),
  },
});

async function sleepUntil(instant: Date) {
  const wait = instant.getTime() - (await env.currentTimeMs());
  if (wait > 0) await env.sleep(wait);
}

const seconds = async () => Math.floor((await env.currentTimeMs()) / 1000);

/** A household with a saved card and a 68 € invoice due in two days, and its collection started. */
async function collection(name: string, script: ChargeAnswer[]) {
  answers = script;
  const t0 = new Date(await env.currentTimeMs());
  const memberId = `m-${randomUUID().slice(0, 6)}`;
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Test', lastName: name, email: uniqueEmail(name) },
    t0.toISOString(),
  );
  const profile = await store.billingProfiles.get(gardenId, memberId);
  await store.billingProfiles.save(profile, {
    stripeCustomerId: 'cus_history',
    paymentMethod: { id: 'pm_history', kind: 'card', label: 'Visa •••• 4242' },
  });
  const invoice = await store.invoices.issue(
    {
      gardenId,
      memberId,
      subject: 'Paniers livrés en novembre 2026',
      issuedOn: gardenDay(t0, paris),
      dueOn: addDays(gardenDay(t0, paris), 2),
      lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1700, amount: 6800 }],
      total: 6800,
    },
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
    await sleepUntil(new Date(atHour(invoice.dueOn, 9, paris)));
    await handle.signal(stripePaymentEventSignal, {
      eventId: 'evt_history_unknown',
      type: 'payment_intent.succeeded',
      paymentIntentId: 'pi_history_unknown',
      created: await seconds(),
      amount: 6800,
      method: 'card',
    });
    await sleepUntil(new Date(atHour(addDays(invoice.dueOn, 3), 9, paris)));
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
});
await env.teardown();
store.close();
