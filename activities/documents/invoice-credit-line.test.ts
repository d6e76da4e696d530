import { describe, expect, it } from 'vitest';
import { creditedBasketLine, creditLines } from '../../domain/billing-credits.ts';
import type { Invoice } from '../../domain/invoices.ts';
import { cents, formatEuros } from '../../domain/money.ts';
import { invoiceDocumentModel, invoicePdf } from './invoice-document.ts';

const credit = {
  subscriptionId: 's-1',
  date: '2026-05-12',
  basketSize: 'medium' as const,
  amount: cents(1700),
};
const delivered = { label: 'Panier moyen livré en mai 2026', quantity: 3, unitPrice: 1700, amount: 5100 };
const lines = [delivered, creditedBasketLine(credit), ...creditLines([credit], new Map(), 6800).lines];
const invoice: Invoice = {
  gardenId: 'g-val-du-doubs',
  number: 43,
  memberId: 'm-1',
  subject: 'Paniers livrés en mai 2026',
  issuedOn: '2026-06-01',
  dueOn: '2026-06-11',
  lines,
  total: lines.reduce((sum, line) => sum + line.amount, 0),
  payments: [],
  status: 'open',
  version: 1,
};
const legal = {
  name: 'Jardins de Cocagne du Val du Doubs',
  address: '12 chemin des Vergers, 25000 Besançon',
  siret: '12345678901234',
  vatNote: 'TVA non applicable, art. 293 B du CGI',
};

describe('the printed invoice of a month with a credited absence', () => {
  it('prints the credit line with its negative amount, and the total after it', async () => {
    const model = invoiceDocumentModel({ invoice, legal, member: { name: 'Sophie Girardot' } });
    expect(model.rows).toContainEqual([
      'Avoir : panier du 12 mai non livré (absence)',
      '1',
      formatEuros(cents(-1700)),
      formatEuros(cents(-1700)),
    ]);
    expect(model.rows.at(-1)).toEqual(['Total à payer', '', '', formatEuros(cents(5100))]);
    const pdf = await invoicePdf({ invoice, legal, member: { name: 'Sophie Girardot' } });
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe('%PDF-');
  });
});

describe('the printed invoice its credits cover', () => {
  // A season's installment of 17 € whose first credited absence covers it: issued at 0 €, paid.
  const installment = { label: 'Saison 2026, échéance 1 sur 12', quantity: 1, unitPrice: 1700, amount: 1700 };
  const covered = [installment, ...creditLines([credit], new Map(), installment.amount).lines];
  const settled: Invoice = {
    ...invoice,
    subject: 'Saison 2026, échéance 1 sur 12',
    lines: covered,
    total: covered.reduce((sum, line) => sum + line.amount, 0),
    status: 'paid',
  };
  const payment = {
    payee: 'Jardins de Cocagne du Val du Doubs',
    iban: 'FR7630006000011234567890189',
    bic: 'AGRIFRPP',
  };

  it('says it is settled by its credits, with no due date and no way to pay', async () => {
    expect(settled.total).toBe(0);
    const input = {
      invoice: settled,
      legal,
      member: { name: 'Sophie Girardot' },
      payment,
      gardenAddress: '12 chemin des Vergers, 25000 Besançon',
    };
    const model = invoiceDocumentModel(input);
    expect(model.subtitle).toContain(
      'Émise le lundi 1 juin 2026 — Facture soldée par avoir : rien à régler.',
    );
    const text = model.subtitle.join('\n');
    expect(text).not.toMatch(/à régler au plus tard|virement|chèque|IBAN/);
    expect(model.rows.at(-1)).toEqual(['Total à payer', '', '', formatEuros(cents(0))]);
    const pdf = await invoicePdf(input);
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe('%PDF-');
  });

  it('still asks for payment, with the garden’s details, when the credits leave something to pay', () => {
    const part = [
      { ...installment, unitPrice: 2500, amount: 2500 },
      ...creditLines([credit], new Map(), 2500).lines,
    ];
    const model = invoiceDocumentModel({
      invoice: { ...settled, lines: part, total: 800, status: 'open' },
      legal,
      member: { name: 'Sophie Girardot' },
      payment,
    });
    expect(model.subtitle).toContain(
      'Émise le lundi 1 juin 2026 — à régler au plus tard le jeudi 11 juin 2026',
    );
    expect(model.subtitle.join('\n')).toMatch(/Par virement : .* référence à indiquer : F-000043/);
  });
});
