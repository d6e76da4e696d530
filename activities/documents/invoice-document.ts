import { formatDay } from '../../domain/calendar.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoices.ts';
import { cents, formatEuros } from '../../domain/money.ts';
import type { LegalDetails } from '../../domain/pricing.ts';
import { formatIban, type GardenContact } from '../../domain/garden-contact.ts';
import { printableTablePdf, type PrintableTable } from './printable-table.ts';

export interface InvoiceDocumentInput {
  invoice: Invoice;
  legal: LegalDetails;
  member: { name: string; address?: string };
  /** How to pay without a card, when the garden has said (its contact settings). */
  payment?: GardenContact['payment'];
  /** The garden's postal address: where cheques go when the garden names no other. */
  gardenAddress?: string;
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
      ...(nothingDue(invoice)
        ? [`Émise le ${formatDay(invoice.issuedOn)} — ${nothingDueNote(invoice)}`]
        : [
            `Émise le ${formatDay(invoice.issuedOn)} — à régler au plus tard le ${formatDay(invoice.dueOn)}`,
            ...paymentLines(input, label),
          ]),
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

/**
 * An invoice its credits cover (0 €, issued settled): no due date and no way to pay, since
 * there is nothing to pay; a member reading « à régler » with the garden's IBAN would pay it.
 */
const nothingDue = (invoice: Invoice) => invoice.total <= 0;

function nothingDueNote(invoice: Invoice): string {
  const credited = invoice.lines.some((line) => line.absence && line.amount < 0);
  return credited ? 'Facture soldée par avoir : rien à régler.' : 'Rien à régler.';
}

/** Without a card or mandate: the transfer (with the reference to give) and the cheque. */
function paymentLines(input: InvoiceDocumentInput, label: string): string[] {
  const payment = input.payment;
  if (!payment) return [];
  const bic = payment.bic ? ` — BIC ${payment.bic}` : '';
  const chequeTo = payment.chequeAddress || input.gardenAddress;
  return [
    `Par virement : ${payment.payee} — IBAN ${formatIban(payment.iban)}${bic} — référence à indiquer : ${label}`,
    `Par chèque à l'ordre de ${payment.payee}${chequeTo ? `, à envoyer à : ${chequeTo}` : ''}`,
  ];
}

export function invoicePdf(input: InvoiceDocumentInput): Promise<Uint8Array> {
  return printableTablePdf(invoiceDocumentModel(input));
}
