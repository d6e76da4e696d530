import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { notFound } from '../../domain/errors.ts';
import { callerOf } from '../plugins/auth.ts';
import { Depot, errorAnswers, Garden, GardenParams, Identity } from '../schemas.ts';

const gardenLabel = { fr: 'Jardin', en: 'Garden' };

/** The signed-in account, whatever its garden. */
export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['account'],
        summary: 'The signed-in account: roles, garden, member record.',
        security: [{ bearer: [] }],
        response: { 200: Identity, ...errorAnswers },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const garden = caller.gardenId ? await store.gardens.get(caller.gardenId) : undefined;
      return { ...caller, ...(garden ? { garden } : {}) };
    },
  );
};

/** A garden and its pick-up points, for anyone of that garden. */
export const gardenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '',
    {
      config: {
        networkWithoutOpening: {
          reason: 'its name, town and contact, not its people: the network admin opens it from there',
        },
      },
      schema: {
        tags: ['gardens'],
        summary: 'A garden.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Garden, ...errorAnswers },
      },
    },
    async (request) => {
      const garden = await store.gardens.get(request.params.gardenId);
      if (!garden) throw notFound(gardenLabel);
      return garden;
    },
  );

  app.get(
    '/depots',
    {
      schema: {
        tags: ['depots'],
        summary: "The garden's pick-up points.",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Type.Array(Depot), ...errorAnswers },
      },
    },
    async (request) => {
      return store.depots.list(request.params.gardenId);
    },
  );
};
