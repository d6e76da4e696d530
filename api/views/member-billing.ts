import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../../adapters/store/index.ts';
import {
  balanceOf,
  invoiceView,
  nextStepOf,
  type Collection,
  type MemberBilling,
  type NextStep,
} from '../../domain/billing-views.ts';
import { gardenDay, type IsoDate } from '../../domain/calendar.ts';
import type { Invoice } from '../../domain/invoices.ts';
import type { PaymentCommands } from '../../temporal/payment-client.ts';

/** The payment workflow's state, as its query answers it. */
type PaymentState = NonNullable<Awaited<ReturnType<PaymentCommands['state']>>>;

export function collectionOf(state: PaymentState): Collection {
  const failed = [...state.attempts].reverse().find((attempt) => attempt.outcome === 'failed');
  return {
    phase: state.phase,
    attempts: state.attempts.length,
    ...(state.nextAttemptAt ? { nextAttemptAt: state.nextAttemptAt } : {}),
    ...(failed?.reason ? { lastFailure: failed.reason } : {}),
    ...(state.decision ? { decision: state.decision } : {}),
  };
}

/** What happens next to an open invoice, for a household with or without a means of payment. */
export function nextStepFor(
  invoice: Pick<Invoice, 'status' | 'dueOn'>,
  collection: Pick<Collection, 'phase' | 'nextAttemptAt'> | undefined,
  context: { hasPaymentMethod: boolean; today: IsoDate; timeZone?: string | undefined },
): NextStep | undefined {
  if (invoice.status !== 'open') return undefined;
  return nextStepOf({
    phase: collection?.phase,
    nextAttemptAt: collection?.nextAttemptAt,
    dueOn: invoice.dueOn,
    ...context,
  });
}

/**
 * Where the collection of an invoice stands, when its workflow exists. A workflow that does
 * not answer leaves it out rather than failing the screen that shows the invoice.
 */
export async function collectionState(
  payments: PaymentCommands,
  log: FastifyBaseLogger,
  gardenId: string,
  invoiceNumber: number,
): Promise<Collection | undefined> {
  try {
    const state = await payments.state(gardenId, invoiceNumber);
    return state ? collectionOf(state) : undefined;
  } catch (error) {
    log.warn({ err: error, invoiceNumber }, 'payment state not read');
    return undefined;
  }
}

/** A household's billing: tier, saved means of payment, balance and invoices (newest first). */
export async function memberBilling(
  services: { store: Store; payments: PaymentCommands; now: () => Date },
  log: FastifyBaseLogger,
  gardenId: string,
  memberId: string,
): Promise<MemberBilling> {
  const { store, payments } = services;
  const [profile, invoices, pricing, garden] = await Promise.all([
    store.billingProfiles.get(gardenId, memberId),
    store.invoices.listForMember(gardenId, memberId),
    store.settings.pricing(gardenId),
    store.gardens.get(gardenId),
  ]);
  const timeZone = garden?.timeZone || undefined;
  const today = gardenDay(services.now(), timeZone);
  const hasPaymentMethod = profile.paymentMethod !== undefined;
  const sorted = [...invoices].sort((a, b) => b.number - a.number);
  // Only invoices still being collected have a phase worth showing.
  const collections = await Promise.all(
    sorted.map((invoice) =>
      invoice.status === 'open'
        ? collectionState(payments, log, gardenId, invoice.number)
        : Promise.resolve(undefined),
    ),
  );
  const tier = profile.tier;
  const tierLabel = tier
    ? (pricing.solidarityTiers.find((candidate) => candidate.id === tier.id)?.label ?? tier.id)
    : undefined;
  return {
    memberId,
    ...(tier && tierLabel
      ? { tier: { id: tier.id, label: tierLabel, reason: tier.reason, assigned: tier.assigned } }
      : {}),
    ...(profile.paymentMethod
      ? { paymentMethod: { kind: profile.paymentMethod.kind, label: profile.paymentMethod.label } }
      : {}),
    balance: balanceOf(sorted, today),
    invoices: sorted.map((invoice, index) =>
      invoiceView(invoice, {
        collection: collections[index],
        nextStep: nextStepFor(invoice, collections[index], { hasPaymentMethod, today, timeZone }),
      }),
    ),
    version: profile.version,
  };
}
