import type {
  JournalActor,
  JournalCategory,
  JournalEntry,
} from '../../../../domain/journal/journal-entry.ts';
import type { JournalProcess, JournalQuery } from './journal-api.ts';

/** Every category, in the order the filter lists them. */
export const journalCategories: readonly JournalCategory[] = [
  'request',
  'decision',
  'notice',
  'payment',
  'change',
  'delivery',
  'system',
  'access',
];

/** A sign for each category, beside its name (never the colour alone). */
export const categoryIcons: Readonly<Record<JournalCategory, string>> = {
  request: '✉',
  decision: '✓',
  notice: '✆',
  payment: '€',
  change: '✎',
  delivery: '❀',
  system: '⚙',
  access: '⚷',
};

/** A journal's filters as the form holds them: '' when not filtered. */
export interface JournalFilters {
  from: string;
  to: string;
  category: JournalCategory | '';
  actorId: string;
}

export const noJournalFilters = (): JournalFilters => ({ from: '', to: '', category: '', actorId: '' });

/** The filters the API reads; the empty ones left out. */
export function journalQuery(filters: JournalFilters): JournalQuery {
  const query: JournalQuery = {};
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  if (filters.category) query.category = filters.category;
  if (filters.actorId) query.actorId = filters.actorId;
  return query;
}

/** A period whose end comes before its start: the sentence's key, or undefined. */
export function periodProblem(
  filters: Pick<JournalFilters, 'from' | 'to'>,
): 'journal.periodReversed' | undefined {
  return filters.from && filters.to && filters.to < filters.from ? 'journal.periodReversed' : undefined;
}

/**
 * The people who acted in the entries read so far, added to those already known and sorted by
 * name: choosing one filters the journal, and the others must stay in the list.
 */
export function actorsOf(known: readonly JournalActor[], entries: readonly JournalEntry[]): JournalActor[] {
  const byId = new Map(known.map((actor) => [actor.id, actor]));
  for (const entry of entries)
    if (entry.actor && !byId.has(entry.actor.id)) byId.set(entry.actor.id, entry.actor);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** A value of a change as people read it: text as is, yes/no, a number, JSON for anything else. */
export function changeValue(value: unknown, words: { yes: string; no: string; none: string }): string {
  if (value === undefined || value === null || value === '') return words.none;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The Temporal UI's page of an entry's run (else of its process's latest run), when the answer gives one. */
export function temporalUrlOf(entry: JournalEntry, processes: readonly JournalProcess[]): string | undefined {
  if (entry.source.type !== 'workflow') return undefined;
  const { workflowId, runId } = entry.source;
  const process = processes.find((each) => each.workflowId === workflowId);
  return process?.runs?.find((run) => run.runId === runId)?.temporalUiUrl ?? process?.temporalUiUrl;
}

/** The name a downloaded journal is saved under when the API gives none. */
export function journalFileName(subject: string, format: 'csv' | 'pdf'): string {
  return `journal-${subject.replace(/[^\w.-]+/g, '-')}.${format}`;
}
