import type { InvoiceView, MemberBilling } from '../../../../domain/billing-views.ts';

/** An open invoice of 45,00 € nothing paid yet, due long ago. */
export function anInvoice(overrides: Partial<InvoiceView> = {}): InvoiceView {
  return {
    number: 42,
    label: 'F-000042',
    memberId: 'm-0001',
    subject: 'Paniers de novembre 2026',
    issuedOn: '2026-12-01',
    dueOn: '2026-12-11',
    lines: [{ label: 'Panier moyen', quantity: 3, unitPrice: 1500, amount: 4500 }],
    total: 4500,
    paid: 0,
    outstanding: 4500,
    status: 'open',
    payments: [],
    hasDocument: true,
    ...overrides,
  };
}

export function aBilling(overrides: Partial<MemberBilling> = {}): MemberBilling {
  const invoices = overrides.invoices ?? [anInvoice()];
  return {
    memberId: 'm-0001',
    balance: {
      due: invoices.reduce((sum, invoice) => sum + (invoice.status === 'open' ? invoice.outstanding : 0), 0),
      overdue: 0,
    },
    invoices,
    version: 0,
    ...overrides,
  };
}
