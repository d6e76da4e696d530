import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { readGardenContext, scheduleContextOf } from '../../adapters/store/garden-context.ts';
import type { AbsenceDecision } from '../../domain/absence-decisions.ts';
import { addDays, formatCalendarDay } from '../../domain/calendar.ts';
import { basketsOfWeek } from '../../domain/delivery-week.ts';
import type { Invoice } from '../../domain/invoices.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { defaultPricing } from '../../domain/pricing.ts';
import { absenceTestSubscription, member } from '../../tests/support/absence-subscription.ts';
import { workflowTestGarden, type WorkflowTestGarden } from '../../tests/support/temporal.ts';
import { reportAbsencesUpdate } from '../subscription/contract.ts';
import type { subscriptionWorkflow } from '../subscription/workflow.ts';
import { billingRunId, billingRunType } from './contract.ts';
import type { billingRun } from './workflow.ts';

const medium = defaultPricing.basketPrices.medium;

/** The garden's absence-policy extension crediting a day, as the API passes its decision. */
const credited = (date: string): AbsenceDecision => ({
  date,
  decision: 'credited',
  reason: { fr: 'Déduit de votre prochaine facture.', en: 'Taken off your next invoice.' },
  extension: { name: 'absences-ete', version: '1.0.0' },
});

const creditLinesOf = (invoices: readonly Invoice[]) =>
  invoices.flatMap((invoice) => invoice.lines.filter((line) => line.absence && line.amount < 0));

/** « 12 mai » */
const shortDay = (day: string) => formatCalendarDay(day, 'fr', { day: 'numeric', month: 'long' });

/** The garden's billing run for `month`, on the subscription's worker, to its end. */
async function bill(
  garden: WorkflowTestGarden,
  handle: WorkflowHandle<typeof subscriptionWorkflow>,
  month: string,
  issuedOn: string,
  attempt: string,
) {
  const { taskQueue } = await handle.describe();
  return garden.env.client.workflow.execute<typeof billingRun>(billingRunType, {
    taskQueue,
    workflowId: `${billingRunId(garden.gardenId, month)}/${attempt}`,
    args: [{ gardenId: garden.gardenId, month, issuedOn }],
  });
}

/**
 * An absence the garden's extension decided `credited` reaches the household's next invoice as
 * a credit line (« Avoir : panier du … non livré (absence) »), once, however many runs.
 */
describe('a credited absence, carried out by billing', () => {
  const garden = workflowTestGarden('absence-credit');

  it('monthly billing: the absent basket billed and credited on the month’s invoice, once', async () => {
    const { store, gardenId } = garden;
    const { d, subscriptionId, run } = await absenceTestSubscription(garden, {
      maxAbsencesPerSeason: 4,
      emailPrefix: 'absence-credit-monthly',
    });
    const pricing = await store.settings.pricing(gardenId);
    await store.settings.savePricing(gardenId, { ...defaultPricing, billing: 'monthly' }, pricing.version);
    await run(async (handle) => {
      // Credited by the extension; the week after, by the garden's own rule (compensated).
      await handle.executeUpdate(reportAbsencesUpdate, {
        args: [{ dates: [d(1)], actor: member, decisions: [credited(d(1))] }],
      });
      await handle.executeUpdate(reportAbsencesUpdate, { args: [{ dates: [d(2)], actor: member }] });

      // The weeks as the week workflow plans them: an absent day has no basket.
      const subscription = await store.subscriptions.get(gardenId, subscriptionId);
      const context = scheduleContextOf(await readGardenContext(store, gardenId));
      for (let week = 0; week < 8; week++) {
        const iso = isoWeek(d(week));
        await store.weeks.replaceBaskets(
          gardenId,
          iso,
          [subscriptionId],
          basketsOfWeek(subscription!, context, iso),
        );
      }
      const month = d(1).slice(0, 7);
      const issuedOn = `${addDays(`${month}-28`, 7).slice(0, 7)}-01`;
      await bill(garden, handle, month, issuedOn, 'first');
      // Run again (a run restarted by staff): nothing is issued or credited twice.
      await bill(garden, handle, month, issuedOn, 'again');

      const invoices = await store.invoices.listForMember(gardenId, subscription!.memberId);
      const monthly = invoices.filter((invoice) => invoice.subject.startsWith('Paniers livrés'));
      expect(monthly).toHaveLength(1);
      const [invoice] = monthly;
      expect(invoice?.lines).toEqual(
        expect.arrayContaining([
          {
            label: `Panier moyen du ${shortDay(d(1))} (absence, crédité ci-dessous)`,
            quantity: 1,
            unitPrice: medium,
            amount: medium,
          },
          {
            label: `Avoir : panier du ${shortDay(d(1))} non livré (absence)`,
            quantity: 1,
            unitPrice: -medium,
            amount: -medium,
            absence: { subscriptionId, date: d(1) },
          },
        ]),
      );
      // What is paid is the baskets handed over that month (the compensated absence's extra
      // basket among them), never below zero.
      const delivered = invoice!.lines.filter((line) => !line.label.includes('absence'));
      expect(invoice?.total).toBe(delivered.reduce((sum, line) => sum + line.amount, 0));
      expect(invoice!.total).toBeGreaterThanOrEqual(0);
      expect(creditLinesOf(invoices)).toHaveLength(1);
    });
  });
});

describe('a credited absence of a season paid ahead', () => {
  const garden = workflowTestGarden('absence-credit-season');

  it('season billing: the credit comes off the installments, once, never below zero', async () => {
    const { store, gardenId } = garden;
    const { d, subscriptionId, run } = await absenceTestSubscription(garden, {
      maxAbsencesPerSeason: 4,
      emailPrefix: 'absence-credit-season',
    });
    const pricing = await store.settings.pricing(gardenId);
    await store.settings.savePricing(
      gardenId,
      { ...defaultPricing, billing: 'season', installments: 2 },
      pricing.version,
    );
    await run(async (handle) => {
      await handle.executeUpdate(reportAbsencesUpdate, {
        args: [{ dates: [d(1), d(3)], actor: member, decisions: [credited(d(1)), credited(d(3))] }],
      });
      // Billed the day after d(1): its credit is due; d(3) may still be taken back, so its
      // basket is in the season's price and its credit waits for the next invoice.
      const issuedOn = addDays(d(1), 1);
      const month = issuedOn.slice(0, 7);
      await bill(garden, handle, month, issuedOn, 'first');
      await bill(garden, handle, month, issuedOn, 'again');

      const subscription = await store.subscriptions.get(gardenId, subscriptionId);
      const invoices = await store.invoices.listForMember(gardenId, subscription!.memberId);
      const installments = invoices
        .filter((invoice) => invoice.subscriptionId === subscriptionId)
        .sort((a, b) => a.number - b.number);
      expect(installments).toHaveLength(2);
      expect(creditLinesOf(invoices)).toEqual([
        {
          label: `Avoir : panier du ${shortDay(d(1))} non livré (absence)`,
          quantity: 1,
          unitPrice: -medium,
          amount: -medium,
          absence: { subscriptionId, date: d(1) },
        },
      ]);
      const billed = installments.reduce((sum, invoice) => sum + (invoice.lines[0]?.amount ?? 0), 0);
      expect(billed % medium).toBe(0);
      expect(installments.reduce((sum, invoice) => sum + invoice.total, 0)).toBe(billed - medium);
      expect(installments.every((invoice) => invoice.total >= 0)).toBe(true);
    });
  });
});
