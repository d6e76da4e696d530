import { describe, expect, it } from 'vitest';
import type { AbsenceDecision } from '../../domain/absence-decisions.ts';
import { addDays } from '../../domain/calendar.ts';
import { defaultPricing } from '../../domain/pricing.ts';
import { invoicePaymentProcessId } from '../../domain/process-ids.ts';
import { absenceTestSubscription, member } from '../../tests/support/absence-subscription.ts';
import { workflowTestGarden } from '../../tests/support/temporal.ts';
import { reportAbsencesUpdate } from '../subscription/contract.ts';
import { invoicePaymentType } from '../payment/contract.ts';
import type { invoicePayment } from '../payment/workflow.ts';
import { billingRunId, billingRunType } from './contract.ts';
import type { billingRun } from './workflow.ts';

const medium = defaultPricing.basketPrices.medium;

const credited = (date: string): AbsenceDecision => ({
  date,
  decision: 'credited',
  reason: { fr: 'Déduit de votre prochaine facture.', en: 'Taken off your next invoice.' },
  extension: { name: 'absences-ete', version: '1.0.0' },
});

/**
 * A season paid ahead in 12 installments (each under three baskets), three credited absences
 * whose days have passed: the first installment is covered whole, so nothing is due on it.
 */
describe('an installment its credits cover', () => {
  const garden = workflowTestGarden('covered-installment');

  it('is issued settled by the billing run, and its collection ends at once, never charging', async () => {
    const { store, gardenId, env } = garden;
    const { d, subscriptionId, run } = await absenceTestSubscription(garden, {
      maxAbsencesPerSeason: 4,
      emailPrefix: 'covered-installment',
    });
    const pricing = await store.settings.pricing(gardenId);
    await store.settings.savePricing(
      gardenId,
      { ...defaultPricing, billing: 'season', installments: 12 },
      pricing.version,
    );
    await run(async (handle) => {
      const days = [d(1), d(2), d(3)];
      await handle.executeUpdate(reportAbsencesUpdate, {
        args: [{ dates: days, actor: member, decisions: days.map(credited) }],
      });
      const issuedOn = addDays(d(3), 1);
      const { taskQueue } = await handle.describe();
      await env.client.workflow.execute<typeof billingRun>(billingRunType, {
        taskQueue,
        workflowId: billingRunId(gardenId, issuedOn.slice(0, 7)),
        args: [{ gardenId, month: issuedOn.slice(0, 7), issuedOn }],
      });

      const subscription = await store.subscriptions.get(gardenId, subscriptionId);
      const installments = (await store.invoices.listForMember(gardenId, subscription!.memberId))
        .filter((invoice) => invoice.subscriptionId === subscriptionId)
        .sort((a, b) => a.number - b.number);
      expect(installments).toHaveLength(12);
      const [first, second] = installments;
      // Three credits (3 × 17 €) against an installment under three baskets: the first is
      // covered whole, the rest of the credits come off the second.
      expect(first!.lines[0]!.amount).toBeLessThan(3 * medium);
      expect(first).toMatchObject({ total: 0, status: 'paid', payments: [] });
      expect(second!.status).toBe('open');
      expect(second!.total).toBe(first!.lines[0]!.amount + second!.lines[0]!.amount - 3 * medium);
      expect(installments.filter((invoice) => invoice.status === 'paid')).toEqual([first]);

      // Its collection, started by the run as for every invoice: paid at once, no charge tried.
      const collection = env.client.workflow.getHandle<typeof invoicePayment>(
        invoicePaymentProcessId(gardenId, first!.number),
      );
      expect((await collection.describe()).type).toBe(invoicePaymentType);
      expect(await collection.result()).toEqual({ phase: 'paid', attempts: [] });
      const { events } = await collection.fetchHistory();
      expect(
        events
          ?.map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name)
          .filter(Boolean),
      ).toEqual(['invoiceForCollection']);
    });
  });
});
