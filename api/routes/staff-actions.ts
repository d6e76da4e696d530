import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { journalEntryFields } from './journal-schemas.ts';
import Type from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  listStaffActions,
  type ActionLogClients,
  type StaffActionWithOrigin,
} from '../../adapters/store/action-log.ts';
import { PageCursor } from '../../domain/ids.ts';
import { journalSubjectKinds } from '../../domain/journal/journal-entry.ts';
import {
  networkActionChain,
  staffActionsCsv,
  staffActionToEntry,
  type StaffAction,
} from '../../domain/journal/staff-actions.ts';
import { requireRole } from '../plugins/auth.ts';
import { staffRoles } from '../../domain/roles.ts';
import { foldForSearch } from '../../domain/text.ts';
import { requireJournalReader } from './garden-openings.ts';
import { errorAnswers, fileAnswer, GardenParams, Query } from '../schemas.ts';

const subjectKinds = journalSubjectKinds;

/** A journal entry (domain/journal/journal-entry.ts) from the staff action log, with its subject and origin. */
const StaffJournalEntry = Type.Object({
  id: Type.String({ description: '`action:<seq>`' }),
  kind: Type.String({ description: "The action, e.g. 'depot.updated', 'pricing.updated'." }),
  category: Type.String(),
  ...journalEntryFields,
  source: Type.Object({ type: Type.Enum(['action']), seq: Type.Integer() }),
  subject: Type.Object({ kind: Type.String(), id: Type.String() }),
  origin: Type.Optional(
    Type.Object(
      { ip: Type.String(), userAgent: Type.String() },
      { description: 'Where the request came from, while it is kept (12 months).' },
    ),
  ),
});

const DayOrInstant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?Z)?$',
  maxLength: 24,
  description: 'A day (2026-12-03) or an instant in UTC (2026-12-03T10:12:00Z), inclusive.',
});

const StaffActionsQuery = Query({
  from: Type.Optional(DayOrInstant),
  to: Type.Optional(DayOrInstant),
  actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  subjectKind: Type.Optional(Type.Enum([...subjectKinds])),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        "Words found in the entry's sentence (French or English), its subject's id or the person's name.",
    }),
  ),
  cursor: Type.Optional(PageCursor),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  format: Type.Enum(['json', 'csv'], { default: 'json' }),
  lang: Type.Optional(
    Type.Enum(['fr', 'en'], { description: "The CSV's language; the caller's by default." }),
  ),
});

/** A page of entries (JSON), or the CSV file. */
const staffActionsAnswers = {
  200: {
    description: 'A page of entries (JSON), or the CSV file.',
    content: {
      'application/json': {
        schema: Type.Object({
          entries: Type.Array(StaffJournalEntry),
          nextCursor: Type.Optional(Type.String()),
        }),
      },
      'text/csv': fileAnswer('text/csv', '').content['text/csv'],
    },
  },
  ...errorAnswers,
};

/** The most lines one CSV export holds. */
const csvLimit = 10_000;

function entryOf(action: StaffActionWithOrigin) {
  return {
    ...staffActionToEntry(action),
    subject: action.subject,
    ...(action.origin ? { origin: action.origin } : {}),
  };
}

/** The garden-wide journal of staff actions (prices, depots, calendar, products, accounts, settings). */
export const staffActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  // The garden scope's reader of openings (plugins/garden-scope.ts): one cache for both checks.
  const openings = app.gardenOpenings;

  app.get(
    '/staff-actions',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['journal'],
        summary:
          "Every staff action in the garden outside the processes, newest first: who, when, from where (IP and user agent, kept 12 months), what changed (before and after). Garden administrators; network administrators once they opened the garden (POST /network/gardens/{slug}/open, else 403); staff when the garden's rule `journalForStaff` allows. `format=csv`: the whole selection (at most 10,000 lines) as CSV (UTF-8 with BOM, semicolons).",
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: StaffActionsQuery,
        response: staffActionsAnswers,
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      await requireJournalReader(request, gardenId, () => store.settings.rules(gardenId), openings);
      return answerStaffActions(store, gardenId, request, reply, `journal-actions-${gardenId}.csv`);
    },
  );
};

/** The network's own action log (its pages, its legal details), for network administrators. */
export const networkStaffActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/network/staff-actions',
    {
      onRequest: async (request) => {
        await app.authenticate(request);
        requireRole(request, ['network-admin']);
      },
      schema: {
        tags: ['journal'],
        summary:
          "The network's own actions, newest first (network administrators): its pages published, its images deleted, its legal details changed, with who, when, from where (kept 12 months) and what changed. The same filters and CSV as a garden's journal.",
        security: [{ bearer: [] }],
        querystring: StaffActionsQuery,
        response: staffActionsAnswers,
      },
    },
    async (request, reply) =>
      answerStaffActions(store, networkActionChain, request, reply, 'journal-actions-reseau.csv'),
  );
};

/** A page of a chain's entries (JSON), or the whole selection as CSV, with the query's filters. */
async function answerStaffActions(
  store: ActionLogClients,
  chainId: string,
  request: FastifyRequest<{ Querystring: Type.Static<typeof StaffActionsQuery> }>,
  reply: FastifyReply,
  csvName: string,
) {
  const { from, to, actorId, subjectKind, q, cursor, limit, format } = request.query;
  const words = q ? foldForSearch(q).split(' ').filter(Boolean) : [];
  const matches =
    words.length > 0
      ? (action: StaffAction) => {
          const entry = staffActionToEntry(action);
          const haystack = foldForSearch(
            [entry.text.fr, entry.text.en, action.subject.id, action.actor.name, action.action].join(' '),
          );
          return words.every((word) => haystack.includes(word));
        }
      : undefined;
  const filter = {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(actorId ? { actorId } : {}),
    ...(subjectKind ? { subjectKind } : {}),
    ...(matches ? { matches } : {}),
  };
  if (format === 'csv') {
    const actions: StaffActionWithOrigin[] = [];
    let next: string | undefined;
    do {
      const page = await listStaffActions(store, chainId, {
        ...filter,
        limit: 200,
        ...(next ? { cursor: next } : {}),
      });
      actions.push(...page.entries);
      next = page.nextCursor;
    } while (next && actions.length < csvLimit);
    const locale = request.query.lang ?? request.locale;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvName}"`)
      .header('cache-control', 'private, no-store')
      .send(staffActionsCsv(actions.slice(0, csvLimit), locale));
  }
  const page = await listStaffActions(store, chainId, {
    ...filter,
    limit,
    ...(cursor ? { cursor } : {}),
  });
  return {
    entries: page.entries.map(entryOf),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
