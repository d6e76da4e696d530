import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, unpaidRows } from '../../domain/billing-views.ts';
import { outstanding, paymentRefusal } from '../../domain/invoices.ts';
import type { Store } from './index.ts';
import { createInvoiceStore, type NewInvoice } from './invoice-store.ts';
import { createTestGarden, testStore } from '../../tests/support/environment.ts';

describe('invoice numbering', () => {
  let store: Store;
  let invoices: ReturnType<typeof createInvoiceStore>;
  let gardenId: string;

  beforeAll(async () => {
    store = await testStore();
    invoices = createInvoiceStore(store.db, store.tables);
    ({ gardenId } = await createTestGarden(store, 'invoices'));
  });
  afterAll(() => store?.close());

  const draft = (memberId: string): NewInvoice => ({
    gardenId,
    memberId,
    subject: 'Paniers de novembre 2026',
    issuedOn: '2026-12-01',
    dueOn: '2026-12-15',
    lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1700, amount: 6800 }],
    total: 6800,
  });

  it('numbers invoices issued at the same time without a gap or a double', async () => {
    const issued = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        invoices.issue(draft(`m-${index}`), `month/2026-11/m-${index}`),
      ),
    );
    const numbers = issued.map((invoice) => invoice.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect((await invoices.list(gardenId)).map((invoice) => invoice.number).sort((a, b) => a - b)).toEqual(
      numbers,
    );
  });

  it('gives back the same invoice when the same thing is billed twice, even at once', async () => {
    const [first, second] = await Promise.all([
      invoices.issue(draft('m-twice'), 'month/2026-11/m-twice'),
      invoices.issue(draft('m-twice'), 'month/2026-11/m-twice'),
    ]);
    expect(first?.number).toBe(second?.number);
    const all = await invoices.list(gardenId);
    expect(all.filter((invoice) => invoice.memberId === 'm-twice')).toHaveLength(1);
    // Still no gap: the next number follows.
    const next = await invoices.issue(draft('m-next'), 'month/2026-11/m-next');
    expect(next.number).toBe(Math.max(...all.map((invoice) => invoice.number)) + 1);
  });

  it('issues an invoice its credits cover, nothing left to pay, settled: never charged, never unpaid', async () => {
    const covered = await invoices.issue(
      {
        ...draft('m-covered'),
        subject: 'Saison 2026 — échéance 2 sur 2',
        lines: [
          { label: 'Panier moyen × 12 livraisons, échéance 2/2', quantity: 1, unitPrice: 1700, amount: 1700 },
          {
            label: 'Avoir : panier du 12 mai non livré (absence)',
            quantity: 1,
            unitPrice: -1700,
            amount: -1700,
            absence: { subscriptionId: 's-covered', date: '2026-05-12' },
          },
        ],
        total: 0,
      },
      'season/2026/s-covered/2',
    );
    expect(covered).toMatchObject({ status: 'paid', payments: [], total: 0 });
    const stored = await invoices.get(gardenId, covered.number);
    expect(stored?.status).toBe('paid');
    expect(outstanding(stored!)).toBe(0);
    expect(unpaidRows([stored!], () => 'Louise Michel', '2027-01-31')).toEqual([]);
    expect(balanceOf([stored!], '2027-01-31')).toEqual({ due: 0, overdue: 0 });
    expect(paymentRefusal(stored!, { method: 'cash', amount: 100, receivedOn: '2026-12-02' })?.fr).toBe(
      'Cette facture est déjà soldée : aucun paiement à enregistrer.',
    );
    // Anything to pay is issued open, as before.
    expect((await invoices.issue(draft('m-owes'), 'month/2026-11/m-owes')).status).toBe('open');
  });
});
