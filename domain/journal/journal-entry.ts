import type { Localized } from '../locale.ts';

/**
 * One line of a journal: what happened to a subject of the garden, when, who did it and why, in
 * the garden's words (French and English). Entries come from two sources: the events of the
 * processes' histories (`source.type === 'workflow'`, mapped by `process-*.ts`) and the staff
 * action log (`source.type === 'action'`, `staff-actions.ts`). The web shows them as a timeline,
 * the API exports them as CSV and PDF.
 */

/** What a journal is about: the `:kind` of the journal route and a staff action's subject. */
export const journalSubjectKinds = [
  'garden',
  'member',
  'subscription',
  'invoice',
  'week',
  'round',
  'extension',
  'depot',
  'product',
  'price',
  'calendar',
  'account',
  'settings',
  'vehicle',
] as const;
export type JournalSubjectKind = (typeof journalSubjectKinds)[number];

/** Who did it. `role` is a `Role` of domain/roles.ts, 'member' or 'system'; `name` is shortened (« Claire M. »). */
export interface JournalActor {
  id: string;
  name: string;
  role?: string;
}

/** One field an edit changed, before and after (JSON values; absent on the side of a creation or deletion). */
export interface JournalChange {
  field: string;
  label: Localized;
  before?: unknown;
  after?: unknown;
}

export type JournalCategory =
  'request' | 'decision' | 'notice' | 'payment' | 'change' | 'delivery' | 'system' | 'access';

export type JournalSource =
  | {
      type: 'workflow';
      workflowId: string;
      runId: string;
      eventId: number;
      eventType: string;
      archived: boolean;
    }
  | { type: 'action'; seq: number };

export interface JournalEntry {
  /** Stable: `wf:<workflowId>:<runId>:<eventId>` or `action:<seq>`. */
  id: string;
  /** ISO instant. */
  at: string;
  /** Machine kind, e.g. 'subscription.approved', 'payment.failed', 'depot.updated'. */
  kind: string;
  category: JournalCategory;
  /** A plain sentence, e.g. « Validée par Claire M. » / "Approved by Claire M.". */
  text: Localized;
  /** Who did it; absent when the process itself did. */
  actor?: JournalActor;
  /** Free text the person typed. */
  reason?: string;
  /** Before and after, for edits. */
  changes?: JournalChange[];
  source: JournalSource;
}
