import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { entityIdPattern } from '../../domain/ids.ts';
import { isIsoDate } from '../../domain/calendar.ts';
import { isoWeekPattern, isIsoWeek, weekDays } from '../../domain/iso-weeks.ts';
import { staffRoles } from '../../domain/roles.ts';
import type { Fleet } from '../../domain/rounds/fleet.ts';
import type { StopPin } from '../../domain/rounds/plan.ts';
import { roundProgress, type Round } from '../../domain/rounds/round.ts';
import type { RoundSummary, RoundView } from '../../domain/rounds/views.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, fileAnswer, GardenParams, Query } from '../schemas.ts';
import { RoundDayParams, RoundSummarySchema, RoundViewSchema } from './round-schemas.ts';

export function roundViewOf(round: Round, fleet: Fleet, running: boolean): RoundView {
  const used = new Set(round.solution?.routes.map((route) => route.vehicleId) ?? []);
  return {
    ...round,
    vehicles: fleet.vehicles.filter((vehicle) => used.has(vehicle.id) || round.phase === 'awaiting-approval'),
    progress: roundProgress(round),
    running,
  };
}

export function roundSummaryOf(round: Round): RoundSummary {
  return {
    date: round.date,
    phase: round.phase,
    stops: round.stops.length,
    unrouted: round.solution?.unrouted.length ?? 0,
    vehicles: round.solution?.routes.filter((route) => route.stops.length > 0).length ?? 0,
    progress: roundProgress(round),
    deadline: round.deadline,
    approved: round.approval !== undefined,
  };
}

/** A day that does not exist (31 February) matches the pattern: 404. */
function requireDay(date: string): void {
  if (!isIsoDate(date)) {
    throw new CocagneError('not_found', {
      fr: `Le jour ${date} n'existe pas.`,
      en: `Day ${date} does not exist.`,
    });
  }
}

const notPlanned = () =>
  notFound({
    fr: 'Tournée (aucune n’est encore calculée pour ce jour)',
    en: 'Round (none planned for this day yet)',
  });

export const photoKeyOf = (gardenId: string, date: string, photoId: string) =>
  `${gardenId}/rounds/${date}/photos/${photoId}.jpg`;
export const PhotoId = Type.String({
  pattern: '^[a-f0-9][a-f0-9-]{7,63}$',
  minLength: 8,
  maxLength: 64,
  description: 'Made on the phone (a UUID).',
});

/** The delivery rounds of each day, for staff: plan, look, move stops, approve, follow. */
export const roundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, documents } = app;
  const { rounds } = app.commands;

  async function view(gardenId: string, date: string): Promise<RoundView> {
    const [round, fleet, running] = await Promise.all([
      store.rounds.get(gardenId, date),
      store.fleet.get(gardenId),
      rounds.running(gardenId, date),
    ]);
    if (!round) throw notPlanned();
    return roundViewOf(round, fleet, running);
  }

  app.get(
    '/rounds',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary: "A week's rounds, one per delivery day planned, and the days that have baskets to deliver.",
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({ week: Type.String({ pattern: isoWeekPattern }) }),
        response: {
          200: Type.Object({ rounds: Type.Array(RoundSummarySchema), days: Type.Array(Type.String()) }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { week } = request.query;
      if (!isIsoWeek(week)) {
        throw new CocagneError('not_found', {
          fr: `La semaine ${week} n'existe pas.`,
          en: `Week ${week} does not exist.`,
        });
      }
      const days = weekDays(week);
      const [stored, baskets] = await Promise.all([
        store.rounds.between(gardenId, days[0] as string, days[6] as string),
        store.weeks.baskets(gardenId, week),
      ]);
      const withBaskets = [
        ...new Set(
          baskets
            .filter((basket) => basket.state === 'planned' && basket.baskets > 0)
            .map((basket) => basket.date),
        ),
      ].sort();
      return { rounds: stored.map(roundSummaryOf), days: withBaskets };
    },
  );

  app.get(
    '/rounds/:date',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary: "A day's round: stops, routes per vehicle, what changed, approval, the drivers' marks.",
        security: [{ bearer: [] }],
        params: RoundDayParams,
        response: { 200: RoundViewSchema, ...errorAnswers },
      },
    },
    async (request) => {
      requireDay(request.params.date);
      return view(request.params.gardenId, request.params.date);
    },
  );

  app.post(
    '/rounds/:date/plan',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary:
          "Plans the day's round now, or plans it again with the latest baskets; the plan follows in a moment.",
        security: [{ bearer: [] }],
        params: RoundDayParams,
        response: { 202: Type.Object({ started: Type.Boolean() }), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, date } = request.params;
      requireDay(date);
      const garden = await store.gardens.get(gardenId);
      const today = gardenDay(app.now(), garden?.timeZone);
      if (date < today) {
        throw new CocagneError('refused', {
          fr: 'Ce jour est passé : sa tournée ne peut plus être calculée.',
          en: 'This day is over: its round can no longer be planned.',
        });
      }
      if (date > addDays(today, 28)) {
        throw new CocagneError('refused', {
          fr: 'Les tournées se calculent au plus quatre semaines à l’avance.',
          en: 'Rounds are planned at most four weeks ahead.',
        });
      }
      const started = await rounds.start(gardenId, date, garden?.timeZone);
      if (!started) {
        // Running: staff asked for a new plan now, with the stops pinned as they are.
        const status = await rounds.status(gardenId, date);
        if (!status || status.phase === 'done' || !(await rounds.running(gardenId, date))) {
          throw new CocagneError('conflict', {
            fr: 'La tournée de ce jour est terminée.',
            en: "This day's round is over.",
          });
        }
        await rounds.changePins(gardenId, date, actorOf(callerOf(request)), status.pins);
      }
      return reply.code(202).send({ started });
    },
  );

  app.post(
    '/rounds/:date/approve',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary:
          'Approves the routes: they are sent to the drivers. With `revision` (the plan looked at), refused when the round was planned again since.',
        security: [{ bearer: [] }],
        params: RoundDayParams,
        querystring: Query({ revision: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }),
        response: { 200: RoundViewSchema, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, date } = request.params;
      requireDay(date);
      await rounds.approve(gardenId, date, actorOf(callerOf(request)), request.query.revision);
      return view(gardenId, date);
    },
  );

  async function changePin(
    gardenId: string,
    date: string,
    actor: ReturnType<typeof actorOf>,
    change: (pins: StopPin[]) => StopPin[],
  ) {
    const status = await rounds.status(gardenId, date);
    if (!status) throw notPlanned();
    await rounds.changePins(gardenId, date, actor, change(status.pins));
    return view(gardenId, date);
  }

  const PinParams = Type.Object({
    ...RoundDayParams.properties,
    stopId: Type.String({ pattern: '^(depot|home)\\.[A-Za-z0-9.-]{1,100}$', maxLength: 110 }),
  });

  app.put(
    '/rounds/:date/pins/:stopId',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary: 'Puts a stop on a vehicle (first or last if asked); the routes are optimised again.',
        security: [{ bearer: [] }],
        params: PinParams,
        body: Type.Object(
          {
            vehicleId: Type.String({ pattern: entityIdPattern }),
            position: Type.Optional(Type.Enum(['first', 'last'])),
          },
          { additionalProperties: false },
        ),
        response: { 200: RoundViewSchema, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, date, stopId } = request.params;
      requireDay(date);
      const [round, fleet] = await Promise.all([store.rounds.get(gardenId, date), store.fleet.get(gardenId)]);
      if (!round) throw notPlanned();
      if (!round.stops.some((stop) => stop.id === stopId)) throw notFound({ fr: 'Arrêt', en: 'Stop' });
      if (!round.stops.find((stop) => stop.id === stopId)?.location) {
        throw new CocagneError('refused', {
          fr: 'Cet arrêt n’est pas placé sur la carte : placez d’abord l’adresse.',
          en: 'This stop is not on the map: place its address first.',
        });
      }
      if (!fleet.vehicles.some((vehicle) => vehicle.id === request.body.vehicleId)) {
        throw new CocagneError('refused', {
          fr: 'Ce véhicule n’existe pas.',
          en: 'This vehicle does not exist.',
        });
      }
      const pin: StopPin = {
        stopId,
        vehicleId: request.body.vehicleId,
        ...(request.body.position ? { position: request.body.position } : {}),
      };
      return changePin(gardenId, date, actorOf(callerOf(request)), (pins) => [
        ...pins.filter((existing) => existing.stopId !== stopId),
        pin,
      ]);
    },
  );

  app.delete(
    '/rounds/:date/pins/:stopId',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary: 'Lets the optimiser place a pinned stop again.',
        security: [{ bearer: [] }],
        params: PinParams,
        response: { 200: RoundViewSchema, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, date, stopId } = request.params;
      requireDay(date);
      return changePin(gardenId, date, actorOf(callerOf(request)), (pins) =>
        pins.filter((existing) => existing.stopId !== stopId),
      );
    },
  );

  app.get(
    '/rounds/:date/photos/:photoId',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary: "A driver's photo taken as proof at a stop.",
        security: [{ bearer: [] }],
        params: Type.Object({ ...RoundDayParams.properties, photoId: PhotoId }),
        response: { 200: fileAnswer('image/jpeg', 'The photo.'), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, date, photoId } = request.params;
      const round = await store.rounds.get(gardenId, date);
      if (!round?.marks.some((mark) => mark.photoKey === photoId))
        throw notFound({ fr: 'Photo', en: 'Photo' });
      const file = await documents.get(photoKeyOf(gardenId, date, photoId));
      return reply
        .type('image/jpeg')
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(file.bytes));
    },
  );
};
