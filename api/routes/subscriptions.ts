import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { gardenDay } from '../../domain/calendar.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { DepotId } from '../../domain/ids.ts';
import { staffRoles } from '../../domain/roles.ts';
import { SubscriptionPage, subscriptionListPage, subscriptionSorts } from '../../domain/subscription-list.ts';
import {
  basketSizes,
  SubscriptionDecisionInput,
  SubscriptionRequest,
  subscriptionRequestRefusal,
  subscriptionStatuses,
  type Subscription,
} from '../../domain/subscription.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import {
  errorAnswers,
  GardenParams,
  MemberParams,
  Query,
  SubscriptionParams,
  SubscriptionView,
} from '../schemas.ts';

const subscriptionLabel = { fr: 'Abonnement', en: 'Subscription' };

export const subscriptionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, views } = app;
  const commands = app.commands.subscriptions;

  async function oneWithNames(gardenId: string, subscription: Subscription) {
    const [view] = await views.withNames(gardenId, [subscription]);
    return view ?? subscription;
  }

  app.get(
    '/subscriptions',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['subscriptions'],
        summary: "The garden's subscriptions, oldest application first, optionally of one status.",
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({ status: Type.Optional(Type.Enum([...subscriptionStatuses])) }),
        response: { 200: Type.Array(SubscriptionView), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      return views.withNames(gardenId, await store.subscriptions.list(gardenId, request.query.status));
    },
  );

  app.get(
    '/subscriptions/page',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['subscriptions'],
        summary:
          "One page of the garden's subscriptions for the staff's list: filters by `status`, `depotId` and " +
          '`basketSize`, sorted by application (`requested`, oldest first), member `name`, `start` (newest first) ' +
          'or `depot`; `total` counts the subscriptions kept over every page, `statusCounts` how many of each ' +
          'status the depot and basket filters keep. Pages are numbered from 1; past the last, the last.',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({
          status: Type.Optional(Type.Enum([...subscriptionStatuses])),
          depotId: Type.Optional(DepotId),
          basketSize: Type.Optional(Type.Enum([...basketSizes])),
          sort: Type.Optional(Type.Enum([...subscriptionSorts])),
          page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: { 200: SubscriptionPage, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { status, depotId, basketSize, sort, page, limit } = request.query;
      // The list sorts by names the store has no index for: every subscription gets its sort names.
      const subscriptions = await store.subscriptions.list(gardenId);
      const names = await views.subscriptionNames(gardenId, subscriptions);
      const listed = subscriptionListPage(
        subscriptions.map((subscription) => ({
          subscription,
          ...subscription,
          memberSortName: names.memberSortName(subscription),
          depotName: names.depotName(subscription),
        })),
        { status, depotId, basketSize, sort, page, perPage: limit },
      );
      return {
        subscriptions: listed.rows.map((row) => names.view(row.subscription)),
        total: listed.total,
        page: listed.page,
        pages: listed.pages,
        statusCounts: listed.statusCounts,
      };
    },
  );

  app.post(
    '/subscriptions',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['subscriptions'],
        summary:
          'Applies for a subscription on behalf of a member: starts its workflow, which waits for staff approval. ' +
          'Answers 201 once recorded, or 202 if the processing has not recorded it yet.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: SubscriptionRequest,
        response: { 201: SubscriptionView, 202: SubscriptionView, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const caller = callerOf(request);
      const body = request.body;
      const now = app.now();
      const refusal = subscriptionRequestRefusal(body, gardenDay(now));
      if (refusal) throw new CocagneError('refused', refusal, { field: 'startDate' });
      const [member, depot] = await Promise.all([
        store.members.get(gardenId, body.memberId),
        store.depots.get(gardenId, body.depotId),
      ]);
      if (!member) throw notFound({ fr: 'Adhérent', en: 'Member' });
      if (!depot) throw notFound({ fr: 'Point de dépôt', en: 'Pick-up point' });
      const started = await commands.apply(gardenId, body, actorOf(caller), now.toISOString());
      const recorded = await views.readBack(gardenId, started.id, started.revision);
      return reply.status(recorded ? 201 : 202).send(await oneWithNames(gardenId, recorded ?? started));
    },
  );

  app.get(
    '/subscriptions/:subscriptionId',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'One subscription (staff, or the member it belongs to).',
        security: [{ bearer: [] }],
        params: SubscriptionParams,
        response: { 200: SubscriptionView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, subscriptionId } = request.params;
      const subscription = await store.subscriptions.get(gardenId, subscriptionId);
      // Another household's subscription: the same read and the same answer as a missing one.
      if (!subscription || !request.mayReachMember(subscription.memberId)) throw notFound(subscriptionLabel);
      return oneWithNames(gardenId, subscription);
    },
  );

  app.get(
    '/members/:memberId/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "A member's subscriptions (staff, or that member).",
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 200: Type.Array(SubscriptionView), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      request.requireMemberAccess(memberId);
      return views.withNames(gardenId, await store.subscriptions.listForMember(gardenId, memberId));
    },
  );

  app.post(
    '/subscriptions/:subscriptionId/decision',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['subscriptions'],
        summary: 'Approves or rejects a pending application (staff). A rejection needs a reason.',
        security: [{ bearer: [] }],
        params: SubscriptionParams,
        body: SubscriptionDecisionInput,
        response: { 200: SubscriptionView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, subscriptionId } = request.params;
      const caller = callerOf(request);
      const known = await store.subscriptions.get(gardenId, subscriptionId);
      if (!known) throw notFound(subscriptionLabel);
      const decided = await commands.decide(gardenId, subscriptionId, request.body, actorOf(caller));
      return oneWithNames(gardenId, decided);
    },
  );
};
