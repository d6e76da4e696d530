import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { journalEntryFields } from './journal-schemas.ts';
import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { listStaffActions } from '../../adapters/store/action-log.ts';
import type { Store } from '../../adapters/store/index.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import type { HistoryArchiveReader } from '../../domain/journal/archive-keys.ts';
import type {
  JournalCategory,
  JournalEntry,
  JournalSubjectKind,
} from '../../domain/journal/journal-entry.ts';
import type { ProcessRun } from '../../domain/journal/process-events.ts';
import { filterJournal, journalCsv, journalTime } from '../../domain/journal/process-export.ts';
import {
  actionsNewestFirst,
  mergeNewestFirst,
  processJournal,
} from '../../domain/journal/process-mappers.ts';
import { staffActionToEntry } from '../../domain/journal/staff-actions.ts';
import type { Locale } from '../../domain/locale.ts';
import {
  extensionRolloutProcessId,
  invoicePaymentProcessId,
  roundProcessId,
  subscriptionProcessId,
  weekProcessId,
} from '../../domain/process-ids.ts';
import { staffRoles } from '../../domain/roles.ts';
import { gardenProcessIds, journalPdf, processHistory } from '../../temporal/process-history.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, fileAnswer, GardenParams, Query } from '../schemas.ts';
import { requireJournalReader } from './garden-openings.ts';

export const journalKinds = [
  'garden',
  'member',
  'subscription',
  'invoice',
  'week',
  'round',
  'extension',
] as const;
export type JournalKind = (typeof journalKinds)[number];

const categories: readonly JournalCategory[] = [
  'request',
  'decision',
  'notice',
  'payment',
  'change',
  'delivery',
  'system',
  'access',
];

export interface JournalRouteOptions {
  /** The Temporal client with the payload codec (`ApiServices.temporal`); without it, staff actions only. */
  client?: Client | undefined;
  /** The Temporal UI, for the links of each run (TEMPORAL_UI_URL); no links without it. */
  temporalUiUrl?: string | undefined;
  /** The S3 archive of closed histories (activities/history-archive.ts), for runs past retention. */
  archive?: HistoryArchiveReader | undefined;
  /**
   * The garden's team in the identity provider (`ApiServices.team`): who acted as staff, and so
   * that anyone else acting on their own record reads as the member. Without it, roles are said
   * only where the action tells them.
   */
  team?: { list(gardenId: string): Promise<ReadonlyArray<{ id: string; role: string }>> } | undefined;
}

const JournalEntrySchema = Type.Object({
  id: Type.String({ description: '`wf:<workflowId>:<runId>:<eventId>` or `action:<seq>`.' }),
  kind: Type.String({ description: "e.g. 'subscription.approved', 'payment.failed', 'depot.updated'." }),
  category: Type.Enum([...categories]),
  ...journalEntryFields,
  source: Type.Union([
    Type.Object({
      type: Type.Literal('workflow'),
      workflowId: Type.String(),
      runId: Type.String(),
      eventId: Type.Integer(),
      eventType: Type.String(),
      archived: Type.Boolean(),
    }),
    Type.Object({ type: Type.Literal('action'), seq: Type.Integer() }),
  ]),
});

const JournalAnswer = Type.Object({
  entries: Type.Array(JournalEntrySchema),
  processes: Type.Array(
    Type.Object({
      workflowId: Type.String(),
      runIds: Type.Array(Type.String(), { description: 'Every run of the chain, oldest first.' }),
      temporalUiUrl: Type.Optional(
        Type.String({
          description: "The latest run's history in the Temporal UI (when TEMPORAL_UI_URL is set).",
        }),
      ),
      runs: Type.Array(
        Type.Object({
          runId: Type.String(),
          archived: Type.Boolean({
            description: 'Read from the S3 archive: the Temporal server no longer holds it.',
          }),
          temporalUiUrl: Type.Optional(Type.String()),
        }),
      ),
    }),
  ),
});

const JournalParams = Type.Object({
  ...GardenParams.properties,
  kind: Type.Enum([...journalKinds]),
  id: Type.String({
    pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]{0,90}$',
    maxLength: 91,
    description:
      "The subject's id: a member's, a subscription's, an invoice's number, a week (2026-W49), a round's day (2026-12-08), an extension's name, or the garden's own id.",
  }),
});

const DayOrInstant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?Z)?$',
  maxLength: 24,
  description:
    "A day in the garden's time zone (2026-12-03, `to` inclusive of its whole day) or an instant in UTC (2026-12-03T10:12:00Z), inclusive.",
});

const JournalQuery = Query({
  from: Type.Optional(DayOrInstant),
  to: Type.Optional(DayOrInstant),
  category: Type.Optional(Type.Enum([...categories])),
  actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  lang: Type.Optional(
    Type.Enum(['fr', 'en'], { description: "The file's language; the caller's by default." }),
  ),
  format: Type.Enum(['json', 'csv', 'pdf'], { default: 'json' }),
});

/** Most entries one journal answers (newest first): years of a subscription fit well within. */
const entryLimit = 5_000;
/** Staff actions read for one subject, at most. */
const actionLimit = 2_000;
/** Processes read at once. */
const concurrency = 6;

const subjectWords: Readonly<Record<JournalKind, { fr: string; en: string }>> = {
  garden: { fr: 'du jardin', en: 'of the garden' },
  member: { fr: "de l'adhérent", en: 'of the member' },
  subscription: { fr: "de l'abonnement", en: 'of the subscription' },
  invoice: { fr: 'de la facture', en: 'of the invoice' },
  week: { fr: 'de la semaine', en: 'of the week' },
  round: { fr: 'de la tournée', en: 'of the round' },
  extension: { fr: "de l'extension", en: 'of the extension' },
};

/** `p` over `items`, at most `limit` at a time, answers in order. */
async function inTurns<T, R>(items: readonly T[], limit: number, p: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++)
      results[index] = await p(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The processes of a subject, by the business keys of their workflow ids. */
async function processIdsOf(
  store: Store,
  client: Client | undefined,
  gardenId: string,
  kind: JournalKind,
  id: string,
): Promise<string[]> {
  switch (kind) {
    case 'subscription': {
      const subscription = await store.subscriptions.get(gardenId, id);
      if (!subscription) throw notFound({ fr: 'Abonnement', en: 'Subscription' });
      const invoices = await store.invoices.listForMember(gardenId, subscription.memberId);
      // Its own invoices, and the household's (monthly baskets, membership) that bill it too.
      const ours = invoices.filter((invoice) => invoice.subscriptionId === id || !invoice.subscriptionId);
      return [
        subscriptionProcessId(gardenId, id),
        ...ours.map((invoice) => invoicePaymentProcessId(gardenId, invoice.number)),
      ];
    }
    case 'member': {
      const member = await store.members.get(gardenId, id);
      if (!member) throw notFound({ fr: 'Adhérent', en: 'Member' });
      const [subscriptions, invoices] = await Promise.all([
        store.subscriptions.listForMember(gardenId, id),
        store.invoices.listForMember(gardenId, id),
      ]);
      return [
        ...subscriptions.map((subscription) => subscriptionProcessId(gardenId, subscription.id)),
        ...invoices.map((invoice) => invoicePaymentProcessId(gardenId, invoice.number)),
      ];
    }
    case 'invoice': {
      const number = /^\d{1,9}$/.test(id) ? Number(id) : undefined;
      const invoice = number === undefined ? undefined : await store.invoices.get(gardenId, number);
      if (!invoice) throw notFound({ fr: 'Facture', en: 'Invoice' });
      return [invoicePaymentProcessId(gardenId, invoice.number)];
    }
    case 'week':
      if (!/^\d{4}-W\d{2}$/.test(id)) throw notFound({ fr: 'Semaine', en: 'Week' });
      return [weekProcessId(gardenId, id)];
    case 'round':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(id)) throw notFound({ fr: 'Tournée', en: 'Round' });
      return [roundProcessId(gardenId, id)];
    case 'extension':
      return [extensionRolloutProcessId(gardenId, id)];
    case 'garden':
      if (id !== gardenId) throw notFound({ fr: 'Jardin', en: 'Garden' });
      return client ? gardenProcessIds(client, gardenId) : [];
  }
}

/** The staff actions about a subject (the garden's: its own, its settings and calendar). */
async function staffEntries(
  store: Store,
  gardenId: string,
  kind: JournalKind,
  id: string,
): Promise<JournalEntry[]> {
  const subjects: Array<{ kind: JournalSubjectKind; id?: string }> =
    kind === 'garden' ? [{ kind: 'garden', id }, { kind: 'settings' }, { kind: 'calendar' }] : [{ kind, id }];
  const entries: JournalEntry[] = [];
  for (const subject of subjects) {
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await listStaffActions(store, gardenId, {
        ...(subject.id === undefined
          ? { subjectKind: subject.kind }
          : { subject: { kind: subject.kind, id: subject.id } }),
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      entries.push(...page.entries.map(staffActionToEntry));
      read += page.entries.length;
      cursor = page.nextCursor;
    } while (cursor && read < actionLimit);
  }
  return entries;
}

/** A run's history in the Temporal UI. */
function runUrl(
  base: string | undefined,
  namespace: string,
  workflowId: string,
  runId: string,
): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

/**
 * The journal of one record: what happened to it, from its processes' histories (every run of
 * each chain, the archive's included) and the staff action log, newest first; as CSV or PDF.
 */
export const journalRoutes: FastifyPluginAsyncTypebox<JournalRouteOptions> = async (app, options) => {
  const { store } = app;
  const { client, archive, temporalUiUrl, team } = options;
  // The garden scope's reader of openings (plugins/garden-scope.ts): one cache for both checks.
  const openings = app.gardenOpenings;

  /** The team's roles by account id; none when the identity provider does not answer. */
  async function teamOf(gardenId: string): Promise<ReadonlyMap<string, string> | undefined> {
    if (!team) return undefined;
    try {
      return new Map((await team.list(gardenId)).map((teammate) => [teammate.id, teammate.role]));
    } catch (error) {
      app.log.warn({ err: error }, 'journal: the garden team could not be read');
      return undefined;
    }
  }

  /**
   * Garden administrators read journals; the network administration once it opened the garden
   * (with a reason, logged: journals hold the garden's people's names and reasons); staff when
   * the garden's rule `journalForStaff` says so; members and drivers never. An account of
   * another garden is answered as if nothing were there (404), before anything is read.
   */
  async function mayRead(request: FastifyRequest, gardenId: string): Promise<void> {
    await app.authenticate(request);
    const caller = callerOf(request);
    if (!caller.roles.includes('network-admin') && caller.gardenId !== gardenId)
      throw new CocagneError('not_found', {
        fr: "Ce journal n'existe pas.",
        en: 'This journal does not exist.',
      });
    // The garden's state (retired, unknown…) and the roles, as every garden route.
    await app.guardGarden(request, staffRoles);
    await requireJournalReader(request, gardenId, () => store.settings.rules(gardenId), openings);
  }

  app.get(
    '/journal/:kind/:id',
    {
      // Who may read it, before anything else (as the garden guard would, which this route's
      // own check replaces to answer another garden's account 404).
      onRequest: async (request) => {
        await mayRead(request, (request.params as { gardenId: string }).gardenId);
      },
      config: {
        // The guard is run by the route's onRequest hook, after answering another garden's account 404.
        openToEveryGarden: {
          reason: "another garden's accounts get 404: a journal never says whether a record exists",
        },
      },
      schema: {
        tags: ['journal'],
        summary:
          "What happened to a record, newest first: its processes' events in the garden's words (every run of a continue-as-new chain, archived ones included) and the staff actions about it, with who, why and what changed. Garden administrators; network administrators once they opened the garden (POST /network/gardens/{slug}/open, else 403); staff when the garden's rule `journalForStaff` allows; members and drivers never. `format=csv` (UTF-8 with BOM, semicolons) or `format=pdf`.",
        security: [{ bearer: [] }],
        params: JournalParams,
        querystring: JournalQuery,
        response: {
          200: {
            description: 'The journal (JSON), or the CSV or PDF file.',
            content: {
              'application/json': { schema: JournalAnswer },
              'text/csv': fileAnswer('text/csv', '').content['text/csv'],
              'application/pdf': fileAnswer('application/pdf', '').content['application/pdf'],
            },
          },
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const { gardenId, kind, id } = request.params;
      const [processIds, garden, depots, actions, teamRoles] = await Promise.all([
        processIdsOf(store, client, gardenId, kind, id),
        store.gardens.get(gardenId),
        store.depots.list(gardenId),
        staffEntries(store, gardenId, kind, id),
        teamOf(gardenId),
      ]);
      const histories: ProcessRun[][] = client
        ? await inTurns(processIds, concurrency, (workflowId) =>
            processHistory(client, gardenId, workflowId, { archive }),
          )
        : [];
      const timeZone = garden?.timeZone || undefined;
      const context = {
        ...(timeZone ? { timeZone } : {}),
        depotNames: Object.fromEntries(depots.map((depot) => [depot.id, depot.name])),
        ...(teamRoles ? { team: teamRoles } : {}),
      };
      const { from, to, category, actorId, format } = request.query;
      // Each sorted once by its own keys, then merged: a second sort would undo the order of
      // the entries that share an instant (one workflow task's events).
      const merged = mergeNewestFirst(processJournal(histories, context), actionsNewestFirst(actions));
      const entries = filterJournal(merged, { from, to, category, actorId, timeZone }).slice(0, entryLimit);
      const namespace = client?.options.namespace ?? '';
      const processes = histories
        .filter((runs) => runs.length > 0)
        .map((runs) => {
          const workflowId = runs[0]?.workflowId ?? '';
          const latest = runs.at(-1);
          const latestUrl = latest && runUrl(temporalUiUrl, namespace, workflowId, latest.runId);
          return {
            workflowId,
            runIds: runs.map((run) => run.runId),
            ...(latestUrl ? { temporalUiUrl: latestUrl } : {}),
            runs: runs.map((run) => {
              const url = runUrl(temporalUiUrl, namespace, workflowId, run.runId);
              return { runId: run.runId, archived: run.archived, ...(url ? { temporalUiUrl: url } : {}) };
            }),
          };
        });
      if (format === 'json') return { entries, processes };

      const locale: Locale = request.query.lang ?? request.locale;
      const fileName = `journal-${kind}-${id}`;
      reply.header('cache-control', 'private, no-store');
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${fileName}.csv"`)
          .send(journalCsv(entries, locale, timeZone));
      }
      const period = [from, to].filter(Boolean).join(' → ');
      const pdf = await journalPdf({
        title: `${locale === 'fr' ? 'Journal' : 'Journal'} ${subjectWords[kind][locale]} ${id}`,
        subtitle: [
          garden?.name ?? gardenId,
          ...(period ? [period] : []),
          locale === 'fr'
            ? `${entries.length} événement(s), le plus récent en premier`
            : `${entries.length} event(s), newest first`,
        ],
        entries,
        locale,
        timeZone,
        printedAt: journalTime(app.now().toISOString(), locale, timeZone),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );
};
