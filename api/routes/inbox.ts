import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { staffRoles } from '../../domain/roles.ts';
import { termsOn } from '../../domain/delivery-schedule.ts';
import { gardenDay } from '../../domain/calendar.ts';
import { SubscriptionView } from '../../domain/views.ts';
import { invoiceLabel, outstanding } from '../../domain/invoices.ts';
import { memberDisplayName } from '../../domain/member.ts';
import { errorAnswers, GardenParams } from '../schemas.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { canRetryNow, incidentKinds } from '../../domain/incidents.ts';
import { createMemberErasureStore, erasureBlockersOf } from '../../adapters/store/member-erasure-store.ts';

/** The subject's fields that are set (DynamoDB gives back what was stored, nulls included). */
function definedOnly<T extends object>(subject: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(subject).filter(([, value]) => value !== undefined && value !== null),
  ) as Partial<T>;
}

const Counts = Type.Object({ small: Type.Integer(), medium: Type.Integer(), large: Type.Integer() });

/** A problem of the garden's processes that staff must hear of (see domain/incidents.ts). */
export const InboxIncident = Type.Object({
  key: Type.String(),
  kind: Type.Enum([...incidentKinds]),
  /** What happened and what is done about it, in the caller's language. */
  summary: Type.String(),
  /** Whether the process tries again by itself; otherwise it waits for staff. */
  retriesByItself: Type.Boolean(),
  /** Staff may ask for a new try at once (the process is waiting for one). */
  canRetry: Type.Boolean(),
  occurrences: Type.Integer(),
  lastSeenAt: Type.String(),
  subscriptionId: Type.Optional(Type.String()),
  memberId: Type.Optional(Type.String()),
  week: Type.Optional(Type.String()),
  invoiceNumber: Type.Optional(Type.Integer()),
});

export const InboxItem = Type.Object({
  kind: Type.Enum([
    'subscription-approval',
    'week-composition',
    'payment-decision',
    'round-approval',
    'member-erasure',
    'incident',
  ]),
  since: Type.String(),
  /** For an application: the subscription to approve. */
  subscription: Type.Optional(SubscriptionView),
  /** For a week: which one, when its composition is due, how many baskets. */
  week: Type.Optional(
    Type.Object({
      week: Type.String(),
      deadline: Type.Optional(Type.String()),
      total: Type.Optional(Counts),
    }),
  ),
  /** For an unpaid invoice: which, whose, how much is due, and why the last charge failed. */
  invoice: Type.Optional(
    Type.Object({
      number: Type.Integer(),
      label: Type.String(),
      memberId: Type.String(),
      memberName: Type.String(),
      subject: Type.String(),
      outstanding: Type.Integer(),
      dueOn: Type.String(),
      attempts: Type.Integer(),
      lastFailure: Type.Optional(Type.String()),
      phase: Type.String(),
    }),
  ),
  /** For an incident: what went wrong, and whether staff can retry it. */
  incident: Type.Optional(InboxIncident),
  /** For a day's routes: which day, when they are due, how many stops, how many left out. */
  round: Type.Optional(
    Type.Object({
      date: Type.String(),
      /** The plan shown, for approving exactly it. */
      revision: Type.Integer(),
      deadline: Type.String(),
      stops: Type.Integer(),
      unrouted: Type.Integer(),
      vehicles: Type.Integer(),
    }),
  ),
  /** For an erasure request (RGPD article 17): whose, when asked, and what still stands in the way. */
  erasure: Type.Optional(
    Type.Object({
      memberId: Type.String(),
      memberName: Type.String(),
      requestedAt: Type.String(),
      unpaidInvoices: Type.Integer(),
      runningSubscriptions: Type.Integer(),
    }),
  ),
  /** For an application: how full its depot is (active subscriptions out of its capacity). */
  depotLoad: Type.Optional(Type.Object({ active: Type.Integer(), capacity: Type.Integer() })),
});

/**
 * The staff inbox: everything in the garden that waits on a person, oldest first, from the
 * `WaitingOn` search attribute of the workflows (one list, whatever the process).
 */
export const inboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, views } = app;
  const { inbox, weeks, incidents: incidentCommands } = app.commands;
  const erasures = createMemberErasureStore(store.db, store.tables);
  const payments = app.payments.collection;
  const retryNow = (workflowId: string) => incidentCommands.retryNow(workflowId);

  app.get(
    '/inbox',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['inbox'],
        summary: 'What waits on staff, oldest first, with what they need to decide.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Type.Object({ items: Type.Array(InboxItem) }), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const [waiting, all, depots, incidents] = await Promise.all([
        inbox.waiting(gardenId),
        store.subscriptions.list(gardenId),
        store.depots.list(gardenId),
        store.incidents.list(gardenId),
      ]);
      const byId = new Map(all.map((subscription) => [subscription.id, subscription]));
      const today = gardenDay(app.now());
      const activeAt = new Map<string, number>();
      for (const subscription of all) {
        if (subscription.status !== 'active' && subscription.status !== 'paused') continue;
        const { depotId } = termsOn(subscription, today);
        activeAt.set(depotId, (activeAt.get(depotId) ?? 0) + 1);
      }
      const capacity = new Map(depots.map((depot) => [depot.id, depot.capacity]));
      // A workflow may be listed before its first write reaches the store: it shows next time.
      const applications = waiting.flatMap((item) => {
        const subscription = item.kind === 'subscription-approval' ? byId.get(item.entityId) : undefined;
        return subscription ? [{ item, subscription }] : [];
      });
      const applied = await views.withNames(
        gardenId,
        applications.map(({ subscription }) => subscription),
      );
      const named = new Map(applied.map((view) => [view.id, view]));
      const items = await Promise.all(
        waiting.map(async (item) => {
          if (item.kind === 'week-composition') {
            const progress = await weeks.progress(gardenId, item.entityId).catch(() => undefined);
            return {
              kind: item.kind,
              since: item.since,
              week: {
                week: item.entityId,
                ...(progress?.deadline ? { deadline: progress.deadline } : {}),
                ...(progress?.counts ? { total: progress.counts.total } : {}),
              },
            };
          }
          if (item.kind === 'round-approval') {
            const round = await store.rounds.get(gardenId, item.entityId);
            if (!round) return undefined;
            return {
              kind: item.kind,
              since: item.since,
              round: {
                date: round.date,
                revision: round.revision,
                deadline: round.deadline,
                stops: round.stops.length,
                unrouted: round.solution?.unrouted.length ?? 0,
                vehicles: round.solution?.routes.filter((route) => route.stops.length > 0).length ?? 0,
              },
            };
          }
          if (item.kind === 'member-erasure') {
            const [member, request, blockers] = await Promise.all([
              store.members.get(gardenId, item.entityId),
              erasures.get(gardenId, item.entityId),
              erasureBlockersOf(store, gardenId, item.entityId),
            ]);
            if (!member || !request) return undefined;
            return {
              kind: item.kind,
              since: item.since,
              erasure: {
                memberId: member.id,
                memberName: memberDisplayName(member),
                requestedAt: request.requestedAt,
                unpaidInvoices: blockers.unpaidInvoices.length,
                runningSubscriptions: blockers.runningSubscriptions.length,
              },
            };
          }
          if (item.kind === 'payment-decision') {
            const number = Number(item.entityId);
            const [invoice, state] = await Promise.all([
              store.invoices.get(gardenId, number),
              payments.state(gardenId, number).catch(() => undefined),
            ]);
            if (!invoice) return undefined;
            const member = await store.members.get(gardenId, invoice.memberId);
            const failure = state?.attempts.toReversed().find((attempt) => attempt.reason)?.reason;
            return {
              kind: item.kind,
              since: item.since,
              invoice: {
                number,
                label: invoiceLabel(number),
                memberId: invoice.memberId,
                memberName: member ? memberDisplayName(member) : invoice.memberId,
                subject: invoice.subject,
                outstanding: outstanding(invoice),
                dueOn: invoice.dueOn,
                attempts: state?.attempts.length ?? 0,
                ...(failure ? { lastFailure: failure[request.locale] } : {}),
                phase: state?.phase ?? 'awaiting-decision',
              },
            };
          }
          const subscription = named.get(item.entityId);
          if (!subscription) return undefined;
          const depotCapacity = capacity.get(subscription.depotId);
          return {
            kind: item.kind,
            since: item.since,
            subscription,
            ...(depotCapacity === undefined
              ? {}
              : { depotLoad: { active: activeAt.get(subscription.depotId) ?? 0, capacity: depotCapacity } }),
          };
        }),
      );
      const problems = incidents.map((incident) => ({
        kind: 'incident' as const,
        since: incident.since,
        incident: {
          key: incident.key,
          kind: incident.kind,
          summary: incident.summary[request.locale],
          retriesByItself: incident.retriesByItself,
          canRetry: canRetryNow(incident),
          occurrences: incident.occurrences,
          lastSeenAt: incident.lastSeenAt,
          ...definedOnly(incident.subject),
        },
      }));
      return {
        items: [...items.filter((item) => item !== undefined), ...problems].sort((a, b) =>
          a.since.localeCompare(b.since),
        ),
      };
    },
  );

  app.get(
    '/inbox/count',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['inbox'],
        summary: 'How many things wait on staff (for the dashboard badge).',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Type.Object({ count: Type.Integer() }), ...errorAnswers },
      },
    },
    async (request) => {
      const [waiting, incidents] = await Promise.all([
        inbox.count(request.params.gardenId),
        store.incidents.list(request.params.gardenId),
      ]);
      return { count: waiting + incidents.length };
    },
  );

  app.post(
    '/incidents/retry',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['inbox'],
        summary: 'Asks the process of an incident to try its stalled step again now.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object(
          {
            key: Type.String({
              minLength: 1,
              maxLength: 400,
              pattern: '^[!-~]+$',
              description:
                "The incident's key, as the inbox gives it (letters, digits and signs, no spaces).",
            }),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ key: Type.String() }), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const incident = (await store.incidents.list(gardenId)).find(
        (candidate) => candidate.key === request.body.key,
      );
      if (!incident) throw notFound({ fr: 'Incident', en: 'Incident' });
      if (!incident.workflowId || !canRetryNow(incident)) {
        throw new CocagneError('refused', {
          fr: "Cet incident se règle en corrigeant la fiche concernée : il n'y a rien à relancer.",
          en: 'This incident is solved by correcting the record concerned: there is nothing to retry.',
        });
      }
      await retryNow(incident.workflowId);
      return reply.status(202).send({ key: incident.key });
    },
  );
};
