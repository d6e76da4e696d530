import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentsReport, UnpaidReport } from '../domain/billing-views.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { Invoice, Payment } from '../domain/invoices.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// Today and last month are read once: start clear of the garden's midnight.
await clearOfMidnight();

/** The unpaid list, payments by month and method, and the accountant's CSV. */
describe('billing reports', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  const invoices: Record<'oldest' | 'recent' | 'notDue' | 'paid' | 'writtenOff', Invoice> = {} as never;
  let zoe: string;
  let marc: string;
  let sources = 0;

  async function issue(memberId: string, total: number, dueOn: string): Promise<Invoice> {
    sources += 1;
    return api.store.invoices.issue(
      {
        gardenId: api.gardenId,
        memberId,
        subject: `Paniers ${sources}`,
        issuedOn: addDays(dueOn, -10),
        dueOn,
        lines: [{ label: 'Panier', quantity: 1, unitPrice: total, amount: total }],
        total,
      },
      `report/${sources}`,
    );
  }

  const staffActor = { by: { userId: 'u-staff', name: 'Camille Martin' }, at: '2025-03-01T10:00:00.000Z' };
  const payment = (
    id: string,
    method: Payment['method'],
    amount: number,
    receivedOn: string,
    extra = {},
  ): Payment => ({
    id,
    method,
    amount,
    receivedOn,
    recorded: staffActor,
    ...extra,
  });

  beforeAll(async () => {
    api = await startTestApi('reports');
    zoe = (await api.createMember({ firstName: 'Zoé', lastName: 'Ardoise' })).id;
    marc = (await api.createMember({ firstName: 'Marc', lastName: 'Bloch; "le jeune"' })).id;
    invoices.recent = await issue(zoe, 3000, addDays(today, -4));
    invoices.oldest = await issue(marc, 5000, addDays(today, -40));
    invoices.notDue = await issue(zoe, 1200, addDays(today, 6));
    invoices.paid = await issue(marc, 2400, '2025-01-20');
    invoices.writtenOff = await issue(zoe, 900, addDays(today, -90));

    // A partial cheque on the oldest; the paid one in two payments, in January and March 2025.
    await api.store.invoices.addPayment(
      api.gardenId,
      invoices.oldest.number,
      payment('p-1', 'cheque', 1500, '2025-01-10', { reference: '0042', bank: 'La Poste' }),
    );
    await api.store.invoices.addPayment(
      api.gardenId,
      invoices.paid.number,
      payment('p-2', 'card', 1400, '2025-01-25'),
    );
    await api.store.invoices.addPayment(
      api.gardenId,
      invoices.paid.number,
      payment('p-3', 'transfer', 1000, '2025-03-02', { reference: 'VIR 12' }),
    );
    await api.store.invoices.addPayment(
      api.gardenId,
      invoices.writtenOff.number,
      payment('p-4', 'cash', 200, '2025-03-15'),
    );
    await api.store.invoices.writeOff(api.gardenId, invoices.writtenOff.number, staffActor);
  });
  afterAll(() => api?.close());

  const url = (suffix: string) => `/api/gardens/${api.gardenId}/reports${suffix}`;

  it('lists open invoices with something due, oldest first, with names and days overdue', async () => {
    const response = await api.call(api.accounts.staff, 'GET', url('/unpaid'));
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<UnpaidReport>();
    expect(report.invoices.map((row) => row.number)).toEqual([
      invoices.oldest.number,
      invoices.recent.number,
      invoices.notDue.number,
    ]);
    expect(report.invoices[0]).toEqual({
      number: invoices.oldest.number,
      label: `F-${String(invoices.oldest.number).padStart(6, '0')}`,
      memberId: marc,
      memberName: 'Marc Bloch; "le jeune"',
      subject: invoices.oldest.subject,
      issuedOn: invoices.oldest.issuedOn,
      dueOn: addDays(today, -40),
      total: 5000,
      outstanding: 3500,
      daysOverdue: 40,
      // Neither card nor mandate, past due: the garden waits for a cheque, cash or a transfer.
      nextStep: { step: 'awaiting-payment' },
    });
    expect(report.invoices.map((row) => row.daysOverdue)).toEqual([40, 4, 0]);
    expect(report.invoices[1]?.memberName).toBe('Zoé Ardoise');
    expect(report.total).toBe(3500 + 3000 + 1200);
    expect(report.overdue).toBe(3500 + 3000);
  });

  it('sums payments by month and by method, months without payments included', async () => {
    const response = await api.call(api.accounts.staff, 'GET', url('/payments?from=2025-01&to=2025-03'));
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<PaymentsReport>();
    const none = { card: 0, sepa: 0, cheque: 0, cash: 0, transfer: 0 };
    expect(report).toEqual({
      from: '2025-01',
      to: '2025-03',
      months: [
        { month: '2025-01', byMethod: { ...none, cheque: 1500, card: 1400 }, total: 2900, count: 2 },
        { month: '2025-02', byMethod: none, total: 0, count: 0 },
        { month: '2025-03', byMethod: { ...none, transfer: 1000, cash: 200 }, total: 1200, count: 2 },
      ],
      byMethod: { ...none, cheque: 1500, card: 1400, transfer: 1000, cash: 200 },
      total: 4100,
      count: 4,
    });
    const february = await api.call(api.accounts.staff, 'GET', url('/payments?from=2025-02&to=2025-02'));
    expect(february.json<PaymentsReport>()).toMatchObject({
      total: 0,
      count: 0,
      months: [{ month: '2025-02' }],
    });
    // By default, the twelve months up to this one.
    const recent = await api.call(api.accounts.staff, 'GET', url('/payments'));
    expect(recent.json<PaymentsReport>().months).toHaveLength(12);
    expect(recent.json<PaymentsReport>().to).toBe(today.slice(0, 7));
  });

  it('exports the payments of the months for the accountant, as a French CSV download', async () => {
    const response = await api.call(api.accounts.staff, 'GET', url('/payments.csv?from=2025-01&to=2025-03'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="paiements-2025-01-2025-03.csv"',
    );
    const label = (invoice: Invoice) => `F-${String(invoice.number).padStart(6, '0')}`;
    expect(response.body).toBe(
      '\uFEFF' +
        [
          'Date;Facture;Adhérent;Moyen de paiement;Montant (EUR);Référence',
          `2025-01-10;${label(invoices.oldest)};"Marc Bloch; ""le jeune""";Chèque;15,00;0042 · La Poste`,
          `2025-01-25;${label(invoices.paid)};"Marc Bloch; ""le jeune""";Carte bancaire;14,00;`,
          `2025-03-02;${label(invoices.paid)};"Marc Bloch; ""le jeune""";Virement;10,00;VIR 12`,
          `2025-03-15;${label(invoices.writtenOff)};Zoé Ardoise;Espèces;2,00;`,
        ].join('\r\n') +
        '\r\n',
    );
    const empty = await api.call(api.accounts.staff, 'GET', url('/payments.csv?from=2025-02&to=2025-02'));
    expect(empty.body).toBe('\uFEFFDate;Facture;Adhérent;Moyen de paiement;Montant (EUR);Référence\r\n');
  });

  it('refuses wrong month ranges with a French sentence', async () => {
    // A month that is not one is malformed (400); a range the rules refuse is 422.
    const cases: Array<[string, number, string]> = [
      ['/payments?from=2025-13&to=2025-12', 400, "« Début » n'a pas le bon format."],
      ['/payments?from=2025-01&to=janvier', 400, "« Fin » n'a pas le bon format."],
      ['/payments?from=2025-06&to=2025-01', 422, 'Le mois de début doit précéder le mois de fin.'],
      ['/payments.csv?from=2020-01&to=2025-01', 422, 'Choisissez au plus 36 mois.'],
    ];
    for (const [suffix, status, message] of cases) {
      const response = await api.call(api.accounts.staff, 'GET', url(suffix));
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json()).toMatchObject({ error: status === 400 ? 'invalid_input' : 'refused', message });
    }
  });

  it('keeps the reports from members, drivers and other gardens', async () => {
    for (const suffix of ['/unpaid', '/payments', '/payments.csv']) {
      for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
        const response = await api.call(account, 'GET', url(suffix));
        expect(response.statusCode, `${suffix}: ${response.body}`).toBe(403);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }
    }
  });
});
