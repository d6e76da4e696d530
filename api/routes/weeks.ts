import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { CompositionInput, preparableWeeks, WeekComposition } from '../../domain/delivery-week.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { memberDisplayName } from '../../domain/member.ts';
import { staffRoles } from '../../domain/roles.ts';
import { basketSizes } from '../../domain/subscription.ts';
import { gardenDay } from '../../domain/calendar.ts';
import { isIsoWeek, weekBefore } from '../../domain/iso-weeks.ts';
import {
  basketCompositionHook,
  builtInBasketComposition,
  type BasketCompositionInput,
  type BasketCompositionOutput,
} from '../../domain/extensions/basket-composition.ts';
import { ProductId } from '../../domain/ids.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, fileAnswer, GardenParams, Query, Version, WeekParams } from '../schemas.ts';
const Counts = Type.Object({ small: Type.Integer(), medium: Type.Integer(), large: Type.Integer() });

const WeekView = Type.Object({
  week: Type.String(),
  /** From the week's workflow while it runs; absent before it starts. */
  progress: Type.Optional(
    Type.Object({
      phase: Type.Enum(['planning', 'awaiting-composition', 'printing', 'ready', 'done']),
      planned: Type.Integer(),
      total: Type.Integer(),
      deadline: Type.Optional(Type.String()),
      approval: Type.Optional(
        Type.Object({ by: Type.Object({ userId: Type.String(), name: Type.String() }), at: Type.String() }),
      ),
    }),
  ),
  counts: Type.Optional(Type.Object({ total: Counts, byDepot: Type.Record(Type.String(), Counts) })),
  overCapacity: Type.Array(
    Type.Object({ depotId: Type.String(), baskets: Type.Integer(), capacity: Type.Integer() }),
  ),
  absences: Type.Integer(),
  composition: Type.Optional(WeekComposition),
  documents: Type.Array(
    Type.Object({ name: Type.String(), title: Type.String(), depotId: Type.Optional(Type.String()) }),
  ),
});

const ProposalRequest = Type.Object(
  {
    /** What the garden expects to harvest this week, product by product, in the product's unit. */
    harvest: Type.Array(
      Type.Object(
        { productId: ProductId, quantity: Type.Number({ minimum: 0, maximum: 100_000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

const Proposal = Type.Object({
  baskets: CompositionInput,
  leftovers: Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Number() })),
  /** `built-in`: no extension, or it failed (`failure`, shown to staff). */
  source: Type.Enum(['extension', 'built-in']),
  extension: Type.Optional(Type.Object({ name: Type.String(), version: Type.String() })),
  failure: Type.Optional(Type.Object({ kind: Type.String(), message: Type.String() })),
});

/** A week 53 in a year of 52 weeks matches the pattern, but there is no such week: 404. */
function requireWeek(week: string): void {
  if (!isIsoWeek(week)) {
    throw new CocagneError('not_found', {
      fr: `La semaine ${week} n'existe pas.`,
      en: `Week ${week} does not exist.`,
    });
  }
}

/** Delivery weeks: composition, preparation, approval, baskets and printed documents. */
export const weekRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, documents } = app;
  const { weeks } = app.commands;

  app.get(
    '/weeks',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: 'The last prepared weeks, most recent first (for the dashboard).',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({ limit: Type.Integer({ minimum: 1, maximum: 52, default: 12 }) }),
        response: {
          200: Type.Array(
            Type.Object({
              week: Type.String(),
              total: Counts,
              byDepot: Type.Record(Type.String(), Counts),
              absences: Type.Integer(),
            }),
          ),
          ...errorAnswers,
        },
      },
    },
    async (request) =>
      (await store.weeks.summaries(request.params.gardenId, request.query.limit)).map((summary) => ({
        week: summary.week,
        total: summary.counts.total,
        byDepot: summary.counts.byDepot,
        absences: summary.absences,
      })),
  );

  app.get(
    '/weeks/:week',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: 'A delivery week: progress, counts by depot and size, full depots, composition, documents.',
        security: [{ bearer: [] }],
        params: WeekParams,
        response: { 200: WeekView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const [progress, summary, composition] = await Promise.all([
        weeks.progress(gardenId, week),
        store.weeks.summary(gardenId, week),
        store.weeks.composition(gardenId, week),
      ]);
      const counts = progress?.counts ?? summary?.counts;
      return {
        week,
        ...(progress
          ? {
              progress: {
                phase: progress.phase,
                planned: progress.planned,
                total: progress.total,
                ...(progress.deadline ? { deadline: progress.deadline } : {}),
                ...(progress.approval ? { approval: progress.approval } : {}),
              },
            }
          : {}),
        ...(counts ? { counts } : {}),
        overCapacity: progress?.overCapacity ?? summary?.overCapacity ?? [],
        absences: summary?.absences ?? 0,
        ...(composition ? { composition } : {}),
        documents: (summary?.documents ?? []).map(({ name, title, depotId }) => ({
          name,
          title,
          ...(depotId ? { depotId } : {}),
        })),
      };
    },
  );

  app.put(
    '/weeks/:week/composition',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary:
          "Saves the week's composition of each basket size. `version` must be the one read (0 for a new one).",
        security: [{ bearer: [] }],
        params: WeekParams,
        body: Type.Object(
          { ...CompositionInput.properties, version: Version(0, 'The version read; 0 for a new one.') },
          { additionalProperties: false },
        ),
        response: { 200: WeekComposition, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const { version, ...baskets } = request.body;
      const progress = await weeks.progress(gardenId, week);
      if (progress?.approval) {
        throw new CocagneError('refused', {
          fr: 'La composition de cette semaine est déjà validée : les documents sont imprimés.',
          en: "This week's composition is already approved: the documents are printed.",
        });
      }
      const products = new Set((await store.products.list(gardenId)).map((product) => product.id));
      const unknown = basketSizes
        .flatMap((size) => baskets[size])
        .find((line) => !products.has(line.productId));
      if (unknown) throw notFound({ fr: `Produit ${unknown.productId}`, en: `Product ${unknown.productId}` });
      return store.weeks.saveComposition(
        gardenId,
        week,
        baskets,
        version,
        actorOf(callerOf(request)),
        app.now().toISOString(),
      );
    },
  );

  app.post(
    '/weeks/:week/composition/copy-previous',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: "Starts this week's composition from last week's (only while this week has none).",
        security: [{ bearer: [] }],
        params: WeekParams,
        response: { 200: WeekComposition, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const previousWeek = weekBefore(week);
      const previous = await store.weeks.composition(gardenId, previousWeek);
      if (!previous) {
        throw new CocagneError('not_found', {
          fr: "La semaine précédente n'a pas de composition à reprendre.",
          en: 'Last week has no composition to copy.',
        });
      }
      return store.weeks.saveComposition(
        gardenId,
        week,
        previous.baskets,
        0,
        actorOf(callerOf(request)),
        app.now().toISOString(),
      );
    },
  );

  app.post(
    '/weeks/:week/composition/proposal',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary:
          "Proposes a composition from the week's harvest estimate (the garden's basket-composition extension, or the built-in sharing). Nothing is saved: staff edit the proposal and save it.",
        description:
          "The hook gets the week's baskets by size (the week must be prepared: counted), the full price of each size, " +
          "the harvest estimate with each product's name and unit, and last week's composition. On an extension's " +
          'failure the built-in proposal comes back with `failure`. Lines of products the garden does not have are dropped.',
        security: [{ bearer: [] }],
        params: WeekParams,
        body: ProposalRequest,
        response: { 200: Proposal, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const [progress, summary, products, pricing, previous] = await Promise.all([
        weeks.progress(gardenId, week),
        store.weeks.summary(gardenId, week),
        store.products.list(gardenId),
        store.settings.pricing(gardenId),
        store.weeks.composition(gardenId, weekBefore(week)),
      ]);
      const counts = progress?.counts?.total ?? summary?.counts.total;
      if (!counts || basketSizes.every((size) => counts[size] === 0)) {
        throw new CocagneError('refused', {
          fr: 'Les paniers de cette semaine ne sont pas encore comptés : préparez la semaine avant de demander une proposition.',
          en: "This week's baskets are not counted yet: prepare the week before asking for a proposal.",
        });
      }
      const byId = new Map(products.map((product) => [product.id, product]));
      const seen = new Set<string>();
      const harvest = request.body.harvest.map((line) => {
        const product = byId.get(line.productId);
        if (!product) throw notFound({ fr: `Produit ${line.productId}`, en: `Product ${line.productId}` });
        if (seen.has(product.id)) {
          throw new CocagneError(
            'invalid_input',
            {
              fr: `${product.name} figure deux fois dans la récolte prévue.`,
              en: `${product.name} is twice in the harvest estimate.`,
            },
            { field: 'harvest' },
          );
        }
        seen.add(product.id);
        return { productId: product.id, name: product.name, unit: product.unit, quantity: line.quantity };
      });
      const input: BasketCompositionInput = {
        week,
        basketCounts: { small: counts.small, medium: counts.medium, large: counts.large },
        basketPrices: { ...pricing.basketPrices },
        harvest,
        ...(previous ? { previous: previous.baskets } : {}),
      };
      const answer: {
        output: BasketCompositionOutput;
        source: 'extension' | 'built-in';
        extension?: { name: string; version: string };
        failure?: { kind: string; message: string };
      } = app.extensions
        ? await app.extensions.runner.runHook<BasketCompositionOutput>(
            gardenId,
            basketCompositionHook.name,
            input,
          )
        : { output: builtInBasketComposition(input), source: 'built-in' };
      const known = (lines: BasketCompositionOutput['baskets']['small']) =>
        lines.filter((line) => byId.has(line.productId));
      return {
        baskets: {
          small: known(answer.output.baskets.small),
          medium: known(answer.output.baskets.medium),
          large: known(answer.output.baskets.large),
        },
        leftovers: answer.output.leftovers,
        source: answer.source,
        ...(answer.extension ? { extension: answer.extension } : {}),
        ...(answer.failure ? { failure: answer.failure } : {}),
      };
    },
  );

  app.post(
    '/weeks/:week/preparation',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: "Prepares the week now, without waiting for the garden's schedule (twice is once).",
        security: [{ bearer: [] }],
        params: WeekParams,
        response: { 202: Type.Object({ started: Type.Boolean() }), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const timeZone = (await store.gardens.get(gardenId))?.timeZone || undefined;
      const [thisWeek, nextWeek] = preparableWeeks(gardenDay(app.now(), timeZone));
      if (week !== thisWeek && week !== nextWeek) {
        throw new CocagneError('refused', {
          fr: `Seules la semaine en cours (${thisWeek}) et la suivante (${nextWeek}) peuvent être préparées : les absences et changements des autres semaines ne sont pas encore connus.`,
          en: `Only the current week (${thisWeek}) and the next (${nextWeek}) can be prepared: absences and changes for other weeks are not known yet.`,
        });
      }
      return reply.status(202).send({ started: await weeks.prepare(gardenId, week, timeZone) });
    },
  );

  app.post(
    '/weeks/:week/approval',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: "Approves the week's composition; the harvest list and depot sheets are printed.",
        security: [{ bearer: [] }],
        params: WeekParams,
        response: {
          200: Type.Object({
            phase: Type.String(),
            documents: Type.Array(Type.Object({ name: Type.String(), title: Type.String() })),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const progress = await weeks.approve(gardenId, week, actorOf(callerOf(request)));
      return {
        phase: progress.phase,
        documents: progress.documents.map(({ name, title }) => ({ name, title })),
      };
    },
  );

  app.get(
    '/weeks/:week/baskets',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: "The week's baskets, by depot, with members' names (the depot sheets on screen).",
        security: [{ bearer: [] }],
        params: WeekParams,
        response: {
          200: Type.Array(
            Type.Object({
              date: Type.String(),
              depotId: Type.String(),
              memberId: Type.String(),
              memberName: Type.String(),
              basketSize: Type.Enum([...basketSizes]),
              baskets: Type.Integer(),
              state: Type.Enum(['planned', 'absent']),
              notes: Type.Optional(Type.String()),
            }),
          ),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId, week } = request.params;
      requireWeek(week);
      const baskets = await store.weeks.baskets(gardenId, week);
      const members = await store.members.getMany(
        gardenId,
        baskets.map((basket) => basket.memberId),
      );
      return baskets
        .map((basket) => {
          const member = members.get(basket.memberId);
          return {
            date: basket.date,
            depotId: basket.depotId,
            memberId: basket.memberId,
            memberName: member ? memberDisplayName(member) : basket.memberId,
            basketSize: basket.basketSize,
            baskets: basket.baskets,
            state: basket.state,
            ...(member?.notes ? { notes: member.notes } : {}),
          };
        })
        .sort((a, b) => a.depotId.localeCompare(b.depotId) || a.memberName.localeCompare(b.memberName, 'fr'));
    },
  );

  app.get(
    '/weeks/:week/documents/:name',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['baskets'],
        summary: 'A printed document of the week (PDF).',
        security: [{ bearer: [] }],
        params: Type.Object({
          ...WeekParams.properties,
          name: Type.String({ pattern: '^[a-z0-9.-]+\\.pdf$', maxLength: 120 }),
        }),
        response: {
          200: fileAnswer('application/pdf', 'The PDF document.'),
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const { gardenId, week, name } = request.params;
      const summary = await store.weeks.summary(gardenId, week);
      const document = summary?.documents.find((entry) => entry.name === name);
      if (!document) throw notFound({ fr: 'Document', en: 'Document' });
      const file = await documents.get(document.key);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(file.bytes));
    },
  );
};
