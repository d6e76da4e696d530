import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { addDays, gardenDay, isIsoDate } from '../../domain/calendar.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import type { Vehicle } from '../../domain/rounds/fleet.ts';
import { routeGpx } from '../../domain/rounds/gpx.ts';
import { notDeliveredReasons, roundProgress, type Round, type StopMark } from '../../domain/rounds/round.ts';
import type { RoundStop } from '../../domain/rounds/stops.ts';
import type { DriverRoundSummary, DriverRouteView } from '../../domain/rounds/views.ts';
import { weekDocumentKey } from '../../adapters/store/documents.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import { errorAnswers, fileAnswer, GardenParams } from '../schemas.ts';
import {
  DriverRoundSummarySchema,
  DriverRouteSchema,
  RoundDayParams,
  StopMarkSchema,
} from './round-schemas.ts';
import { PhotoId, photoKeyOf } from './rounds.ts';

const driverRoles = ['driver'] as const;
const photoLimit = 3 * 1024 * 1024;

const noRoute = () =>
  notFound({
    fr: 'Tournée (aucune ne vous est envoyée pour ce jour)',
    en: 'Route (none sent to you for this day)',
  });

/** Only routes sent to drivers are theirs to see. */
function sent(round: Round | undefined): round is Round {
  return round !== undefined && (round.phase === 'distributed' || round.phase === 'done');
}

/** What a driver sees and does on a phone: their routes, the stops, the marks, the photos, the GPX. */
export const driverRoundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, documents } = app;
  const { rounds } = app.commands;

  app.addContentTypeParser(
    'image/jpeg',
    { parseAs: 'buffer', bodyLimit: photoLimit },
    (_request, body, done) => {
      done(null, body);
    },
  );

  /** The caller's vehicle in the garden's fleet (by their login), or a 404 that says why. */
  async function vehicleOf(gardenId: string, username: string): Promise<Vehicle | undefined> {
    const fleet = await store.fleet.get(gardenId);
    // Keycloak keeps logins in lower case; an admin may have typed capitals.
    return fleet.vehicles.find((vehicle) => vehicle.driverUsername?.toLowerCase() === username.toLowerCase());
  }

  async function routeOf(gardenId: string, date: string, username: string) {
    if (!isIsoDate(date)) throw noRoute();
    const [vehicle, round] = await Promise.all([
      vehicleOf(gardenId, username),
      store.rounds.get(gardenId, date),
    ]);
    const route = round?.solution?.routes.find((candidate) => candidate.vehicleId === vehicle?.id);
    if (!vehicle || !sent(round) || !route || route.stops.length === 0) throw noRoute();
    const byId = new Map(round.stops.map((stop) => [stop.id, stop]));
    const stops = route.stops.flatMap((planned) => {
      const stop = byId.get(planned.stopId);
      return stop ? [stop] : [];
    });
    return { vehicle, round, route, stops };
  }

  app.get(
    '/driver/rounds',
    {
      config: { roles: driverRoles },
      schema: {
        tags: ['driver'],
        summary: "The caller's routes sent for today and the next two weeks, today first.",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Type.Object({ rounds: Type.Array(DriverRoundSummarySchema) }), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const caller = callerOf(request);
      const garden = await store.gardens.get(gardenId);
      const today = gardenDay(app.now(), garden?.timeZone);
      const vehicle = await vehicleOf(gardenId, caller.username);
      if (!vehicle) return { rounds: [] };
      const stored = await store.rounds.between(gardenId, today, addDays(today, 14));
      const summaries: DriverRoundSummary[] = stored.filter(sent).flatMap((round) => {
        const route = round.solution?.routes.find((candidate) => candidate.vehicleId === vehicle.id);
        if (!route || route.stops.length === 0) return [];
        const mine = new Set(route.stops.map((stop) => stop.stopId));
        const progress = roundProgress({
          marks: round.marks.filter((mark) => mine.has(mark.stopId)),
          solution: { routes: [route], unrouted: [], optimiser: round.solution?.optimiser ?? 'vroom' },
        });
        return [
          {
            date: round.date,
            vehicleId: vehicle.id,
            vehicleName: vehicle.name,
            stops: route.stops.length,
            start: route.start,
            end: route.end,
            progress,
          },
        ];
      });
      return { rounds: summaries.sort((a, b) => a.date.localeCompare(b.date)) };
    },
  );

  app.get(
    '/driver/rounds/:date',
    {
      config: { roles: driverRoles },
      schema: {
        tags: ['driver'],
        summary: "The caller's route on a day: ordered stops, what to drop, marks made.",
        security: [{ bearer: [] }],
        params: RoundDayParams,
        response: { 200: DriverRouteSchema, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, date } = request.params;
      const { vehicle, round, route, stops } = await routeOf(gardenId, date, callerOf(request).username);
      const [garden, summary] = await Promise.all([
        store.gardens.get(gardenId),
        store.weeks.summary(gardenId, round.week),
      ]);
      const depots = new Set(stops.filter((stop) => stop.kind === 'depot').map((stop) => stop.depotId));
      const sheets = (summary?.documents ?? [])
        .filter((document) => document.depotId && depots.has(document.depotId))
        .map((document) => ({
          depotId: document.depotId as string,
          url: `/api/gardens/${gardenId}/driver/rounds/${date}/sheets/${document.name}`,
        }));
      const mine = new Set(stops.map((stop) => stop.id));
      const view: DriverRouteView = {
        gardenId,
        gardenName: garden?.name ?? gardenId,
        date,
        vehicle,
        route,
        stops,
        sheets,
        marks: round.marks.filter((mark) => mine.has(mark.stopId)),
      };
      return view;
    },
  );

  app.post(
    '/driver/rounds/:date/marks',
    {
      config: { roles: driverRoles },
      schema: {
        tags: ['driver'],
        summary: 'Marks a stop delivered or not delivered; the same mark sent again is kept once.',
        security: [{ bearer: [] }],
        params: RoundDayParams,
        body: Type.Object(
          {
            markId: Type.String({
              pattern: '^[a-f0-9][a-f0-9-]{7,63}$',
              description: 'Made on the phone (a UUID).',
            }),
            stopId: Type.String({ minLength: 1, maxLength: 110 }),
            outcome: Type.Enum(['delivered', 'not-delivered']),
            reason: Type.Optional(Type.Enum([...notDeliveredReasons])),
            comment: Type.Optional(Type.String({ maxLength: 500 })),
            photoKey: Type.Optional(PhotoId),
            markedAt: Type.String({ format: 'date-time' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ mark: StopMarkSchema, duplicate: Type.Boolean() }), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, date } = request.params;
      const caller = callerOf(request);
      const { stops } = await routeOf(gardenId, date, caller.username);
      const body = request.body;
      if (!stops.some((stop: RoundStop) => stop.id === body.stopId)) {
        throw new CocagneError('refused', {
          fr: 'Cet arrêt n’est pas sur votre tournée.',
          en: 'This stop is not on your route.',
        });
      }
      if (body.outcome === 'not-delivered' && !body.reason) {
        throw new CocagneError('invalid_input', {
          fr: 'Dites pourquoi le panier n’a pas été livré.',
          en: 'Say why the basket was not delivered.',
        });
      }
      const mark: StopMark = {
        markId: body.markId,
        stopId: body.stopId,
        outcome: body.outcome,
        ...(body.outcome === 'not-delivered' && body.reason ? { reason: body.reason } : {}),
        ...(body.comment?.trim() ? { comment: body.comment.trim() } : {}),
        ...(body.photoKey ? { photoKey: body.photoKey } : {}),
        markedAt: body.markedAt,
        receivedAt: app.now().toISOString(),
        by: actorOf(caller),
      };
      const kept = await store.rounds.addMark(gardenId, date, mark);
      // The mark is kept whatever the workflow does; it tells the member of a missed basket. A
      // mark sent again (its first answer lost) tells it again: the workflow tells a member once.
      await rounds
        .stopMarked(gardenId, date, {
          markId: kept.mark.markId,
          stopId: kept.mark.stopId,
          outcome: kept.mark.outcome,
        })
        .catch((error: unknown) => request.log.warn({ err: error }, 'round not told of a mark'));
      return kept;
    },
  );

  app.put(
    '/driver/rounds/:date/photos/:photoId',
    {
      config: { roles: driverRoles },
      schema: {
        tags: ['driver'],
        summary: 'Keeps a photo taken as proof at a stop (JPEG, at most 3 MB); the mark names it.',
        security: [{ bearer: [] }],
        params: Type.Object({ ...RoundDayParams.properties, photoId: PhotoId }),
        consumes: ['image/jpeg'],
        response: { 200: Type.Object({ photoKey: Type.String() }), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, date, photoId } = request.params;
      await routeOf(gardenId, date, callerOf(request).username);
      const bytes = request.body as Buffer | undefined;
      if (
        !Buffer.isBuffer(bytes) ||
        bytes.length < 4 ||
        bytes[0] !== 0xff ||
        bytes[1] !== 0xd8 ||
        bytes[2] !== 0xff
      ) {
        throw new CocagneError('invalid_input', {
          fr: 'La photo doit être une image JPEG.',
          en: 'The photo must be a JPEG image.',
        });
      }
      await documents.put(photoKeyOf(gardenId, date, photoId), new Uint8Array(bytes), 'image/jpeg');
      return { photoKey: photoId };
    },
  );

  app.get(
    '/driver/rounds/:date/sheets/:name',
    {
      config: { roles: driverRoles },
      schema: {
        tags: ['driver'],
        summary: "A depot's signing sheet on the caller's route (PDF).",
        security: [{ bearer: [] }],
        params: Type.Object({
          ...RoundDayParams.properties,
          name: Type.String({ pattern: '^[a-z0-9.-]+\\.pdf$', maxLength: 120 }),
        }),
        response: { 200: fileAnswer('application/pdf', 'The PDF document.'), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, date, name } = request.params;
      const { round, stops } = await routeOf(gardenId, date, callerOf(request).username);
      const depots = new Set(stops.filter((stop) => stop.kind === 'depot').map((stop) => stop.depotId));
      const summary = await store.weeks.summary(gardenId, round.week);
      const document = summary?.documents.find(
        (entry) => entry.name === name && entry.depotId !== undefined && depots.has(entry.depotId),
      );
      if (!document) throw notFound({ fr: 'Document', en: 'Document' });
      const file = await documents.get(document.key ?? weekDocumentKey(gardenId, round.week, name));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${name}"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(file.bytes));
    },
  );

  app.get(
    '/driver/rounds/:date/route.gpx',
    {
      config: { roles: driverRoles },
      schema: {
        tags: ['driver'],
        summary: "The caller's route as a GPX 1.1 file, for GPS apps.",
        security: [{ bearer: [] }],
        params: RoundDayParams,
        response: { 200: fileAnswer('application/gpx+xml', 'The route (GPX 1.1).'), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, date } = request.params;
      const { vehicle, route, stops } = await routeOf(gardenId, date, callerOf(request).username);
      const garden = await store.gardens.get(gardenId);
      const gpx = routeGpx({
        gardenName: garden?.name ?? gardenId,
        date,
        vehicle,
        route,
        stops,
        generatedAt: app.now(),
      });
      return reply
        .type('application/gpx+xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="tournee-${date}-${vehicle.id}.gpx"`)
        .header('cache-control', 'private, no-store')
        .send(gpx);
    },
  );
};
