import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { CocagneError, refusedInput } from '../../domain/errors.ts';
import { FleetInput, normalizeFleetInput, type Fleet as FleetRecord } from '../../domain/rounds/fleet.ts';
import { gardenAdminRoles, staffRoles } from '../../domain/roles.ts';
import { errorAnswers, GardenParams, Version } from '../schemas.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';

/**
 * The fleet as answered: what admins set, with the last four characters of the Circuit key
 * when one is stored. The answer's schema has no room for the key itself: even a fleet read
 * by mistake with it would be answered without it.
 */
const Fleet = Type.Object(
  {
    ...FleetInput.properties,
    gardenId: Type.String(),
    circuitKeyHint: Type.Optional(
      Type.String({ description: 'The last four characters of the stored Circuit API key.' }),
    ),
    updatedAt: Type.String(),
    version: Type.Integer({ description: '0 before the garden sets its fleet.' }),
  },
  { additionalProperties: false },
);

const CircuitKey = Type.Object(
  {
    key: Type.String({
      minLength: 12,
      maxLength: 500,
      pattern: '^\\S+$',
      description: 'The API key from Circuit (Spoke Dispatch): stored as a secret, never shown again.',
    }),
    webhookSecret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 200,
        pattern: '^\\S+$',
        description:
          "The secret Circuit signs its webhooks with (its dashboard shows it when the webhook is set to this app's address).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Vehicles, drivers, service times and the optimiser a garden's rounds use. */
export const fleetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/fleet',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['rounds'],
        summary:
          "The garden's vehicles and drivers, service times and optimiser (staff); version 0 before it is set. " +
          'The Circuit API key is never answered, only its last four characters.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Fleet, ...errorAnswers },
      },
    },
    async (request): Promise<FleetRecord> => store.fleet.get(request.params.gardenId),
  );

  app.put(
    '/fleet',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['rounds'],
        summary:
          "Saves the garden's fleet (garden administrators; staff read it). `version` must be the one read: a " +
          'concurrent change gives 409. Phones are kept in E.164. Two vehicles with one id or one driver login, ' +
          'a working day that ends before it starts, or Circuit chosen with no key stored, are 422.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object(
          { ...FleetInput.properties, version: Version(0, 'The version read; 0 before the fleet is set.') },
          { additionalProperties: false },
        ),
        response: { 200: Fleet, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { version, ...input } = request.body;
      const outcome = normalizeFleetInput(input, await store.fleet.hasCircuitKey(gardenId));
      if (!outcome.ok) {
        throw refusedInput(
          outcome.issues.map((issue) => ({ field: issue.field, message: issue.message[request.locale] })),
        );
      }
      const { circuitKeyHint: _hint, ...before } = await store.fleet.get(gardenId);
      return store.fleet.put(
        gardenId,
        outcome.value,
        version,
        app.now().toISOString(),
        staffChangeLog(app, request, gardenId, {
          action: 'fleet.updated',
          subject: { kind: 'vehicle', id: 'fleet' },
          ...(before.version > 0 ? { before } : {}),
        }),
      );
    },
  );

  app.put(
    '/fleet/circuit-key',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['rounds'],
        summary:
          "Stores (or replaces) the garden's Circuit API key (garden administrators). It is never shown again: " +
          'the fleet answers its last four characters.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: CircuitKey,
        response: { 200: Fleet, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { circuitKeyHint } = await store.fleet.get(gardenId);
      await store.fleet.setCircuitKey(
        gardenId,
        request.body.key,
        app.now().toISOString(),
        request.body.webhookSecret,
        staffChangeLog(app, request, gardenId, {
          action: 'fleet.circuit-key-set',
          subject: { kind: 'vehicle', id: 'circuit-key' },
          ...(circuitKeyHint ? { before: { circuitKeyHint } } : {}),
        }),
      );
      return store.fleet.get(gardenId);
    },
  );

  app.delete(
    '/fleet/circuit-key',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['rounds'],
        summary:
          "Removes the garden's Circuit API key (garden administrators). Refused (422) while the rounds are " +
          'optimised with Circuit: choose the built-in optimiser first.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Fleet, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const fleet = await store.fleet.get(gardenId);
      if (fleet.optimiser === 'circuit') {
        throw new CocagneError(
          'refused',
          {
            fr: 'Les tournées sont optimisées avec Circuit : choisissez d’abord l’optimiseur intégré, puis retirez la clé.',
            en: 'Rounds are optimised with Circuit: choose the built-in optimiser first, then remove the key.',
          },
          { field: 'optimiser' },
        );
      }
      await store.fleet.removeCircuitKey(
        gardenId,
        staffChangeLog(app, request, gardenId, {
          action: 'fleet.circuit-key-removed',
          subject: { kind: 'vehicle', id: 'circuit-key' },
          ...(fleet.circuitKeyHint ? { before: { circuitKeyHint: fleet.circuitKeyHint } } : {}),
        }),
      );
      return store.fleet.get(gardenId);
    },
  );
};
