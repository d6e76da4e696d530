import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChargeGateway } from '../../activities/billing-activities.ts';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { invoicePaymentProcessId } from '../../domain/process-ids.ts';
import { saveTestCard, testBillingActivities } from '../../tests/support/billing.ts';
import { emailsTo, uniqueEmail } from '../../tests/support/moto.ts';
import { withTestWorker, workflowTestGarden } from '../../tests/support/temporal.ts';
import { invoicePaymentType } from './contract.ts';
import type { invoicePayment } from './workflow.ts';

/**
 * An invoice its credits cover (a season's installment with a credited absence as large as
 * it): nothing is due, so it is issued settled, and its collection, started by the billing run
 * as for any invoice, ends at once: no charge on the saved card, no message to the member.
 */
describe('collecting an invoice with nothing to pay', { timeout: 120_000 }, () => {
  const garden = workflowTestGarden('nothing-due');

  it('is issued paid and its collection ends at once: never charged, never reminded', async () => {
    const { store, gardenId } = garden;
    const t0 = new Date(await garden.env.currentTimeMs());
    const today = gardenDay(t0);
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail('nothing-due');
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'Sophie', lastName: 'Girardot', email },
      t0.toISOString(),
    );
    // A card the collection would charge if it tried.
    await saveTestCard(store, gardenId, memberId);
    const invoice = await store.invoices.issue(
      {
        gardenId,
        memberId,
        subscriptionId: `${memberId}.2026-04-07`,
        subject: 'Saison 2026 — échéance 2 sur 2',
        issuedOn: today,
        dueOn: addDays(today, 2),
        lines: [
          { label: 'Panier moyen × 2 livraisons, échéance 2/2', quantity: 1, unitPrice: 1700, amount: 1700 },
          {
            label: 'Avoir : panier du 12 mai non livré (absence)',
            quantity: 1,
            unitPrice: -1700,
            amount: -1700,
            absence: { subscriptionId: `${memberId}.2026-04-07`, date: '2026-05-12' },
          },
        ],
        total: 0,
      },
      `test/nothing-due/${memberId}`,
    );
    expect(invoice.status).toBe('paid');

    const calls: unknown[] = [];
    const gateway: ChargeGateway = {
      async charge(input) {
        calls.push(input);
        return { paymentIntentId: 'pi_never', status: 'succeeded', amount: input.amount };
      },
      async findCharge() {
        return undefined;
      },
    };
    await withTestWorker(garden.env, testBillingActivities(store, gateway), async (taskQueue) => {
      const handle = await garden.env.client.workflow.start<typeof invoicePayment>(invoicePaymentType, {
        taskQueue,
        workflowId: invoicePaymentProcessId(gardenId, invoice.number),
        args: [{ gardenId, invoiceNumber: invoice.number, memberId }],
      });
      expect(await handle.result()).toEqual({ phase: 'paid', attempts: [] });
      const { events } = await handle.fetchHistory();
      // It never waited for the due date: no timer, and no activity but reading the invoice.
      expect(events?.filter((event) => event.timerStartedEventAttributes)).toEqual([]);
      expect(
        events
          ?.map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name)
          .filter(Boolean),
      ).toEqual(['invoiceForCollection']);
    });
    expect(calls).toEqual([]);
    expect(await emailsTo(email)).toEqual([]);
    expect((await store.invoices.get(gardenId, invoice.number))?.status).toBe('paid');
  });
});
