import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
