import type { JournalEntry } from '../../domain/journal/journal-entry.ts';
import { journalColumns, journalRows } from '../../domain/journal/process-export.ts';
import type { Locale } from '../../domain/locale.ts';
import { printableTablePdf } from './printable-table.ts';

export interface JournalPdfInput {
  /** « Journal de l'abonnement m-1.2026-12-13 ». */
  title: string;
  /** Lines under the title: the garden, the period, the filters. */
  subtitle: string[];
  entries: readonly JournalEntry[];
  locale: Locale;
  timeZone?: string | undefined;
  /** The footer's date (printed on each page). */
  printedAt: string;
}

/** Characters of the event column per line (Helvetica 10 pt in its width). */
const eventWidth = 58;

/** Words cut into lines of at most `width` characters (a longer word is cut). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (current) lines.push(current);
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
      current = '';
    }
    if (!current) current = rest;
    else if (current.length + 1 + rest.length <= width) current = `${current} ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current) lines.push(current);
  return lines.length > 0 ? lines : [''];
}

/**
 * A journal as a printable A4 PDF: one row per entry (the sentence, its reason and what changed,
 * wrapped over as many lines as it takes, never cut), date, category and who beside it. Names and
 * texts are printed as text: nothing in them is read as markup.
 */
export async function journalPdf(input: JournalPdfInput): Promise<Uint8Array> {
  const { locale } = input;
  const words = journalColumns[locale];
  const rows: string[][] = [];
  for (const row of journalRows(input.entries, locale, input.timeZone)) {
    const said = [
      row.text,
      row.reason ? `${words.reason} : « ${row.reason} »` : '',
      row.changes ? `${words.changes} : ${row.changes}` : '',
    ].filter(Boolean);
    const lines = said.flatMap((part) => wrapText(part, eventWidth));
    const by = row.role ? `${row.by}${row.by ? ' ' : ''}(${row.role})` : row.by;
    lines.forEach((line, index) =>
      rows.push(index === 0 ? [row.when, row.category, line, by] : ['', '', line, '']),
    );
  }
  return printableTablePdf({
    title: input.title,
    subtitle: input.subtitle,
    columns: [
      { header: words.when, width: 2.3 },
      { header: words.category, width: 1.7 },
      { header: words.text, width: 6.4 },
      { header: words.by, width: 2.2 },
    ],
    rows,
    footer: `${locale === 'fr' ? 'Imprimé le' : 'Printed on'} ${input.printedAt}`,
    empty: locale === 'fr' ? 'Aucun événement pour cette sélection.' : 'Nothing happened in this selection.',
  });
}
