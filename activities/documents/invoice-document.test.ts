import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../domain/invoices.ts';
import { invoiceDocumentModel, invoicePdf } from './invoice-document.ts';

const invoice: Invoice = {
  gardenId: 'g-val-du-doubs',
  number: 42,
  memberId: 'm-1',
  subject: 'Paniers livrés en novembre 2026',
  issuedOn: '2026-12-01',
  dueOn: '2026-12-15',
  lines: [{ label: 'Panier moyen', quantity: 4, unitPrice: 1700, amount: 6800 }],
  total: 6800,
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
const member = { name: 'Sophie Girardot', address: '3 rue des Tilleuls, 25000 Besançon' };

describe('the printed invoice', () => {
  it('says the due day is the last one, included', () => {
    const model = invoiceDocumentModel({ invoice, legal, member });
    expect(model.subtitle).toContain(
      'Émise le mardi 1 décembre 2026 — à régler au plus tard le mardi 15 décembre 2026',
    );
  });

  it('asks nothing of a 0 € invoice without credits either', () => {
    const nothing = { ...invoice, lines: [], total: 0, status: 'paid' as const };
    const model = invoiceDocumentModel({ invoice: nothing, legal, member });
    expect(model.subtitle).toContain('Émise le mardi 1 décembre 2026 — Rien à régler.');
  });

  it("tells how to pay without a card: the garden's account with the reference, and where cheques go", async () => {
    const payment = {
      payee: 'Jardins de Cocagne du Val du Doubs',
      iban: 'FR7630006000011234567890189',
      bic: 'AGRIFRPP',
    };
    const model = invoiceDocumentModel({
      invoice,
      legal,
      member,
      payment,
      gardenAddress: '12 chemin des Vergers, 25000 Besançon',
    });
    expect(model.subtitle).toContain(
      'Par virement : Jardins de Cocagne du Val du Doubs — IBAN FR76 3000 6000 0112 3456 7890 189 — BIC AGRIFRPP — référence à indiquer : F-000042',
    );
    expect(model.subtitle).toContain(
      "Par chèque à l'ordre de Jardins de Cocagne du Val du Doubs, à envoyer à : 12 chemin des Vergers, 25000 Besançon",
    );
    // A garden that has not said how: nothing is made up.
    expect(invoiceDocumentModel({ invoice, legal, member }).subtitle.join('\n')).not.toMatch(
      /virement|chèque/,
    );
    // And it prints.
    const pdf = await invoicePdf({ invoice, legal, member, payment });
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe('%PDF-');
  });
});
