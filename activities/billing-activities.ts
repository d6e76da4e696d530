import { recordOf } from '../domain/records.ts';
import { membershipYear, seasonOfMonth } from '../domain/billing-months.ts';
import { addDays, formatMonth, gardenDay, type IsoDate } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import type { Actor } from '../domain/actor.ts';
import { notFound } from '../domain/errors.ts';
import {
  invoiceLabel,
  outstanding,
  stripePayment,
  type Invoice,
  type InvoiceLine,
  type ManualPaymentInput,
} from '../domain/invoices.ts';
import type { Localized } from '../domain/locale.ts';
import { addressLine, memberDisplayName } from '../domain/member.ts';
import { multiplyCents } from '../domain/money.ts';
import { declineReason } from '../domain/payment-failures.ts';
import { portalPaths } from '../domain/portal-paths.ts';
import { basketLines, basketPrice, installments, type Pricing } from '../domain/pricing.ts';
import {
  creditedAbsences,
  creditedBasketLine,
  creditedSoFar,
  creditKey,
  creditLines,
  type AbsenceCredit,
} from '../domain/billing-credits.ts';
import { subscriptionProcessId } from '../domain/process-ids.ts';
import { deliverySchedule } from '../domain/delivery-schedule.ts';
import { basketSizeLabels, type BasketSize } from '../domain/subscription.ts';
import { invoicePdf } from './documents/invoice-document.ts';
import { PaymentGatewayError } from '../adapters/stripe/stripe-gateway.ts';
import { invoiceDocumentKey, type DocumentStore } from '../adapters/store/documents.ts';
import { readGardenContext, scheduleContextOf } from '../adapters/store/garden-context.ts';
import type { Store } from '../adapters/store/index.ts';

/** What Stripe answered about one attempt; `amount` when found from an earlier try. */
type GatewayCharge =
  | { paymentIntentId: string; status: 'succeeded' | 'processing' | 'pending'; amount?: number }
  | {
      paymentIntentId?: string;
      status: 'failed';
      failure: { code: string; message: string };
      amount?: number;
    };

/**
 * What the payment workflow needs from Stripe: one off-session charge, with its idempotency
 * key, and the PaymentIntent an attempt already made, found by its metadata.
 */
export interface ChargeGateway {
  charge(input: {
    customerId: string;
    paymentMethodId: string;
    amount: number;
    description: string;
    idempotencyKey: string;
    metadata: { gardenId: string; invoiceNumber: string; workflowId: string; attempt: string };
    /** When the attempt was fixed: its PaymentIntent, if any, is younger. */
    since?: string;
  }): Promise<GatewayCharge>;
  findCharge(input: {
    customerId: string;
    workflowId: string;
    attempt: string;
    since?: string;
  }): Promise<(GatewayCharge & { amount: number }) | undefined>;
}

/**
 * An attempt's amount and idempotency key, fixed together by the workflow before the first
 * call to Stripe (and so the same for every retry of the activity).
 */
export interface FixedAttempt {
  amount: number;
  idempotencyKey: string;
  /** When it was fixed (workflow time, ISO). */
  fixedAt: string;
}

/** A household's baskets delivered in a month, by size. */
export type DeliveredBaskets = Array<{ basketSize: BasketSize; baskets: number }>;

/** An invoice as the billing run and the payment workflow pass it around (no personal data). */
export interface IssuedInvoice {
  invoiceNumber: number;
  memberId: string;
  subscriptionId?: string;
  total: number;
  /** The day it is dated: an earlier run's invoice (the year's membership fee…) has another. */
  issuedOn?: string;
}

export interface ChargeOutcome {
  /**
   * `amount-changed`: what is due changed (a payment recorded meanwhile) before the fixed
   * attempt reached Stripe; nothing was sent, and the workflow fixes a new attempt.
   */
  status: 'succeeded' | 'processing' | 'failed' | 'no-payment-method' | 'amount-changed';
  paymentIntentId?: string;
  reason?: Localized;
}

export interface InvoiceForCollection {
  label: string;
  memberId: string;
  total: number;
  outstanding: number;
  dueOn: IsoDate;
  status: Invoice['status'];
  /** The saved card or SEPA mandate, when the household has one. */
  paymentMethod?: { kind: 'card' | 'sepa'; label: string };
  /** The garden's retry schedule: days after a failure before the next try. */
  retryDays: number[];
  /** Where the member updates the means of payment. */
  paymentMethodUrl: string;
  /**
   * The garden's time zone: charges at the garden's morning hour, payment days in its calendar.
   * Collections that read the invoice before it was given use Europe/Paris, as they did.
   */
  timeZone?: string;
}

/** The ISO weeks that have days in a month. */
function weeksOfMonth(month: string): string[] {
  const weeks = new Set<string>();
  for (let day = `${month}-01`; day.startsWith(month); day = addDays(day, 1)) weeks.add(isoWeek(day));
  return [...weeks];
}

/**
 * Billing: invoices for the baskets delivered in a month or for a season's installments, their
 * PDF, and the steps of collecting them (charge, payments, write-off). Each step can run twice
 * with the same effect: invoices have a source key, payments an id.
 */
export function createBillingActivities(deps: {
  store: Store;
  documents: DocumentStore;
  gateway?: ChargeGateway | undefined;
  publicUrl: string;
  /** The current instant; tests may fix it. */
  now?: () => Date;
}) {
  const { store, documents } = deps;
  const now = deps.now ?? (() => new Date());

  const issuedOf = (invoice: Invoice): IssuedInvoice => ({
    invoiceNumber: invoice.number,
    memberId: invoice.memberId,
    total: invoice.total,
    issuedOn: invoice.issuedOn,
  });

  async function requireInvoice(gardenId: string, invoiceNumber: number): Promise<Invoice> {
    const invoice = await store.invoices.get(gardenId, invoiceNumber);
    if (!invoice) throw notFound({ fr: 'Facture', en: 'Invoice' });
    return invoice;
  }

  /** Baskets handed over in a month (the prepared weeks' records), by household and size. */
  async function deliveredByHousehold(
    gardenId: string,
    month: string,
  ): Promise<Record<string, DeliveredBaskets>> {
    const weeks = await Promise.all(weeksOfMonth(month).map((week) => store.weeks.baskets(gardenId, week)));
    const byHousehold = new Map<string, DeliveredBaskets>();
    for (const basket of weeks.flat()) {
      if (!basket.date.startsWith(month) || basket.state !== 'planned' || basket.baskets === 0) continue;
      const household = byHousehold.get(basket.memberId) ?? [];
      byHousehold.set(basket.memberId, household);
      const line = household.find((candidate) => candidate.basketSize === basket.basketSize);
      if (line) line.baskets += basket.baskets;
      else household.push({ basketSize: basket.basketSize, baskets: basket.baskets });
    }
    return recordOf(byHousehold);
  }

  /**
   * A household's credited absences up to `before` (over all its subscriptions) and what its
   * invoices already credited of them (`domain/billing-credits.ts`).
   */
  async function householdCredits(
    gardenId: string,
    memberId: string,
    before: IsoDate,
    pricing: Pricing,
    tierId: string | undefined,
  ): Promise<{ credits: AbsenceCredit[]; soFar: Map<string, number> }> {
    const subscriptions = (await store.subscriptions.listForMember(gardenId, memberId)).filter(
      (subscription) =>
        subscription.absences?.some((absence) => absence.outcome === 'credited' && absence.date < before),
    );
    // Most households have none: one read, nothing more.
    if (subscriptions.length === 0) return { credits: [], soFar: new Map() };
    const [invoices, context] = await Promise.all([
      store.invoices.listForMember(gardenId, memberId),
      readGardenContext(store, gardenId),
    ]);
    const schedule = scheduleContextOf(context);
    const credits = subscriptions.flatMap((subscription) =>
      creditedAbsences(subscription, schedule, pricing, tierId, before),
    );
    return { credits, soFar: creditedSoFar(invoices) };
  }

  const activities = {
    /**
     * What a month's billing run bills: with monthly billing, the households that received
     * baskets; with season billing, the running subscriptions of the season in progress.
     */
    async billingTargets(input: { gardenId: string; month: string; issuedOn: IsoDate }): Promise<{
      billing: 'monthly' | 'season';
      seasonId?: string;
      targets: string[];
      /** Monthly billing: each household's baskets delivered, by size (read once for the run). */
      delivered?: Record<string, DeliveredBaskets>;
      /**
       * The year of the membership fees this run bills: the season's (the billed month's
       * with monthly billing, today's with season billing), never the month's own year.
       * Optional because runs listed before it existed have results without it in their history.
       */
      membershipYear?: string;
    }> {
      const [pricing, calendar] = await Promise.all([
        store.settings.pricing(input.gardenId),
        store.settings.calendar(input.gardenId),
      ]);
      if (pricing.billing === 'monthly') {
        const delivered = await deliveredByHousehold(input.gardenId, input.month);
        return {
          billing: 'monthly',
          targets: Object.keys(delivered).sort(),
          delivered,
          membershipYear: membershipYear(seasonOfMonth(calendar.seasons, input.month), input.month),
        };
      }
      const season = calendar.seasons.find(
        (candidate) => candidate.start <= input.issuedOn && input.issuedOn <= candidate.end,
      );
      if (!season) return { billing: 'season', targets: [], membershipYear: input.month.slice(0, 4) };
      return {
        billing: 'season',
        seasonId: season.id,
        targets: await activities.seasonBillables({ gardenId: input.gardenId, seasonId: season.id }),
        membershipYear: membershipYear(season, input.month),
      };
    },

    /** The households that received baskets in a month (from the prepared weeks' baskets). */
    async monthlyBillables(input: { gardenId: string; month: string }): Promise<string[]> {
      return Object.keys(await deliveredByHousehold(input.gardenId, input.month)).sort();
    },

    /**
     * The invoice of a household's baskets delivered in a month (as `billingTargets` counted
     * them); once per household and month.
     */
    async issueMonthlyInvoice(input: {
      gardenId: string;
      month: string;
      memberId: string;
      delivered: DeliveredBaskets;
      issuedOn: IsoDate;
    }): Promise<IssuedInvoice | undefined> {
      const sourceKey = `month/${input.month}/${input.memberId}`;
      const existing = await store.invoices.bySource(input.gardenId, sourceKey);
      if (existing) return issuedOf(existing);
      const [pricing, profile] = await Promise.all([
        store.settings.pricing(input.gardenId),
        store.billingProfiles.get(input.gardenId, input.memberId),
      ]);
      const lines: InvoiceLine[] = basketLines(input.delivered, pricing, profile.tier?.id).map((line) => ({
        label: `${basketSizeLabels[line.basketSize].fr} livré en ${formatMonth(input.month)}${profile.tier ? ` (${pricing.solidarityTiers.find((tier) => tier.id === profile.tier?.id)?.label ?? 'tarif réduit'})` : ''}`,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        amount: line.amount,
      }));
      // Nothing to pay (no basket, or a tier free of charge): no invoice, which would stay open.
      if (lines.reduce((sum, line) => sum + line.amount, 0) === 0) return undefined;
      // Credited absences: an absent day is not among the baskets handed over, so each new
      // one's basket is billed beside its credit line (the two cancel out); what earlier
      // invoices left to credit comes off this one, never below zero.
      const { credits, soFar } = await householdCredits(
        input.gardenId,
        input.memberId,
        input.issuedOn,
        pricing,
        profile.tier?.id,
      );
      const fresh = credits.filter((credit) => !soFar.has(creditKey(credit)));
      lines.push(...fresh.map(creditedBasketLine));
      const credited = creditLines(
        credits,
        soFar,
        lines.reduce((sum, line) => sum + line.amount, 0),
      );
      lines.push(...credited.lines);
      const invoice = await store.invoices.issue(
        {
          gardenId: input.gardenId,
          memberId: input.memberId,
          subject: `Paniers livrés en ${formatMonth(input.month)}`,
          issuedOn: input.issuedOn,
          dueOn: addDays(input.issuedOn, pricing.paymentTermDays),
          lines,
          total: lines.reduce((sum, line) => sum + line.amount, 0),
        },
        sourceKey,
      );
      return issuedOf(invoice);
    },

    /** The year's membership fee (adhésion), once per household and year; nothing when the fee is 0. */
    async issueMembershipInvoice(input: {
      gardenId: string;
      year: string;
      memberId: string;
      issuedOn: IsoDate;
    }): Promise<IssuedInvoice | undefined> {
      const pricing = await store.settings.pricing(input.gardenId);
      if (pricing.membershipFee === 0) return undefined;
      const invoice = await store.invoices.issue(
        {
          gardenId: input.gardenId,
          memberId: input.memberId,
          subject: `Adhésion ${input.year}`,
          issuedOn: input.issuedOn,
          dueOn: addDays(input.issuedOn, pricing.paymentTermDays),
          lines: [
            {
              label: `Adhésion annuelle ${input.year}`,
              quantity: 1,
              unitPrice: pricing.membershipFee,
              amount: pricing.membershipFee,
            },
          ],
          total: pricing.membershipFee,
        },
        `membership/${input.year}/${input.memberId}`,
      );
      return issuedOf(invoice);
    },

    /** Running season subscriptions of a season, to bill in installments. */
    async seasonBillables(input: { gardenId: string; seasonId: string }): Promise<string[]> {
      const subscriptions = await store.subscriptions.list(input.gardenId);
      return subscriptions
        .filter(
          (subscription) =>
            subscription.seasonId === input.seasonId &&
            (subscription.status === 'active' || subscription.status === 'paused'),
        )
        .map((subscription) => subscription.id)
        .sort();
    },

    /**
     * A season subscription's baskets, billed in the garden's number of installments, a month
     * apart: one invoice per installment, each with its due date.
     */
    async issueSeasonInstallments(input: {
      gardenId: string;
      seasonId: string;
      subscriptionId: string;
      issuedOn: IsoDate;
    }): Promise<IssuedInvoice[]> {
      const [pricing, context, subscription] = await Promise.all([
        store.settings.pricing(input.gardenId),
        readGardenContext(store, input.gardenId),
        store.subscriptions.get(input.gardenId, input.subscriptionId),
      ]);
      if (!subscription) throw notFound({ fr: 'Abonnement', en: 'Subscription' });
      const season = context.calendar.seasons.find((candidate) => candidate.id === input.seasonId);
      if (!season) throw notFound({ fr: 'Saison', en: 'Season' });
      const profile = await store.billingProfiles.get(input.gardenId, subscription.memberId);
      const from = subscription.startDate > season.start ? subscription.startDate : season.start;
      // The season is paid ahead: its deliveries, and its credited absences, which are
      // credited once their day has passed (they may still be taken back until then).
      // Only absences noted credited are credited (older ones never are, whatever the rule).
      const credited = new Set(
        (subscription.absences ?? [])
          .filter((absence) => absence.outcome === 'credited')
          .map((absence) => absence.date),
      );
      const baskets = deliverySchedule(subscription, scheduleContextOf(context), from, season.end).filter(
        (delivery) =>
          delivery.state === 'delivery' || (delivery.state === 'absent' && credited.has(delivery.date)),
      ).length;
      const unitPrice = basketPrice(pricing, subscription.basketSize, profile.tier?.id);
      const total = multiplyCents(unitPrice, baskets);
      if (total === 0) return [];
      const parts = installments(
        total,
        pricing.installments,
        addDays(input.issuedOn, pricing.paymentTermDays),
      );
      // The household's credited absences whose day has passed, as credit lines on the
      // installments in turn (never below zero); the rest waits for its next basket invoice.
      const household = await householdCredits(
        input.gardenId,
        subscription.memberId,
        input.issuedOn,
        pricing,
        profile.tier?.id,
      );
      const soFar = new Map(household.soFar);
      const issued: IssuedInvoice[] = [];
      for (const [index, part] of parts.entries()) {
        const credited = creditLines(household.credits, soFar, part.amount);
        for (const line of credited.lines) {
          if (!line.absence) continue;
          const key = creditKey(line.absence);
          soFar.set(key, (soFar.get(key) ?? 0) - line.amount);
        }
        const invoice = await store.invoices.issue(
          {
            gardenId: input.gardenId,
            memberId: subscription.memberId,
            subscriptionId: subscription.id,
            subject: `Saison ${season.id} — échéance ${index + 1} sur ${parts.length}`,
            issuedOn: input.issuedOn,
            dueOn: part.due,
            lines: [
              {
                label: `${basketSizeLabels[subscription.basketSize].fr} × ${baskets} livraisons, échéance ${index + 1}/${parts.length}`,
                quantity: 1,
                unitPrice: part.amount,
                amount: part.amount,
              },
              ...credited.lines,
            ],
            total: part.amount + credited.lines.reduce((sum, line) => sum + line.amount, 0),
          },
          `season/${input.seasonId}/${subscription.id}/${index + 1}`,
        );
        issued.push({ ...issuedOf(invoice), subscriptionId: subscription.id });
      }
      return issued;
    },

    /**
     * Prints the invoice (PDF in S3) and notes where. An invoice is printed once: the legal
     * details and the address it was issued with stay on it, whatever changes later.
     */
    async printInvoice(input: { gardenId: string; invoiceNumber: number }): Promise<string> {
      const invoice = await requireInvoice(input.gardenId, input.invoiceNumber);
      if (invoice.documentKey) return invoice.documentKey;
      const [pricing, member, garden] = await Promise.all([
        store.settings.pricing(input.gardenId),
        store.members.get(input.gardenId, invoice.memberId),
        store.gardens.get(input.gardenId),
      ]);
      const contact = await store.settings.contact(input.gardenId, garden);
      const address = member?.address ? addressLine(member.address) : undefined;
      const bytes = await invoicePdf({
        invoice,
        legal: pricing.legal,
        ...(contact.payment ? { payment: contact.payment } : {}),
        ...(contact.address ? { gardenAddress: contact.address } : {}),
        member: {
          name: member ? memberDisplayName(member) : invoice.memberId,
          ...(address ? { address } : {}),
        },
      });
      const key = invoiceDocumentKey(input.gardenId, input.invoiceNumber);
      await documents.put(key, bytes, 'application/pdf');
      if (invoice.documentKey !== key)
        await store.invoices.setDocument(input.gardenId, input.invoiceNumber, key);
      return key;
    },

    /** What the payment workflow needs to know about an invoice now. */
    async invoiceForCollection(input: {
      gardenId: string;
      invoiceNumber: number;
    }): Promise<InvoiceForCollection> {
      const invoice = await requireInvoice(input.gardenId, input.invoiceNumber);
      const [profile, pricing, garden] = await Promise.all([
        store.billingProfiles.get(input.gardenId, invoice.memberId),
        store.settings.pricing(input.gardenId),
        store.gardens.get(input.gardenId),
      ]);
      return {
        label: invoiceLabel(invoice.number),
        ...(garden ? { timeZone: garden.timeZone } : {}),
        retryDays: pricing.retryDays,
        paymentMethodUrl: `${deps.publicUrl.replace(/\/+$/, '')}${portalPaths.paymentMethod}`,
        memberId: invoice.memberId,
        total: invoice.total,
        outstanding: outstanding(invoice),
        dueOn: invoice.dueOn,
        status: invoice.status,
        ...(profile.paymentMethod && profile.stripeCustomerId
          ? { paymentMethod: { kind: profile.paymentMethod.kind, label: profile.paymentMethod.label } }
          : {}),
      };
    },

    /**
     * Charges the saved card or SEPA mandate, off-session, with an idempotency key per attempt:
     * a retried activity never charges twice. With `fixed` (workflows since the patch
     * `charge-amount-fixed-before-call`), every try sends the amount and key the workflow fixed
     * together, so Stripe never meets one key with two amounts; if a payment recorded since
     * changed what is due and the attempt has not reached Stripe, nothing is sent
     * (`amount-changed`). Without it (workflows started before), what is due now is charged
     * under the attempt's key, as then.
     */
    async chargeInvoice(input: {
      gardenId: string;
      invoiceNumber: number;
      attempt: number;
      workflowId: string;
      fixed?: FixedAttempt;
    }): Promise<ChargeOutcome> {
      const invoice = await requireInvoice(input.gardenId, input.invoiceNumber);
      const profile = await store.billingProfiles.get(input.gardenId, invoice.memberId);
      const due = outstanding(invoice);
      const { gateway } = deps;
      const customerId = profile.stripeCustomerId;
      const lookup = () =>
        gateway && customerId
          ? gateway.findCharge({
              customerId,
              workflowId: input.workflowId,
              attempt: String(input.attempt),
              ...(input.fixed ? { since: input.fixed.fixedAt } : {}),
            })
          : Promise.resolve(undefined);

      let charged: Awaited<ReturnType<ChargeGateway['charge']>> | undefined;
      if (input.fixed && due !== input.fixed.amount) {
        // The attempt may have reached Stripe on an earlier try (its answer lost): then that
        // PaymentIntent is the attempt, whatever is due now.
        charged = await lookup();
        if (!charged) return due === 0 ? { status: 'succeeded' } : { status: 'amount-changed' };
      } else if (due === 0) {
        return { status: 'succeeded' };
      }
      const method = profile.paymentMethod;
      if (!charged) {
        if (!gateway || !customerId || !method) return { status: 'no-payment-method' };
        const amount = input.fixed?.amount ?? due;
        charged = await gateway
          .charge({
            customerId,
            paymentMethodId: method.id,
            amount,
            description: `Facture ${invoiceLabel(invoice.number)} — ${invoice.subject}`,
            idempotencyKey: input.fixed?.idempotencyKey ?? `${input.workflowId}/attempt-${input.attempt}`,
            metadata: {
              gardenId: input.gardenId,
              invoiceNumber: String(input.invoiceNumber),
              workflowId: input.workflowId,
              attempt: String(input.attempt),
            },
            ...(input.fixed ? { since: input.fixed.fixedAt } : {}),
          })
          .then((answer) => ({ ...answer, amount: answer.amount ?? amount }))
          .catch(async (error: unknown): Promise<Awaited<ReturnType<ChargeGateway['charge']>>> => {
            // Stripe refused the request itself (our key, our parameters): if this attempt made
            // a PaymentIntent all the same (a key met with another amount), that is its answer;
            // otherwise a failed attempt staff will see, not a charge retried forever. Outages
            // stay errors, retried with the same key.
            if (error instanceof PaymentGatewayError && !error.retryable) {
              return (
                (await lookup()) ?? {
                  status: 'failed',
                  failure: { code: 'processing_error', message: error.message },
                }
              );
            }
            throw error;
          });
      }
      const kind = method?.kind ?? 'card';
      if (charged.status === 'failed') {
        return {
          status: 'failed',
          ...(charged.paymentIntentId ? { paymentIntentId: charged.paymentIntentId } : {}),
          reason: declineReason(charged.failure.code, kind),
        };
      }
      if (charged.status === 'succeeded') {
        await activities.recordStripePayment({
          gardenId: input.gardenId,
          invoiceNumber: input.invoiceNumber,
          paymentIntentId: charged.paymentIntentId,
          // What Stripe took: the attempt's amount, which may be more than is due now.
          amount: charged.amount ?? due,
          method: kind,
          // The garden's day, as the webhook and the reports count it (not UTC's: a charge at
          // 00:30 in Paris on the 1st belongs to the new month).
          receivedOn: gardenDay(now(), (await store.gardens.get(input.gardenId))?.timeZone),
        });
        return { status: 'succeeded', paymentIntentId: charged.paymentIntentId };
      }
      return { status: 'processing', paymentIntentId: charged.paymentIntentId };
    },

    /** The failure reason in words, for a Stripe failure code (webhooks bring codes too). */
    async describeFailure(input: { code?: string | undefined; kind?: 'card' | 'sepa' }): Promise<Localized> {
      return declineReason(input.code, input.kind);
    },

    /** Records a Stripe payment once (its id is the PaymentIntent's); returns what is still due. */
    async recordStripePayment(input: {
      gardenId: string;
      invoiceNumber: number;
      paymentIntentId: string;
      amount: number;
      method: 'card' | 'sepa';
      receivedOn: IsoDate;
    }): Promise<number> {
      const invoice = await store.invoices.addPayment(
        input.gardenId,
        input.invoiceNumber,
        stripePayment({ ...input, recordedAt: new Date() }),
      );
      return outstanding(invoice);
    },

    /** A payment staff received (cheque, cash, transfer), once per id; returns what is still due. */
    async recordManualPayment(input: {
      gardenId: string;
      invoiceNumber: number;
      paymentId: string;
      payment: ManualPaymentInput;
      actor: Actor;
    }): Promise<number> {
      const { payment } = input;
      const invoice = await store.invoices.addPayment(input.gardenId, input.invoiceNumber, {
        id: input.paymentId,
        method: payment.method,
        amount: payment.amount,
        receivedOn: payment.receivedOn,
        ...(payment.reference ? { reference: payment.reference } : {}),
        ...(payment.bank ? { bank: payment.bank } : {}),
        recorded: { by: input.actor, at: new Date().toISOString() },
      });
      return outstanding(invoice);
    },

    async writeOffInvoice(input: {
      gardenId: string;
      invoiceNumber: number;
      actor: Actor;
      reason: string;
    }): Promise<void> {
      await store.invoices.writeOff(input.gardenId, input.invoiceNumber, {
        by: input.actor,
        at: new Date().toISOString(),
        reason: input.reason.trim(),
      });
    },

    /** The workflows of a household's running subscriptions (to suspend or resume deliveries). */
    async memberSubscriptionWorkflowIds(input: { gardenId: string; memberId: string }): Promise<string[]> {
      const subscriptions = await store.subscriptions.list(input.gardenId);
      return subscriptions
        .filter(
          (subscription) =>
            subscription.memberId === input.memberId &&
            (subscription.status === 'active' || subscription.status === 'paused'),
        )
        .map((subscription) => subscriptionProcessId(input.gardenId, subscription.id));
    },
  };
  return activities;
}
export type BillingActivities = ReturnType<typeof createBillingActivities>;
