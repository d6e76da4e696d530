import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { CalendarDay, gardenDay } from '../../domain/calendar.ts';
import { isDeliveryDay, Season } from '../../domain/delivery-calendar.ts';
import { OfferPrices, offerPrices } from '../../domain/pricing.ts';
import { weekdayLabels } from '../../domain/depot.ts';
import { CocagneError, notFound, refusedInput } from '../../domain/errors.ts';
import { DepotId } from '../../domain/ids.ts';
import { MemberInput, normalizeMemberInput } from '../../domain/member.ts';
import { basketSizes, frequencies, subscriptionRequestRefusal } from '../../domain/subscription.ts';
import { SubscriptionView } from '../../domain/views.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, GardenParams } from '../schemas.ts';

const gardenLabel = { fr: 'Jardin', en: 'Garden' };

const PublicGarden = Type.Object({ id: Type.String(), name: Type.String(), city: Type.String() });

/** What a garden offers, as anyone may read it before joining. */
const GardenOffer = Type.Object({
  garden: PublicGarden,
  depots: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      address: Type.Object({ street: Type.String(), postalCode: Type.String(), city: Type.String() }),
      location: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
      deliveryWeekday: Type.Integer(),
      openingHours: Type.String(),
    }),
  ),
  seasons: Type.Array(Season),
  closedWeeks: Type.Array(Type.String()),
  /** Hours before a delivery day after which it is fixed (the first start day must be after it). */
  cutoffHours: Type.Integer(),
  rules: Type.Object({
    maxAbsencesPerSeason: Type.Integer(),
    absencePolicy: Type.Enum(['donated', 'compensated']),
    cancellationNoticeDays: Type.Integer(),
    renewal: Type.Enum(['season', 'rolling']),
  }),
  /** Basket prices, solidarity tiers and the membership fee: known before anyone applies. */
  prices: OfferPrices,
});

export const ApplicationInput = Type.Object(
  {
    /** The household's details; not needed from someone who is already a member. */
    household: Type.Optional(MemberInput),
    subscription: Type.Object(
      {
        basketSize: Type.Enum([...basketSizes]),
        frequency: Type.Enum([...frequencies]),
        depotId: DepotId,
        startDate: CalendarDay,
      },
      { additionalProperties: false },
    ),
    /** The garden's terms, accepted by ticking the box. */
    consent: Type.Boolean({
      description: "The garden's terms, accepted: without it the application is refused (422).",
    }),
  },
  { additionalProperties: false },
);

/**
 * Joining a garden from the web: anyone can read what a garden offers; a signed-in person
 * (a newly registered account, or a member) applies for a subscription, which staff then
 * approve from their inbox.
 */
export const gardenDirectoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/gardens',
    {
      onRequest: app.limitPerAddress('publicReads'),
      schema: {
        tags: ['joining'],
        summary: 'The gardens of the network (public).',
        response: { 200: Type.Array(PublicGarden), 429: errorAnswers[429] },
      },
    },
    async () =>
      (await store.gardens.list())
        .map(({ id, name, city }) => ({ id, name, city }))
        .sort((a, b) => a.name.localeCompare(b.name, 'fr')),
  );
};

/** A garden's public offer, and an application to join it (see `gardenDirectoryRoutes`). */
export const applicationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, views } = app;
  const commands = app.commands.subscriptions;

  app.get(
    '/offer',
    {
      onRequest: app.limitPerAddress('publicReads'),
      config: { openToEveryGarden: { reason: "the garden's public offer, read before signing in" } },
      schema: {
        tags: ['joining'],
        summary: "A garden's depots, seasons, rules and prices, for people who want to join (public).",
        params: GardenParams,
        response: { 200: GardenOffer, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const garden = await store.gardens.get(gardenId);
      if (!garden) throw notFound(gardenLabel);
      const [depots, calendar, rules, pricing] = await Promise.all([
        store.depots.list(gardenId),
        store.settings.calendar(gardenId, app.now()),
        store.settings.rules(gardenId),
        store.settings.pricing(gardenId),
      ]);
      const today = gardenDay(app.now());
      return {
        garden: { id: garden.id, name: garden.name, city: garden.city },
        depots: depots.map(({ id, name, address, location, deliveryWeekday, openingHours }) => ({
          id,
          name,
          address,
          location,
          deliveryWeekday,
          openingHours,
        })),
        seasons: calendar.seasons.filter((season) => season.end >= today),
        closedWeeks: calendar.closedWeeks,
        cutoffHours: calendar.cutoffHours,
        rules: {
          maxAbsencesPerSeason: rules.maxAbsencesPerSeason,
          absencePolicy: rules.absencePolicy,
          cancellationNoticeDays: rules.cancellationNoticeDays,
          renewal: rules.renewal,
        },
        prices: offerPrices(pricing),
      };
    },
  );

  app.post(
    '/applications',
    {
      onRequest: [app.limitPerAddress('signUps'), app.authenticate],
      // A person applying has no garden yet: their account joins this one once recorded.
      config: { openToEveryGarden: { reason: 'an application to join the garden' } },
      schema: {
        tags: ['joining'],
        summary:
          'Applies for a subscription from the web (signed in). A new person gives their household; their ' +
          'account becomes a member account of the garden once the application is recorded.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: ApplicationInput,
        response: {
          201: Type.Object({ subscription: SubscriptionView, accountLinked: Type.Boolean() }),
          202: Type.Object({ subscription: SubscriptionView, accountLinked: Type.Boolean() }),
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const caller = callerOf(request);
      const { household, subscription: wanted, consent } = request.body;
      if (caller.gardenId && caller.gardenId !== gardenId) {
        throw new CocagneError('forbidden', {
          fr: 'Votre compte appartient à un autre jardin.',
          en: 'Your account belongs to another garden.',
        });
      }
      if (
        (caller.gardenId === gardenId && !caller.memberId) ||
        caller.roles.some((role) => role !== 'member')
      ) {
        throw new CocagneError('forbidden', {
          fr: "Les comptes de l'équipe inscrivent les adhérents depuis leur espace.",
          en: 'Staff accounts enrol members from their own area.',
        });
      }
      if (!consent) {
        throw new CocagneError(
          'refused',
          {
            fr: 'Pour adhérer, acceptez les conditions du jardin.',
            en: "To join, accept the garden's terms.",
          },
          { field: 'consent' },
        );
      }
      const garden = await store.gardens.get(gardenId);
      if (!garden) throw notFound(gardenLabel);
      const now = app.now();
      const depot = await store.depots.get(gardenId, wanted.depotId);
      if (!depot) throw notFound({ fr: 'Point de dépôt', en: 'Pick-up point' });
      // Everything is checked before the first write: a refused application leaves nothing behind.
      const calendar = await store.settings.calendar(gardenId, now);
      const refusal =
        subscriptionRequestRefusal({ memberId: 'm-check', ...wanted }, gardenDay(now)) ??
        (isDeliveryDay(calendar, depot.deliveryWeekday, wanted.startDate)
          ? undefined
          : {
              fr: `Le dépôt « ${depot.name} » ne livre pas ce jour-là : choisissez un ${weekdayLabels.fr[depot.deliveryWeekday - 1]} pendant une saison, hors semaine fermée.`,
              en: `The pick-up point "${depot.name}" has no delivery that day: choose a ${weekdayLabels.en[depot.deliveryWeekday - 1]} within a season, outside closed weeks.`,
            });
      if (refusal) throw new CocagneError('refused', refusal, { field: 'startDate' });

      let memberId = caller.memberId ?? (await store.members.memberOfAccount(gardenId, caller.userId));
      if (!memberId) {
        if (!household) {
          throw new CocagneError(
            'refused',
            { fr: 'Indiquez les coordonnées de votre foyer.', en: "Give your household's details." },
            { field: 'household' },
          );
        }
        const normalized = normalizeMemberInput(
          {
            ...household,
            ...(household.email || !caller.email ? {} : { email: caller.email }),
            // The garden writes to them in the language they applied in (the web app sends it).
            language: household.language ?? request.locale,
          },
          request.locale,
        );
        if (!normalized.ok) throw refusedInput(normalized.issues);
        const newMemberId = app.newId();
        memberId = await store.members.bindAccount(gardenId, caller.userId, newMemberId, now.toISOString());
        if (memberId === newMemberId) {
          await store.members.create(
            gardenId,
            memberId,
            { ...normalized.value, termsAcceptedAt: now.toISOString() },
            now.toISOString(),
          );
        }
      }
      const application = { memberId, ...wanted };
      const linkAccount = caller.memberId ? undefined : { userId: caller.userId };
      // Made online: the member hears at once that it is received, not only when staff decide.
      const started = await commands.apply(gardenId, application, actorOf(caller), now.toISOString(), {
        ...(linkAccount ? { linkAccount } : {}),
        acknowledge: true,
      });
      const recorded = await views.readBack(gardenId, started.id, started.revision);
      // The identity provider may be slow or down: the application is in staff's inbox anyway,
      // and the web app keeps looking for the member account a while longer.
      const accountLinked =
        linkAccount !== undefined &&
        (await commands.accountLink(gardenId, started.id, 5_000).catch(() => undefined)) === 'linked';
      const [view] = await views.withNames(gardenId, [recorded ?? started]);
      return reply.status(recorded ? 201 : 202).send({ subscription: view ?? started, accountLinked });
    },
  );
};
