import type {
  JournalCategory,
  JournalEntry,
  JournalSubjectKind,
} from '../../../../domain/journal/journal-entry.ts';
import { request, requestFile, type DownloadedFile } from '../../api-client/request.ts';
import { currentLocale } from '../../i18n/index.ts';

export type { JournalCategory, JournalEntry, JournalSubjectKind };

/** The subjects that have a « Journal » tab (the `:kind` of the journal route). */
export type JournalKind = Extract<
  JournalSubjectKind,
  'garden' | 'member' | 'subscription' | 'invoice' | 'week' | 'round' | 'extension'
>;

/** One process of the subject, with its chain of runs (continue-as-new) and its page in the Temporal UI. */
export interface JournalProcess {
  workflowId: string;
  /** Every run of the chain, oldest first. */
  runIds: string[];
  /** The latest run in the Temporal UI (when the API knows the UI's address). */
  temporalUiUrl?: string;
  runs?: Array<{ runId: string; archived: boolean; temporalUiUrl?: string }>;
}

export interface JournalAnswer {
  entries: JournalEntry[];
  processes: JournalProcess[];
}

/** Where a staff action came from, while it is kept (a limited time). */
export interface ActionOrigin {
  ip?: string;
  userAgent?: string;
}

export type StaffActionEntry = JournalEntry & { origin?: ActionOrigin };

export interface StaffActionsPage {
  entries: StaffActionEntry[];
  nextCursor?: string;
}

/** The filters of a journal, as the API names them ('' or undefined: not filtered). */
export interface JournalQuery {
  from?: string;
  to?: string;
  category?: string;
  actorId?: string;
}

export interface StaffActionsQuery {
  from?: string;
  to?: string;
  actorId?: string;
  subjectKind?: string;
  q?: string;
}

export type ExportFormat = 'csv' | 'pdf';

const garden = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}`;
const journalPath = (gardenId: string, kind: JournalKind, id: string) =>
  `${garden(gardenId)}/journal/${kind}/${encodeURIComponent(id)}`;

/** The screens say themselves what failed (a 403 is a sentence, not an error page): no toasts. */
export const getJournal = (gardenId: string, kind: JournalKind, id: string, query: JournalQuery) =>
  request<JournalAnswer>('GET', journalPath(gardenId, kind, id), {
    query: { ...query, lang: currentLocale() },
    toast: false,
  });

const mediaTypes: Record<ExportFormat, string> = { csv: 'text/csv', pdf: 'application/pdf' };

/** The journal as a file, with the same filters: the bearer token goes with it, so fetched, not linked. */
export const downloadJournal = (
  gardenId: string,
  kind: JournalKind,
  id: string,
  query: JournalQuery,
  format: ExportFormat,
): Promise<DownloadedFile> =>
  requestFile(journalPath(gardenId, kind, id), {
    query: { ...query, lang: currentLocale(), format },
    accept: mediaTypes[format],
    toast: false,
  });

/** Whose action log: a garden's (its staff), or the network's own (its pages, its legal details). */
export type ActionLogScope = { gardenId: string } | 'network';

const staffActionsPath = (scope: ActionLogScope) =>
  scope === 'network' ? '/network/staff-actions' : `${garden(scope.gardenId)}/staff-actions`;

export const listStaffActions = (scope: ActionLogScope, query: StaffActionsQuery, cursor?: string) =>
  request<StaffActionsPage>('GET', staffActionsPath(scope), {
    query: { ...query, cursor, lang: currentLocale() },
    toast: false,
  });

export const downloadStaffActions = (
  scope: ActionLogScope,
  query: StaffActionsQuery,
): Promise<DownloadedFile> =>
  requestFile(staffActionsPath(scope), {
    query: { ...query, lang: currentLocale(), format: 'csv' },
    accept: mediaTypes.csv,
    toast: false,
  });
