import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { Depot, DepotInput, keptPosition, MapPosition } from '../../domain/depot.ts';
import { notFound } from '../../domain/errors.ts';
import { Member } from '../../domain/member.ts';
import { staffRoles } from '../../domain/roles.ts';
import { DepotParams, errorAnswers, GardenParams, MemberParams, Version } from '../schemas.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';

/** Depots, placed on the map; members' homes placed on the map for home deliveries. */
export const depotRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  const { gardenSettings } = app.commands;

  app.post(
    '/depots',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['depots'],
        summary: 'Adds a pick-up point (or a home-delivery round).',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: DepotInput,
        response: { 201: Depot, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const depot: Depot = {
        ...request.body,
        name: request.body.name.trim(),
        location: keptPosition(request.body.location),
        id: `d-${app.newId().slice(2)}`,
        gardenId,
        version: 1,
      };
      await store.depots.createIfAbsent(
        depot,
        staffChangeLog(app, request, gardenId, {
          action: 'depot.created',
          subject: { kind: 'depot', id: depot.id },
        }),
      );
      return reply.status(201).send(depot);
    },
  );

  app.put(
    '/depots/:depotId',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['depots'],
        summary:
          'Changes a depot (place on the map, hours, capacity…). `version` must be the one read. Running ' +
          'subscriptions follow a new delivery day at once.',
        security: [{ bearer: [] }],
        params: DepotParams,
        body: Type.Object({ ...DepotInput.properties, version: Version(1) }, { additionalProperties: false }),
        response: { 200: Depot, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, depotId } = request.params;
      const { version, ...input } = request.body;
      const before = await store.depots.get(gardenId, depotId);
      if (!before) throw notFound({ fr: 'Point de dépôt', en: 'Pick-up point' });
      const depot = await store.depots.update(
        gardenId,
        depotId,
        version,
        { ...input, name: input.name.trim(), location: keptPosition(input.location) },
        staffChangeLog(app, request, gardenId, {
          action: 'depot.updated',
          subject: { kind: 'depot', id: depotId },
          before,
        }),
      );
      await gardenSettings.announce(gardenId, `depot-${depotId}-v${depot.version}`);
      return depot;
    },
  );

  app.put(
    '/members/:memberId/location',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['depots'],
        summary: "Places a member's home on the map (for home deliveries).",
        security: [{ bearer: [] }],
        params: MemberParams,
        body: MapPosition,
        response: { 200: Member, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      if (!(await store.members.get(gardenId, memberId))) throw notFound({ fr: 'Adhérent', en: 'Member' });
      return store.members.setLocation(
        gardenId,
        memberId,
        keptPosition(request.body),
        app.now().toISOString(),
        staffChangeLog(app, request, gardenId, {
          action: 'member.located',
          subject: { kind: 'member', id: memberId },
        }),
      );
    },
  );
};
