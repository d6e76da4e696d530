import { invoiceDocumentKey } from '../../adapters/store/documents.ts';
import { addDays } from '../../domain/calendar.ts';
import type { Invoice } from '../../domain/invoices.ts';
import type { TestApi } from './api.ts';
import { testDocuments } from './environment.ts';

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
