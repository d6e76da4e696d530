import { formatDay } from '../../domain/calendar.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoices.ts';
import { cents, formatEuros } from '../../domain/money.ts';
import type { LegalDetails } from '../../domain/pricing.ts';
import { printableTablePdf, type PrintableTable } from './printable-table.ts';

export interface InvoiceDocumentInput {
  invoice: Invoice;
  legal: LegalDetails;
  member: { name: string; address?: string };
}

const euros = (amount: number) => formatEuros(cents(amount));

/**
 * What an invoice says, as French rules want it: the seller's name, address and SIRET, the
 * buyer, the number in the garden's one sequence, the date of issue and the due date, each
 * line with quantity, unit price and amount, the total, and the VAT mention.
 */
export function invoiceDocumentModel(input: InvoiceDocumentInput): PrintableTable {
  const { invoice, legal, member } = input;
  const label = invoiceLabel(invoice.number);
  return {
    title: `Facture ${label}`,
    subtitle: [
      `${legal.name} — ${legal.address} — SIRET ${legal.siret}`,
      `Adhérent : ${member.name}${member.address ? `, ${member.address}` : ''}`,
      `Objet : ${invoice.subject}`,
      `Émise le ${formatDay(invoice.issuedOn)} — à régler avant le ${formatDay(invoice.dueOn)}`,
    ],
    columns: [
      { header: 'Désignation', width: 6 },
      { header: 'Quantité', width: 2, align: 'right' },
      { header: 'Prix unitaire', width: 2.5, align: 'right' },
      { header: 'Montant', width: 2.5, align: 'right' },
    ],
    rows: [
      ...invoice.lines.map((line) => [
        line.label,
        String(line.quantity),
        euros(line.unitPrice),
        euros(line.amount),
      ]),
      ['Total à payer', '', '', euros(invoice.total)],
    ],
    footer: `${label} — ${legal.vatNote || 'Montants en euros TTC'}`,
    empty: 'Aucune ligne.',
  };
}

export function invoicePdf(input: InvoiceDocumentInput): Promise<Uint8Array> {
  return printableTablePdf(invoiceDocumentModel(input));
}
