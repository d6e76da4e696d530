import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { anInvoice } from './billing-fixtures.ts';
import { useInvoiceStore } from './invoices-store.ts';

describe('invoice store', () => {
  beforeEach(() => signedIn());
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('lists invoices by status; the last choice wins over a slower earlier answer', async () => {
    const slow = deferred<StubAnswer>();
    const api = stubApi((call) =>
      call.query.get('status') === 'open' ? slow.promise : { body: [anInvoice({ status: 'paid' })] },
    );
    const invoices = useInvoiceStore();
    const first = invoices.loadInvoices('open');
    await invoices.loadInvoices('paid');
    slow.resolve({ body: [anInvoice()] });
    await first;
    expect(api.calls.map((call) => `${call.path}?${call.query.toString()}`)).toEqual([
      '/api/gardens/val-du-doubs/invoices?status=open',
      '/api/gardens/val-du-doubs/invoices?status=paid',
    ]);
    expect(invoices.status).toBe('paid');
    expect(invoices.invoices?.map((invoice) => invoice.status)).toEqual(['paid']);
    expect(invoices.invoicesLoading).toBe(false);
    // Every status: no query.
    await invoices.loadInvoices('all');
    expect(api.calls[2]?.query.has('status')).toBe(false);
  });

  it('reads each report on its own: one failing leaves the other', async () => {
    const api = stubApi((call) =>
      call.path.endsWith('/unpaid')
        ? { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } }
        : { body: { from: '2026-01', to: '2026-03', months: [], byMethod: {}, total: 4100, count: 4 } },
    );
    const invoices = useInvoiceStore();
    expect(await invoices.loadUnpaid()).toBe(false);
    expect(await invoices.loadPayments('2026-01', '2026-03')).toBe(true);
    expect(invoices.unpaidError).toBe('Indisponible.');
    expect(invoices.payments?.total).toBe(4100);
    expect(api.calls[1]?.path).toBe('/api/gardens/val-du-doubs/reports/payments');
    expect(api.calls[1]?.query.toString()).toBe('from=2026-01&to=2026-03');
  });

  it("gives the accountant's CSV as a file named after the months", async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:paiements');
    const api = stubApi(() => ({ text: 'Date;Facture\r\n' }));
    const file = await useInvoiceStore().paymentsCsv('2026-01', '2026-12');
    expect(file).toEqual({ url: 'blob:paiements', filename: 'paiements-2026-01-2026-12.csv' });
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/reports/payments.csv');
  });

  it("names the file as the API does: the garden's accounting-export extension may make a FEC of it", async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:fec');
    stubApi(() => ({
      text: 'JournalCode\tJournalLib\r\n',
      headers: {
        'content-type': 'text/plain; charset=iso-8859-15',
        'content-disposition': 'attachment; filename="123456789FEC20261231.txt"',
      },
    }));
    const file = await useInvoiceStore().paymentsCsv('2026-01', '2026-12');
    expect(file).toEqual({ url: 'blob:fec', filename: '123456789FEC20261231.txt' });
  });

  it("passes on why the CSV came instead of the extension's file, the notice decoded", async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:csv');
    const notice = 'L’extension ecritures-fec n’a pas produit son fichier (trap) : voici le CSV habituel.';
    const api = stubApi(() => ({
      text: 'Date;Facture\r\n',
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'x-cocagne-extension': 'ecritures-fec 1.1.1',
        'x-cocagne-extension-failure': 'trap',
        'x-cocagne-extension-notice': encodeURIComponent(notice),
      },
    }));
    const file = await useInvoiceStore().paymentsCsv('2026-01', '2026-12');
    expect(file).toEqual({
      url: 'blob:csv',
      filename: 'paiements-2026-01-2026-12.csv',
      fallback: { kind: 'trap', notice },
    });
    // It asks for the types the route answers with, not a PDF.
    expect(api.calls[0]?.headers.get('Accept')).toBe(
      'text/csv, text/plain, text/tab-separated-values, application/xml, application/json',
    );
  });
});
