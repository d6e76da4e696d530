import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Value } from 'typebox/value';
import { CalendarDay, gardenDay } from '../../domain/calendar.ts';
import { isDeliveryDay, Season } from '../../domain/delivery-calendar.ts';
import { OfferPrices, offerPrices } from '../../domain/pricing.ts';
import { weekdayLabels } from '../../domain/depot.ts';
import { CocagneError, notFound, refusedInput } from '../../domain/errors.ts';
import { DepotId } from '../../domain/ids.ts';
import { GardenRulesInput } from '../../domain/garden-rules.ts';
import { welcomesApplicants } from '../../domain/garden.ts';
import { MemberInput, normalizeMemberInput } from '../../domain/member.ts';
import {
  basketSizes,
  frequencies,
  SignUpAnswers,
  subscriptionRequestRefusal,
} from '../../domain/subscription.ts';
import {
  answerProblems,
  declaredAnswers,
  SignUpChecksOutput,
  signUpChecksHook,
  type SignUpChecksInput,
} from '../../domain/extensions/sign-up-checks.ts';
import type { Locale } from '../../domain/locale.ts';
import { SubscriptionView } from '../../domain/views.ts';
import { proposeSolidarityPrice } from './solidarity-proposal.ts';
import { checkedTerms, OptionalConsentsInput, recordConsents, TermsVersionsInput } from './consents.ts';
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
    absencePolicy: GardenRulesInput.properties.absencePolicy,
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
    termsVersions: Type.Optional({
      ...TermsVersionsInput,
      description:
        'The versions of the CGV and the privacy policy the form showed (absent or null: not published). ' +
        'They are recorded as accepted, with the time and address; older than the latest published: 409.',
    }),
    optionalConsents: Type.Optional({
      ...OptionalConsentsInput,
      description:
        'Optional consents ticked on the form (newsletter, photos, SMS), each recorded in the consent log.',
    }),
    quotientFamilial: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100_000,
        description:
          "The household's quotient familial (CAF), in euros a month, if it gives it: the garden's " +
          'solidarity-price extension proposes a tier from it, kept with the application for staff, who decide.',
      }),
    ),
    answers: Type.Optional({
      ...SignUpAnswers,
      description:
        "Answers to the extra fields of the garden's sign-up-checks extension, by key. The extension runs " +
        'again here: what it finds wrong refuses the application (422, one message per field); answers to ' +
        'the fields it declares are kept with the application, others are dropped.',
    }),
  },
  { additionalProperties: false },
);

/** Runs a garden's hook: its active extension, or the built-in behaviour (never throws for the module). */
export type RunHook = (gardenId: string, hook: string, input: unknown) => Promise<{ output: unknown }>;

/** The application as the sign-up-checks hook reads it: no name, email or phone. */
function signUpChecksInputOf(
  body: Type.Static<typeof ApplicationInput>,
  alreadyMember: boolean,
): SignUpChecksInput {
  const { household, subscription } = body;
  const postalCode = household?.address?.postalCode.trim();
  const city = household?.address?.city.trim().slice(0, 80);
  return {
    application: {
      ...subscription,
      alreadyMember,
      ...(alreadyMember || !household
        ? {}
        : {
            household: {
              ...(household.householdSize === undefined ? {} : { size: household.householdSize }),
              ...(postalCode && /^\d{5}$/.test(postalCode) ? { postalCode } : {}),
              ...(city ? { city } : {}),
            },
          }),
    },
    answers: body.answers ?? {},
  };
}

/**
 * The garden's own rules about an application (its sign-up-checks extension, run here: its
 * answer counts, whatever the browser said): refused with what is wrong, field by field, in the
 * caller's language; otherwise the answers to keep with the application (those to the fields it
 * declares). Without an extension, or when it fails, the built-in behaviour: no extra rule.
 */
export async function checkSignUp(
  runHook: RunHook,
  gardenId: string,
  body: Type.Static<typeof ApplicationInput>,
  alreadyMember: boolean,
  locale: Locale,
): Promise<SignUpAnswers> {
  const input = signUpChecksInputOf(body, alreadyMember);
  const { output } = await runHook(gardenId, signUpChecksHook.name, input);
  // The runner checks the output against the schema; a caller never trusts a shape it did not check.
  const checked = Value.Check(SignUpChecksOutput, output) ? output : { fields: [], problems: [] };
  const problems = [...checked.problems, ...answerProblems(checked.fields, input.answers)];
  if (problems.length > 0) {
    const issues = problems.map((problem) => ({ field: problem.field, message: problem.message[locale] }));
    throw refusedInput(
      issues.filter((issue, index) => issues.findIndex((other) => other.message === issue.message) === index),
    );
  }
  return declaredAnswers(checked.fields, input.answers);
}

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
        .filter(welcomesApplicants)
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
      if (!garden || !welcomesApplicants(garden)) throw notFound(gardenLabel);
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
      if (!garden || !welcomesApplicants(garden)) throw notFound(gardenLabel);
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
      const acceptedTerms = await checkedTerms(store, gardenId, request.body.termsVersions);

      let memberId = caller.memberId ?? (await store.members.memberOfAccount(gardenId, caller.userId));
      const signUpAnswers = await checkSignUp(
        // A process built without extensions (some tests) has the built-in behaviour: no extra rule.
        async (garden, hook, input) =>
          app.extensions
            ? app.extensions.runner.runHook(garden, hook, input)
            : { output: { fields: [], problems: [] } },
        gardenId,
        request.body,
        memberId !== undefined,
        request.locale,
      );
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
      const [pricing, profile, member] = await Promise.all([
        store.settings.pricing(gardenId),
        store.billingProfiles.get(gardenId, memberId),
        household ? undefined : store.members.get(gardenId, memberId),
      ]);
      // What the household would pay, proposed to staff with the application (they decide).
      const solidarityProposal = await proposeSolidarityPrice(
        app,
        gardenId,
        {
          basketSize: wanted.basketSize,
          frequency: wanted.frequency,
          householdSize: household?.householdSize ?? member?.householdSize,
          quotientFamilial: request.body.quotientFamilial,
          answers: signUpAnswers,
          currentTierId: profile.tier?.id,
        },
        pricing,
      );
      const application = {
        memberId,
        ...wanted,
        ...(Object.keys(signUpAnswers).length > 0 ? { signUpAnswers } : {}),
        solidarityProposal,
      };
      await recordConsents(app, request, {
        gardenId,
        memberId,
        at: now.toISOString(),
        how: 'sign-up',
        terms: acceptedTerms,
        ...(request.body.optionalConsents ? { optional: request.body.optionalConsents } : {}),
      });
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
