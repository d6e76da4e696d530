import Type from 'typebox';
import { InvoiceNumber, MemberId } from '../ids.ts';
import { invoiceLabel, paymentMethods, paymentsCsv } from '../invoices.ts';
import type { HookLimits } from './catalogue.ts';
import { HookCents, HookDay, HookMonth } from './hook-text.ts';

/**
 * Hook `accounting-export`: the payments of a range of months turned into the file the
 * garden's accounting software imports (its columns, account codes and encoding). Without an
 * extension, the accountant's CSV of today.
 */
export const accountingExportHook = {
  name: 'accounting-export',
  version: 1,
  limits: accountingExportLimits(),
} as const;

/**
 * Sized for a year of a large garden, and more: 10,000 payments are about 2 MiB of input and a
 * FEC of 3.4 MiB (measured with ecritures-fec: 0.3 s, under 8 MiB of module memory); 8 MiB of
 * input holds about 40,000 (1 s, under 32 MiB). Beyond, the accountant gets the built-in CSV,
 * and the reason. The host's defaults (256 KiB, 500 ms, 32 MiB) would stop at about 1,200.
 */
function accountingExportLimits(): Required<HookLimits> {
  const mib = 1024 * 1024;
  return {
    timeBudgetMs: 10_000,
    inputBytes: 8 * mib,
    outputBytes: 16 * mib,
    maxPages: 1024, // 64 MiB
    // The input and output blocks live in the kernel, beside what the module asks of it.
    kernelBytes: 8 * mib + 16 * mib + 4 * mib,
  };
}

export const AccountingExportInput = Type.Object(
  {
    from: HookMonth,
    to: HookMonth,
    /** The seller as invoices name it (accounting files are named after the SIREN). */
    garden: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 120 }),
        siret: Type.String({ pattern: '^[0-9]{14}$' }),
      },
      { additionalProperties: false },
    ),
    /** Every payment received in those months, oldest first (then by invoice). */
    payments: Type.Array(
      Type.Object(
        {
          receivedOn: HookDay,
          invoiceNumber: InvoiceNumber,
          /** "F-000042", as printed. */
          invoiceLabel: Type.String({ pattern: '^F-[0-9]{6,9}$' }),
          /** The household's member id, for a customer sub-account; and its name, as the accountant's CSV shows it. */
          memberId: MemberId,
          memberName: Type.String({ maxLength: 200 }),
          method: Type.Enum([...paymentMethods]),
          amount: HookCents,
          /** Cheque number, transfer reference, Stripe payment id… */
          reference: Type.Optional(Type.String({ maxLength: 200 })),
          /** The cheque's bank. */
          bank: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50_000 },
    ),
  },
  { additionalProperties: false },
);
export type AccountingExportInput = Type.Static<typeof AccountingExportInput>;

export const exportEncodings = ['utf-8', 'iso-8859-15', 'windows-1252'] as const;
export type ExportEncoding = (typeof exportEncodings)[number];

export const AccountingExportOutput = Type.Object(
  {
    fileName: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' }),
    mediaType: Type.Enum(['text/csv', 'text/plain', 'text/tab-separated-values', 'application/xml']),
    /** How the host writes `content` to bytes: accounting software often reads Latin-9 or Windows-1252 only. */
    encoding: Type.Enum([...exportEncodings]),
    /** A UTF-8 byte order mark first (spreadsheets then read accents right); only with utf-8. */
    byteOrderMark: Type.Boolean(),
    content: Type.String({ maxLength: 20_000_000 }),
  },
  { additionalProperties: false },
);
export type AccountingExportOutput = Type.Static<typeof AccountingExportOutput>;

/** Without an extension: the accountant's CSV (`paymentsCsv`), in UTF-8 with a byte order mark. */
export function builtInAccountingExport(input: AccountingExportInput): AccountingExportOutput {
  return {
    fileName: `paiements-${input.from}-${input.to}.csv`,
    mediaType: 'text/csv',
    encoding: 'utf-8',
    byteOrderMark: true,
    content: paymentsCsv(
      input.payments.map((payment) => ({
        invoiceNumber: payment.invoiceNumber,
        memberName: payment.memberName,
        method: payment.method,
        amount: payment.amount,
        receivedOn: payment.receivedOn,
        reference: [payment.reference, payment.bank].filter(Boolean).join(' · ') || undefined,
      })),
    ),
  };
}

/**
 * What staff read when the accountant gets the built-in CSV although the garden runs an
 * accounting-export extension: why, and what to do. `inputBytes` is the size of the hook's input.
 */
export function exportFallbackNotice(
  extension: string,
  failure: { kind: string },
  inputBytes: number,
): { fr: string; en: string } {
  const limit = accountingExportHook.limits.inputBytes;
  const mebibytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  if (failure.kind === 'input-too-large') {
    return {
      fr:
        `Trop de paiements pour l’extension ${extension} (${mebibytes(inputBytes).replace('.', ',')} Mo, ` +
        `${mebibytes(limit).replace('.', ',')} Mo au plus) : voici le CSV habituel. ` +
        'Choisissez moins de mois pour obtenir son fichier.',
      en:
        `Too many payments for the ${extension} extension (${mebibytes(inputBytes)} MiB, at most ` +
        `${mebibytes(limit)} MiB): here is the usual CSV. Choose fewer months to get its file.`,
    };
  }
  return {
    fr: `L’extension ${extension} n’a pas produit son fichier (${failure.kind}) : voici le CSV habituel.`,
    en: `The ${extension} extension did not produce its file (${failure.kind}): here is the usual CSV.`,
  };
}

/** The payment as the hook's input holds it, from an invoice and one of its payments. */
export function exportedPayment(
  invoice: { number: number; memberId: string },
  memberName: string,
  payment: {
    receivedOn: string;
    method: (typeof paymentMethods)[number];
    amount: number;
    reference?: string | undefined;
    bank?: string | undefined;
  },
): AccountingExportInput['payments'][number] {
  return {
    receivedOn: payment.receivedOn,
    invoiceNumber: invoice.number,
    invoiceLabel: invoiceLabel(invoice.number),
    memberId: invoice.memberId,
    memberName,
    method: payment.method,
    amount: payment.amount,
    ...(payment.reference ? { reference: payment.reference } : {}),
    ...(payment.bank ? { bank: payment.bank } : {}),
  };
}

// Latin-9 and Windows-1252 agree with Unicode on 0x00–0x7F and 0xA0–0xFF except where noted.
const latin9: Readonly<Record<number, number>> = {
  0x20ac: 0xa4,
  0x160: 0xa6,
  0x161: 0xa8,
  0x17d: 0xb4,
  0x17e: 0xb8,
  0x152: 0xbc,
  0x153: 0xbd,
  0x178: 0xbe,
};
const latin9Displaced = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);
const windows1252: Readonly<Record<number, number>> = {
  0x20ac: 0x80,
  0x201a: 0x82,
  0x192: 0x83,
  0x201e: 0x84,
  0x2026: 0x85,
  0x2020: 0x86,
  0x2021: 0x87,
  0x2c6: 0x88,
  0x2030: 0x89,
  0x160: 0x8a,
  0x2039: 0x8b,
  0x152: 0x8c,
  0x17d: 0x8e,
  0x2018: 0x91,
  0x2019: 0x92,
  0x201c: 0x93,
  0x201d: 0x94,
  0x2022: 0x95,
  0x2013: 0x96,
  0x2014: 0x97,
  0x2dc: 0x98,
  0x2122: 0x99,
  0x161: 0x9a,
  0x203a: 0x9b,
  0x153: 0x9c,
  0x17e: 0x9e,
  0x178: 0x9f,
};

/**
 * The export as the file's bytes, in its encoding. A character the encoding lacks becomes "?"
 * (never silently dropped), as accounting software would show it.
 */
export function exportBytes(
  output: Pick<AccountingExportOutput, 'encoding' | 'byteOrderMark' | 'content'>,
): Uint8Array {
  if (output.encoding === 'utf-8') {
    return new TextEncoder().encode(`${output.byteOrderMark ? '\uFEFF' : ''}${output.content}`);
  }
  const table = output.encoding === 'iso-8859-15' ? latin9 : windows1252;
  const bytes: number[] = [];
  for (const character of output.content) {
    const code = character.codePointAt(0) ?? 0x3f;
    const mapped = table[code];
    if (mapped !== undefined) bytes.push(mapped);
    else if (code < 0x80) bytes.push(code);
    else if (
      code >= 0xa0 &&
      code <= 0xff &&
      (output.encoding === 'windows-1252' || !latin9Displaced.has(code))
    ) {
      bytes.push(code);
    } else bytes.push(0x3f);
  }
  return Uint8Array.from(bytes);
}
