import { dateFormatter, formatCalendarDay, gardenTimeZone } from '../calendar.ts';
import type { Localized } from '../locale.ts';
import { notificationKindLabels, notificationKinds, type NotificationKind } from '../notifications.ts';
import { cents as toCents, formatEuros } from '../money.ts';
import type { JournalActor, JournalCategory, JournalChange, JournalEntry } from './journal-entry.ts';
import type { ProcessEvent, ProcessRun } from './process-events.ts';

/**
 * What a process's history means in the garden's words: each workflow type's events become
 * journal entries (`process-subscription.ts`, `process-payment.ts`, `process-garden.ts`).
 * Updates a validator refused never reach a history; updates accepted are decisions with their
 * actor and reason; an update whose handler failed is left out. Events the journal has no words
 * for are skipped; failures and time-outs become `system` entries.
 */

/** What the journal knows beyond the history. */
export interface JournalContext {
  /** The garden's time zone, for hours; Paris when absent. */
  timeZone?: string;
  /** Accounts known to be members (not staff): their actions read « par l'adhérent ». */
  memberActorIds?: ReadonlySet<string>;
  /**
   * The garden's team (staff, administrators, drivers) by account id, with their role, when
   * known: anyone else acting on a member's own record (an absence, a pause…) is the member.
   */
  team?: ReadonlyMap<string, string>;
  /** Depot names by id, for changes of depot. */
  depotNames?: Readonly<Record<string, string>>;
}

/** What a workflow type's mapper gets: the run, the event, and helpers that build entries. */
export interface RunReader {
  readonly run: ProcessRun;
  readonly context: JournalContext;
  /** The event that scheduled an activity (by its id). */
  scheduled(event: ProcessEvent): ProcessEvent | undefined;
  /** Whether the update accepted at this event later failed (so it did nothing). */
  updateFailed(event: ProcessEvent): boolean;
  /** Ids of accounts seen acting as the member in this chain (an online application, a cancellation online). */
  readonly memberIds: Set<string>;
  entry(event: ProcessEvent, draft: EntryDraft): JournalEntry;
}

export interface EntryDraft {
  kind: string;
  category: JournalCategory;
  text: Localized;
  actor?: JournalActor | undefined;
  reason?: string | undefined;
  changes?: JournalChange[] | undefined;
}

/** Maps one event of a run; may keep state across the events of a chain (`state`). */
export type EventMapper = (
  event: ProcessEvent,
  reader: RunReader,
  state: Record<string, unknown>,
) => EntryDraft[];

/** « Claire Martin » → « Claire M. »; « Jean-Pierre de la Tour » → « Jean-Pierre d. »; one word stays whole. */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length < 2) return parts[0] ?? '';
  const last = parts.at(-1) ?? '';
  return `${parts.slice(0, -1).join(' ')} ${[...last][0]?.toUpperCase() ?? ''}.`;
}

/** An actor of the history (`{ userId, name }`) as an entry's actor, named short. */
export function actorOf(value: unknown, role?: string): JournalActor | undefined {
  if (!isRecord(value) || typeof value['userId'] !== 'string') return undefined;
  const name = typeof value['name'] === 'string' ? shortName(value['name']) : '';
  return { id: value['userId'], name: name || value['userId'], ...(role ? { role } : {}) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A value said in a sentence: a string or a number as it is, anything else as nothing. */
export function plain(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export function localized(value: unknown): Localized | undefined {
  const candidate = record(value);
  return typeof candidate['fr'] === 'string' && typeof candidate['en'] === 'string'
    ? { fr: candidate['fr'], en: candidate['en'] }
    : undefined;
}

/** « 15 déc. » / "15 Dec" of a calendar day ("2026-12-15"). */
export function shortDay(day: unknown): Localized {
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return { fr: plain(day), en: plain(day) };
  return {
    fr: formatCalendarDay(day, 'fr', { day: 'numeric', month: 'short' }),
    en: formatCalendarDay(day, 'en', { day: 'numeric', month: 'short' }),
  };
}

/** « le 15 déc. et le 22 déc. » / "15 Dec and 22 Dec". */
export function dayList(days: unknown): Localized {
  const list = Array.isArray(days) ? days.map(shortDay) : [];
  const join = (parts: string[], and: string) =>
    parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} ${and} ${parts.at(-1)}`;
  return {
    fr: join(
      list.map((day) => `le ${day.fr}`),
      'et',
    ),
    en: join(
      list.map((day) => day.en),
      'and',
    ),
  };
}

/** « le 3 déc. à 10 h 12 » / "on 3 Dec at 10:12", garden time. */
export function whenSaid(at: string, timeZone = gardenTimeZone): Localized {
  const instant = new Date(at);
  const parts = dateFormatter('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(instant)
    .filter((part) => part.type === 'hour' || part.type === 'minute')
    .map((part) => part.value);
  const [hour = '00', minute = '00'] = parts;
  const day = (tag: string) =>
    dateFormatter(tag, { timeZone, day: 'numeric', month: 'short' }).format(instant);
  return {
    fr: `le ${day('fr-FR')} à ${Number(hour)} h ${minute}`,
    en: `on ${day('en-GB')} at ${hour}:${minute}`,
  };
}

export function euros(amount: unknown): Localized {
  const cents = toCents(typeof amount === 'number' && Number.isFinite(amount) ? Math.round(amount) : 0);
  return { fr: formatEuros(cents, 'fr'), en: formatEuros(cents, 'en') };
}

/** A sentence's reason as written: first letter lowered, final full stop dropped. */
export function clause(value: Localized): Localized {
  const tidy = (sentence: string) => {
    const trimmed = sentence.trim().replace(/\.$/, '');
    return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
  };
  return { fr: tidy(value.fr), en: tidy(value.en) };
}

/** « par Claire M. » / "by Claire M.", or « par l'adhérent » when the member acted. */
export function byWhom(actor: JournalActor | undefined): Localized {
  if (!actor) return { fr: 'par le jardin', en: 'by the garden' };
  if (actor.role === 'member') return { fr: "par l'adhérent", en: 'by the member' };
  return { fr: `par ${actor.name}`, en: `by ${actor.name}` };
}

/**
 * The actor of an update's arguments, with their role when it is known: `member` for an account
 * seen acting as the member (an online application or cancellation, `memberActorIds`), the team
 * role for the garden's team; for an action a member may take on their own record (`member`),
 * anyone outside a known team is the member; a decision only staff may take (`staff`) is staff's.
 */
export function personOf(
  reader: RunReader,
  value: unknown,
  who: 'member' | 'staff',
): JournalActor | undefined {
  const actor = actorOf(value);
  if (!actor) return undefined;
  const { team, memberActorIds } = reader.context;
  const teamRole = team?.get(actor.id);
  const role =
    reader.memberIds.has(actor.id) || memberActorIds?.has(actor.id)
      ? 'member'
      : (teamRole ?? (who === 'staff' ? 'staff' : team ? 'member' : undefined));
  return role ? { ...actor, role } : actor;
}

const activityFailureWords: Localized = { fr: 'Étape en échec', en: 'Step failed' };

/** The words every workflow type shares: how a run ends badly, and steps that failed for good. */
function systemEntries(event: ProcessEvent, reader: RunReader): EntryDraft[] {
  const message = event.failure?.message ?? '';
  switch (event.eventType) {
    case 'WorkflowExecutionFailed':
      return [
        {
          kind: 'process.failed',
          category: 'system',
          text: {
            fr: `Le processus s'est arrêté sur une erreur : ${message}`,
            en: `The process stopped on an error: ${message}`,
          },
        },
      ];
    case 'WorkflowExecutionTimedOut':
      return [
        {
          kind: 'process.timed-out',
          category: 'system',
          text: { fr: 'Le processus a dépassé son délai', en: 'The process timed out' },
        },
      ];
    case 'WorkflowExecutionTerminated':
      return [
        {
          kind: 'process.terminated',
          category: 'system',
          text: { fr: `Processus arrêté de force : ${message}`, en: `Process terminated: ${message}` },
        },
      ];
    case 'WorkflowExecutionCanceled':
      return [
        {
          kind: 'process.cancelled',
          category: 'system',
          text: { fr: 'Processus annulé', en: 'Process cancelled' },
        },
      ];
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut': {
      const name = reader.scheduled(event)?.name ?? '';
      // A message not sent is said by `noticeEntry`, in words.
      if (name === 'notifyMember') return [];
      const timedOut = event.eventType === 'ActivityTaskTimedOut';
      return [
        {
          kind: timedOut ? 'process.step-timed-out' : 'process.step-failed',
          category: 'system',
          text: {
            fr: `${activityFailureWords.fr} (${name}) : ${timedOut ? 'délai dépassé' : message}`,
            en: `${activityFailureWords.en} (${name}): ${timedOut ? 'timed out' : message}`,
          },
        },
      ];
    }
    default:
      return [];
  }
}

/** Staff told of something (`reportIncident`), in the words they were told. */
export function incidentEntry(event: ProcessEvent, reader: RunReader): EntryDraft[] {
  const scheduled = reader.scheduled(event);
  if (event.eventType !== 'ActivityTaskCompleted' || scheduled?.name !== 'reportIncident') return [];
  const summary = localized(record(scheduled.args?.[0])['summary']);
  if (!summary) return [];
  return [
    {
      kind: 'process.staff-told',
      category: 'system',
      text: { fr: `Équipe prévenue : ${summary.fr}`, en: `Staff told: ${summary.en}` },
    },
  ];
}

/**
 * The journal of one process: every run of its chain, oldest first, mapped to entries in the
 * order they happened (the route sorts all processes' entries newest first).
 */
export function mapProcess(
  runs: readonly ProcessRun[],
  mappers: Readonly<Record<string, EventMapper>>,
  context: JournalContext = {},
): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const memberIds = new Set<string>();
  const state: Record<string, unknown> = {};
  for (const run of runs) {
    const mapper = Object.hasOwn(mappers, run.workflowType) ? mappers[run.workflowType] : undefined;
    const byId = new Map<number, ProcessEvent>();
    const failedUpdates = new Set<string>();
    for (const event of run.events) {
      byId.set(event.eventId, event);
      if (event.eventType === 'WorkflowExecutionUpdateCompleted' && event.failure && event.updateId)
        failedUpdates.add(event.updateId);
    }
    const reader: RunReader = {
      run,
      context,
      memberIds,
      scheduled: (event) => (event.scheduledEventId ? byId.get(event.scheduledEventId) : undefined),
      updateFailed: (event) => event.updateId !== undefined && failedUpdates.has(event.updateId),
      entry: (event, draft) => ({
        id: `wf:${run.workflowId}:${run.runId}:${event.eventId}`,
        at: event.at,
        kind: draft.kind,
        category: draft.category,
        text: draft.text,
        ...(draft.actor ? { actor: draft.actor } : {}),
        ...(draft.reason ? { reason: draft.reason } : {}),
        ...(draft.changes && draft.changes.length > 0 ? { changes: draft.changes } : {}),
        source: {
          type: 'workflow',
          workflowId: run.workflowId,
          runId: run.runId,
          eventId: event.eventId,
          eventType: event.eventType,
          archived: run.archived,
        },
      }),
    };
    for (const event of run.events) {
      if (event.eventType === 'WorkflowExecutionUpdateAccepted' && reader.updateFailed(event)) continue;
      const drafts = [
        ...(mapper ? mapper(event, reader, state) : []),
        ...systemEntries(event, reader),
        ...incidentEntry(event, reader),
      ];
      for (const draft of drafts) entries.push(reader.entry(event, draft));
    }
  }
  return entries;
}

/** The notice kinds' words, for the message entries of every process. */
export function channelsSaid(channels: unknown): Localized {
  const list = Array.isArray(channels)
    ? channels.filter((channel) => channel === 'email' || channel === 'sms')
    : [];
  const fr = list.map((channel) => (channel === 'sms' ? 'SMS' : 'e-mail'));
  const en = list.map((channel) => (channel === 'sms' ? 'text message' : 'email'));
  return { fr: fr.join(' et '), en: en.join(' and ') };
}

/**
 * A message to the member (`notifyMember`), once its activity answered: sent, on which
 * channels, or not sent and why. A duplicate (sent before) says nothing new.
 */
export function noticeEntry(event: ProcessEvent, reader: RunReader): EntryDraft[] {
  const scheduled = reader.scheduled(event);
  if (scheduled?.name !== 'notifyMember') return [];
  const notification = record(record(scheduled.args?.[0])['notification']);
  const kind = notification['kind'];
  if (typeof kind !== 'string' || !(notificationKinds as readonly string[]).includes(kind)) return [];
  const label = notificationKindLabels[kind as NotificationKind];
  const data = record(notification['data']);
  const what: Localized =
    kind === 'delivery-reminder'
      ? {
          fr: `Rappel de livraison du ${shortDay(data['date']).fr}`,
          en: `Delivery reminder for ${shortDay(data['date']).en}`,
        }
      : { fr: `Message « ${label.fr} »`, en: `Message "${label.en}"` };
  if (event.eventType === 'ActivityTaskCompleted') {
    const result = record(event.result);
    if (result['status'] === 'duplicate') return [];
    if (result['status'] === 'skipped') {
      return [
        {
          kind: `notice.${kind}.skipped`,
          category: 'notice',
          text: {
            fr: `${what.fr} non envoyé : l'adhérent ne peut pas être joint (préférences ou coordonnées)`,
            en: `${what.en} not sent: the member cannot be reached (preferences or contact details)`,
          },
        },
      ];
    }
    const channels = channelsSaid(result['channels']);
    return [
      {
        kind: `notice.${kind}`,
        category: 'notice',
        text: {
          fr: `${what.fr} envoyé${channels.fr ? ` par ${channels.fr}` : ''}`,
          en: `${what.en} sent${channels.en ? ` by ${channels.en}` : ''}`,
        },
      },
    ];
  }
  if (event.eventType === 'ActivityTaskFailed' || event.eventType === 'ActivityTaskTimedOut') {
    return [
      {
        kind: `notice.${kind}.failed`,
        category: 'notice',
        // A round of retries ended: the process may try again (a required message) or tell staff.
        text: { fr: `${what.fr} : échec de l'envoi`, en: `${what.en}: sending failed` },
      },
    ];
  }
  return [];
}
