import { ownValue } from '../../domain/records.ts';
import {
  ActivityFailure,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { BillingActivities, IssuedInvoice } from '../../activities/billing-activities.ts';
import { addDays, gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { invoicePaymentProcessId } from '../../domain/process-ids.ts';
import { invoicePayment } from '../payment/workflow.ts';
import { gardenIdKey } from '../search-attributes.ts';
import { finalFailureTypes } from '../../domain/failure-types.ts';
import { incidentKeys } from '../../domain/incidents.ts';
import { boundedRetry, causeOf, createPerseverance, persevering, tellStaff } from '../incidents/persevere.ts';
import {
  billingProgressQuery,
  billingRunId,
  type BillingRunInput,
  type BillingRunProgress,
} from './contract.ts';

const billingActivities = proxyActivities<BillingActivities>({
  startToCloseTimeout: '2 minutes',
  retry: boundedRetry,
});

/** Households or subscriptions billed per run before continuing as new: the history stays small. */
const targetsPerRun = 150;

/**
 * Bills a month: lists what to bill, then for each household (or season subscription) issues
 * its invoices, prints them and starts collecting each. Every step is idempotent, so a run
 * started twice, or continued after a crash, issues each invoice once.
 */
export async function billingRun(input: BillingRunInput): Promise<BillingRunProgress> {
  const { gardenId, month, issuedOn } = input;
  // Every step retries a few minutes, then staff hear of it and it waits; a household whose
  // data cannot be billed is left out (staff told), and the run goes on with the others.
  const billing = persevering(billingActivities, createPerseverance(), (activity) => ({
    gardenId,
    what: {
      fr: `Facturer le mois ${month} (étape ${activity})`,
      en: `Bill the month ${month} (step ${activity})`,
    },
    subject: {},
    passThrough: finalFailureTypes,
  }));
  let progress: BillingRunProgress = {
    month,
    phase: input.carried ? 'issuing' : 'listing',
    total: input.carried?.targets.length ?? 0,
    done: input.carried?.done ?? 0,
    invoices: input.carried?.invoices ?? [],
  };
  setHandler(billingProgressQuery, () => progress);
  upsertSearchAttributes([{ key: gardenIdKey, value: gardenId }]);

  const plan = await billing.billingTargets({ gardenId, month, issuedOn });
  const targets = input.carried?.targets ?? plan.targets;
  // The membership fee is the season's, not the billed month's: a season spanning two calendar
  // years is one fee. A run listed before the plan said so keeps the month's year on replay.
  const membershipYear = plan.membershipYear ?? month.slice(0, 4);
  progress = { ...progress, phase: 'issuing', total: targets.length };

  const { taskQueue } = workflowInfo();
  async function collect(invoice: IssuedInvoice): Promise<void> {
    await billing.printInvoice({ gardenId, invoiceNumber: invoice.invoiceNumber });
    try {
      await startChild(invoicePayment, {
        workflowId: invoicePaymentProcessId(gardenId, invoice.invoiceNumber),
        args: [
          {
            gardenId,
            invoiceNumber: invoice.invoiceNumber,
            memberId: invoice.memberId,
            ...(invoice.subscriptionId ? { subscriptionId: invoice.subscriptionId } : {}),
          },
        ],
        taskQueue,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    // An invoice of an earlier run (the year's membership fee, a season's installments) is
    // handed over again in case that run stopped half-way, but not counted as issued now.
    if (invoice.issuedOn === undefined || invoice.issuedOn === issuedOn) {
      progress = { ...progress, invoices: [...progress.invoices, invoice.invoiceNumber] };
    }
  }

  /** Leaves a household out of the run, and tells staff why. */
  async function notBilled(target: string, error: ActivityFailure): Promise<void> {
    const cause = causeOf(error);
    log.error('household not billed', { target, cause });
    await tellStaff({
      gardenId,
      key: incidentKeys.notBilled(month, target),
      kind: 'household-not-billed',
      workflowId: workflowInfo().workflowId,
      subject: plan.billing === 'monthly' ? { memberId: target } : { subscriptionId: target },
      summary: {
        fr: `La facture de ${month} n'a pas pu être faite pour ${plan.billing === 'monthly' ? "l'adhérent" : "l'abonnement"} ${target} : une de ses données est invalide. Les autres foyers sont facturés ; corrigez la fiche puis relancez la facturation du mois (elle ne refait pas les factures déjà émises).`,
        en: `The ${month} invoice could not be made for ${plan.billing === 'monthly' ? 'member' : 'subscription'} ${target}: some of its data is invalid. The other households are billed; correct the record, then run the month's billing again (it does not issue invoices twice).`,
      },
      cause,
      retriesByItself: false,
    });
  }

  const stopAt = Math.min(targets.length, progress.done + targetsPerRun);
  for (let index = progress.done; index < stopAt; index++) {
    const target = targets[index] as string;
    try {
      await billTarget(target);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || !patched('household-left-out-on-bad-data')) throw error;
      await notBilled(target, error);
    }
    progress = { ...progress, done: index + 1 };
  }

  async function billTarget(target: string): Promise<void> {
    if (plan.billing === 'monthly') {
      const membership = await billing.issueMembershipInvoice({
        gardenId,
        year: membershipYear,
        memberId: target,
        issuedOn,
      });
      if (membership) await collect(membership);
      const invoice = await billing.issueMonthlyInvoice({
        gardenId,
        month,
        memberId: target,
        delivered: (plan.delivered && ownValue(plan.delivered, target)) ?? [],
        issuedOn,
      });
      if (invoice) await collect(invoice);
    } else if (plan.seasonId) {
      const parts = await billing.issueSeasonInstallments({
        gardenId,
        seasonId: plan.seasonId,
        subscriptionId: target,
        issuedOn,
      });
      // The household's membership fee, as with monthly billing (runs started before this
      // change did not bill it).
      const memberId = parts[0]?.memberId;
      if (memberId && patched('season-membership-fee')) {
        const membership = await billing.issueMembershipInvoice({
          gardenId,
          year: membershipYear,
          memberId,
          issuedOn,
        });
        if (membership) await collect(membership);
      }
      for (const part of parts) await collect(part);
    }
  }
  if (stopAt < targets.length) {
    return continueAsNew<typeof billingRun>({
      gardenId,
      month,
      issuedOn,
      carried: { targets, done: stopAt, invoices: progress.invoices.slice(-500) },
    });
  }
  progress = { ...progress, phase: 'done' };
  return progress;
}

/** Started on the 1st of each month by the garden's schedule: bills the month just ended. */
export async function billingRunTrigger(input: {
  gardenId: string;
  /** The garden's time zone, for "today"; Europe/Paris when absent (schedules made before). */
  timeZone?: string;
}): Promise<string> {
  const today = gardenDay(new Date(), input.timeZone ?? gardenTimeZone);
  const month = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
  try {
    await startChild(billingRun, {
      workflowId: billingRunId(input.gardenId, month),
      args: [{ gardenId: input.gardenId, month, issuedOn: today }],
      taskQueue: workflowInfo().taskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: gardenIdKey, value: input.gardenId }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return month;
}
