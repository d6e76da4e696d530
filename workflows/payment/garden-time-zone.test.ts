import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ChargeGateway } from '../../activities/billing-activities.ts';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { atHour } from '../../domain/delivery-calendar.ts';
import { invoicePaymentProcessId } from '../../domain/process-ids.ts';
import { issueFourBasketsInvoice, saveTestCard, testBillingActivities } from '../../tests/support/billing.ts';
import { testGarden, testStore, uniqueGardenId } from '../../tests/support/environment.ts';
import { uniqueEmail } from '../../tests/support/moto.ts';
import { timeSkippingEnvironment, withTestWorker } from '../../tests/support/temporal.ts';
import { invoicePaymentType, paymentStateQuery } from './contract.ts';

/** A garden overseas (French Guiana, UTC−3, no summer time): its morning is not Paris's. */
const cayenne = 'America/Cayenne';

const noCharge: ChargeGateway = {
  charge: () => Promise.reject(new Error('no charge is due in this test')),
  findCharge: async () => undefined,
};

describe("collecting an invoice in the garden's time zone", { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  let store: Store;
  let gardenId: string;

  beforeAll(async () => {
    store = await testStore();
    gardenId = uniqueGardenId('cayenne');
    await store.gardens.register({ ...testGarden(gardenId), timeZone: cayenne });
    env = await timeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
    store?.close();
  });

  it("plans the charge at 8:00 on the due day in the garden's time, not in Paris", async () => {
    const t0 = new Date(await env.currentTimeMs());
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'Maëlys', lastName: 'Horth', email: uniqueEmail('cayenne') },
      t0.toISOString(),
    );
    await saveTestCard(store, gardenId, memberId);
    const today = gardenDay(t0, cayenne);
    const invoice = await issueFourBasketsInvoice(
      store,
      { gardenId, memberId, issuedOn: today, dueOn: addDays(today, 5) },
      `test/${memberId}`,
    );

    await withTestWorker(env, testBillingActivities(store, noCharge), async (taskQueue) => {
      const handle = await env.client.workflow.start(invoicePaymentType, {
        taskQueue,
        workflowId: invoicePaymentProcessId(gardenId, invoice.number),
        args: [{ gardenId, invoiceNumber: invoice.number, memberId }],
      });
      let state = await handle.query(paymentStateQuery);
      for (let tries = 0; !state.nextAttemptAt && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await handle.query(paymentStateQuery);
      }
      expect(state.phase).toBe('scheduled');
      const planned = atHour(invoice.dueOn, 8, cayenne).toISOString();
      expect(state.nextAttemptAt).toBe(planned);
      // 8:00 in Cayenne is 11:00 UTC: Paris's 8:00 would have been 07:00 or 06:00 UTC.
      expect(new Date(planned).getUTCHours()).toBe(11);
      await handle.terminate('test over');
    });
  });
});
