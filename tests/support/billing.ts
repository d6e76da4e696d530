import { createBillingActivities, type ChargeGateway } from '../../activities/billing-activities.ts';
import { invoiceDocumentKey } from '../../adapters/store/documents.ts';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, type IsoDate } from '../../domain/calendar.ts';
import type { Invoice } from '../../domain/invoices.ts';
import type { TestApi } from './api.ts';
import { testActivities, testDocuments } from './environment.ts';

/** A small but real PDF, as the billing run prints. */
export const tinyPdf = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

let issued = 0;

/** Issues an invoice straight in the store (what the billing run does), for a test's member. */
export async function issueTestInvoice(
  api: TestApi,
  memberId: string,
  options: { total: number; dueOn: string; subject?: string },
): Promise<Invoice> {
  issued += 1;
  return api.store.invoices.issue(
    {
      gardenId: api.gardenId,
      memberId,
      subject: options.subject ?? 'Paniers du mois',
      issuedOn: addDays(options.dueOn, -10),
      dueOn: options.dueOn,
      lines: [{ label: 'Panier moyen', quantity: 1, unitPrice: options.total, amount: options.total }],
      total: options.total,
    },
    `test/${memberId}/${issued}/${Date.now()}`,
  );
}

/** Puts the invoice's PDF where the billing run prints it, and tells the invoice. */
export async function printTestInvoice(api: TestApi, number: number): Promise<void> {
  const key = invoiceDocumentKey(api.gardenId, number);
  await testDocuments().put(key, tinyPdf, 'application/pdf');
  await api.store.invoices.setDocument(api.gardenId, number, key);
}

/**
 * The worker's activities over the test's store, billing's included: invoices printed to the
 * local documents bucket, cards charged through `gateway` (a script: stripe-mock keeps no state
 * and cannot decline).
 */
export function testBillingActivities(store: Store, gateway: ChargeGateway) {
  return {
    ...testActivities(store),
    ...createBillingActivities({
      store,
      documents: testDocuments(),
      gateway,
      publicUrl: 'http://localhost:8080',
    }),
  };
}

/** Saves a card for the member, as Stripe's set-up leaves it (a Visa ending 4242). */
export async function saveTestCard(
  store: Store,
  gardenId: string,
  memberId: string,
  ids = { customer: 'cus_test', paymentMethod: 'pm_test' },
): Promise<void> {
  const profile = await store.billingProfiles.get(gardenId, memberId);
  await store.billingProfiles.save(profile, {
    stripeCustomerId: ids.customer,
    paymentMethod: { id: ids.paymentMethod, kind: 'card', label: 'Visa •••• 4242' },
  });
}

/**
 * Issues a 68 € invoice for four medium baskets straight in the store (what the billing run
 * does), under the idempotency key `key`.
 */
export function issueFourBasketsInvoice(
  store: Store,
  invoice: { gardenId: string; memberId: string; issuedOn: IsoDate; dueOn: IsoDate; subject?: string },
  key: string,
): Promise<Invoice> {
  return store.invoices.issue(
    {
      subject: 'Paniers livrés en novembre 2026',
      ...invoice,
      lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1700, amount: 6800 }],
      total: 6800,
    },
    key,
  );
}
