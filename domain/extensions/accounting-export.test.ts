import { describe, expect, it } from 'vitest';
import { paymentsCsv } from '../invoices.ts';
import {
  builtInAccountingExport,
  exportBytes,
  exportedPayment,
  type AccountingExportInput,
} from './accounting-export.ts';

const input: AccountingExportInput = {
  from: '2026-11',
  to: '2026-11',
  garden: { name: 'Jardin de Cocagne du Val du Doubs', siret: '12345678900017' },
  payments: [
    exportedPayment({ number: 42, memberId: 'm-demo-0001' }, 'Élodie Perrin', {
      receivedOn: '2026-11-04',
      method: 'cheque',
      amount: 6800,
      reference: '0012345',
      bank: 'Crédit Agricole',
    }),
    exportedPayment({ number: 43, memberId: 'm-demo-0002' }, '=Œuvray', {
      receivedOn: '2026-11-10',
      method: 'sepa',
      amount: 4600,
    }),
  ],
};

describe('the built-in accounting export', () => {
  it("is today's accountant CSV, named for its months, in UTF-8 with a byte order mark", () => {
    const output = builtInAccountingExport(input);
    expect(output).toMatchObject({
      fileName: 'paiements-2026-11-2026-11.csv',
      mediaType: 'text/csv',
      encoding: 'utf-8',
      byteOrderMark: true,
    });
    expect(output.content).toBe(
      paymentsCsv([
        {
          invoiceNumber: 42,
          memberName: 'Élodie Perrin',
          method: 'cheque',
          amount: 6800,
          receivedOn: '2026-11-04',
          reference: '0012345 · Crédit Agricole',
        },
        { invoiceNumber: 43, memberName: '=Œuvray', method: 'sepa', amount: 4600, receivedOn: '2026-11-10' },
      ]),
    );
    expect(output.content.split('\r\n')[2]).toBe("2026-11-10;F-000043;'=Œuvray;Prélèvement SEPA;46,00;");
    expect(input.payments[0]?.invoiceLabel).toBe('F-000042');
  });

  it('writes the bytes in the encoding asked, a character it lacks as "?"', () => {
    expect([...exportBytes({ encoding: 'utf-8', byteOrderMark: true, content: 'é' })]).toEqual([
      0xef, 0xbb, 0xbf, 0xc3, 0xa9,
    ]);
    expect([...exportBytes({ encoding: 'iso-8859-15', byteOrderMark: false, content: 'é€Œ¤→' })]).toEqual([
      0xe9, 0xa4, 0xbc, 0x3f, 0x3f,
    ]);
    expect([
      ...exportBytes({ encoding: 'windows-1252', byteOrderMark: false, content: 'é€Œ’\u0085' }),
    ]).toEqual([0xe9, 0x80, 0x8c, 0x92, 0x3f]);
  });
});
