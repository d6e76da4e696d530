import { dateFormatter, gardenDay, gardenTimeZone } from '../calendar.ts';
import { CocagneError } from '../errors.ts';
import type { Locale } from '../locale.ts';
import type { JournalCategory, JournalChange, JournalEntry } from './journal-entry.ts';

/** What a journal may be narrowed to (the route's query). */
export interface JournalFilter {
  /**
   * A day (2026-12-03: a day in the garden's time zone, `to` inclusive of its whole day) or an
   * ISO instant (2026-12-03T10:12Z, compared as an instant).
   */
  from?: string | undefined;
  to?: string | undefined;
  category?: JournalCategory | undefined;
  actorId?: string | undefined;
  /** The garden's time zone, for the days; Europe/Paris by default. */
  timeZone?: string | undefined;
}

const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * One bound of a period: whether an entry at `instant` (ms) falls on its side. A day is read in
 * the garden's time zone (the entry's own day there compared with it); an instant as an instant.
 */
function boundOf(
  bound: string | undefined,
  side: 'from' | 'to',
  timeZone: string,
): ((instant: number) => boolean) | undefined {
  if (!bound) return undefined;
  if (isDay(bound)) {
    return side === 'from'
      ? (instant) => gardenDay(new Date(instant), timeZone) >= bound
      : (instant) => gardenDay(new Date(instant), timeZone) <= bound;
  }
  const limit = Date.parse(bound);
  if (Number.isNaN(limit))
    throw new CocagneError(
      'invalid_input',
      { fr: `Date invalide : ${bound}`, en: `Not a valid date: ${bound}` },
      { field: side },
    );
  return side === 'from' ? (instant) => instant >= limit : (instant) => instant <= limit;
}

/** The entries a filter keeps, in their order. */
export function filterJournal(entries: readonly JournalEntry[], filter: JournalFilter): JournalEntry[] {
  const timeZone = filter.timeZone ?? gardenTimeZone;
  const from = boundOf(filter.from, 'from', timeZone);
  const to = boundOf(filter.to, 'to', timeZone);
  return entries.filter((entry) => {
    const instant = Date.parse(entry.at);
    return (
      (!from || from(instant)) &&
      (!to || to(instant)) &&
      (!filter.category || entry.category === filter.category) &&
      (!filter.actorId || entry.actor?.id === filter.actorId)
    );
  });
}

export const journalCategoryLabels: Readonly<Record<JournalCategory, Readonly<Record<Locale, string>>>> = {
  request: { fr: 'Demande', en: 'Request' },
  decision: { fr: 'Décision', en: 'Decision' },
  notice: { fr: 'Message', en: 'Message' },
  payment: { fr: 'Paiement', en: 'Payment' },
  change: { fr: 'Modification', en: 'Change' },
  delivery: { fr: 'Livraison', en: 'Delivery' },
  system: { fr: 'Système', en: 'System' },
  access: { fr: 'Accès', en: 'Access' },
};

const roleWords: Readonly<Record<string, Readonly<Record<Locale, string>>>> = {
  member: { fr: 'Adhérent', en: 'Member' },
  staff: { fr: 'Équipe', en: 'Staff' },
  'garden-admin': { fr: 'Administration du jardin', en: 'Garden administrator' },
  'network-admin': { fr: 'Administration du réseau', en: 'Network administrator' },
  driver: { fr: 'Chauffeur', en: 'Driver' },
  system: { fr: 'Système', en: 'System' },
};

/** « 03/12/2026 10:12 », garden time. */
export function journalTime(at: string, locale: Locale, timeZone = gardenTimeZone): string {
  return dateFormatter(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(at))
    .replace(',', '');
}

function valueSaid(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** « Dépôt : Centre → Jeudi ; Taille du panier : moyen → grand ». */
export function changesSaid(changes: readonly JournalChange[] | undefined, locale: Locale): string {
  return (changes ?? [])
    .map((change) => `${change.label[locale]} : ${valueSaid(change.before)} → ${valueSaid(change.after)}`)
    .join(' ; ');
}

/** One entry as the cells of an export: the same columns in the CSV and the PDF. */
export interface JournalRow {
  when: string;
  category: string;
  text: string;
  by: string;
  role: string;
  reason: string;
  changes: string;
  source: string;
}

export function journalRows(
  entries: readonly JournalEntry[],
  locale: Locale,
  timeZone?: string,
): JournalRow[] {
  return entries.map((entry) => ({
    when: journalTime(entry.at, locale, timeZone),
    category: journalCategoryLabels[entry.category][locale],
    text: entry.text[locale],
    by: entry.actor?.name ?? '',
    role: entry.actor?.role ? (roleWords[entry.actor.role]?.[locale] ?? entry.actor.role) : '',
    reason: entry.reason ?? '',
    changes: changesSaid(entry.changes, locale),
    source:
      entry.source.type === 'workflow'
        ? `${entry.source.workflowId} ${entry.source.runId} #${entry.source.eventId} ${entry.source.eventType}${entry.source.archived ? (locale === 'fr' ? ' (archivé)' : ' (archived)') : ''}`
        : `${locale === 'fr' ? 'action' : 'action'} ${entry.source.seq}`,
  }));
}

export const journalColumns: Readonly<Record<Locale, Readonly<Record<keyof JournalRow, string>>>> = {
  fr: {
    when: 'Date',
    category: 'Catégorie',
    text: 'Événement',
    by: 'Par',
    role: 'Rôle',
    reason: 'Motif',
    changes: 'Modifications',
    source: 'Source',
  },
  en: {
    when: 'Date',
    category: 'Category',
    text: 'Event',
    by: 'By',
    role: 'Role',
    reason: 'Reason',
    changes: 'Changes',
    source: 'Source',
  },
};

const columnOrder: ReadonlyArray<keyof JournalRow> = [
  'when',
  'category',
  'text',
  'by',
  'role',
  'reason',
  'changes',
  'source',
];

/**
 * A cell safe in a spreadsheet: what starts like a formula (= + - @, or a tab or carriage return
 * before one) is prefixed with ' so that it is never run; quoted when it holds ; " or a line break.
 */
export function csvCell(text: string): string {
  const value = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[;"\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The journal as CSV for French Excel: UTF-8 with a byte order mark, `;` between cells, CRLF
 * between lines, one line per entry in the reader's language, every cell formula-safe.
 */
export function journalCsv(entries: readonly JournalEntry[], locale: Locale, timeZone?: string): string {
  const header = columnOrder.map((column) => csvCell(journalColumns[locale][column]));
  const lines = journalRows(entries, locale, timeZone).map((row) =>
    columnOrder.map((column) => csvCell(row[column])).join(';'),
  );
  return `\uFEFF${[header.join(';'), ...lines].join('\r\n')}\r\n`;
}
