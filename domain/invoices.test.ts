import { describe, expect, it } from 'vitest';
import { paymentsCsv } from './invoices.ts';

describe("the accountant's payments CSV", () => {
  const row = {
    invoiceNumber: 42,
    memberName: 'Louise Michel',
    method: 'cheque' as const,
    amount: 1750,
    receivedOn: '2026-11-03',
    reference: '0042',
  };

  it('writes one line per payment, semicolons and decimal commas, for French spreadsheets', () => {
    expect(paymentsCsv([row])).toBe(
      'Date;Facture;Adhérent;Moyen de paiement;Montant (EUR);Référence\r\n' +
        '2026-11-03;F-000042;Louise Michel;Chèque;17,50;0042\r\n',
    );
  });

  it('quotes what a person typed, and never lets it run as a formula', () => {
    const csv = paymentsCsv([
      { ...row, memberName: 'Dupont; "Jo"', reference: '=HYPERLINK("http://x")' },
      { ...row, memberName: '+33 6 12', reference: '@SUM(A1)' },
    ]);
    const [, first, second] = csv.split('\r\n');
    expect(first).toBe('2026-11-03;F-000042;"Dupont; ""Jo""";Chèque;17,50;"\'=HYPERLINK(""http://x"")"');
    expect(second).toBe("2026-11-03;F-000042;'+33 6 12;Chèque;17,50;'@SUM(A1)");
  });
});
