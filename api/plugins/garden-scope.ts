import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../domain/roles.ts';
import { gardenOpeningsFrom, requireOpenedByNetwork } from '../routes/garden-openings.ts';
import type { GardenOpenings } from '../routes/temporal-codec.ts';

// Every route about one garden lives in one scope, under `/gardens/:gardenId`, whose hook runs
// the garden guard before anything else: a new garden route cannot forget it. A route that
// would reach a garden from outside the scope is refused when the app boots.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles a garden route asks for, on top of a token of this garden (any role when absent). */
    roles?: readonly Role[];
    /**
     * A garden route any signed-in person may call, whatever their garden: an application to
     * join, the garden's public offer. The garden guard leaves it to its own hooks.
     */
    openToEveryGarden?: { reason: string };
    /**
     * A garden route a network administrator may call without opening the garden first (with
     * a reason, logged): one that shows nothing of the garden's people. Every other garden route
     * asks them to open it (403 until they do).
     */
    networkWithoutOpening?: { reason: string };
  }
  interface FastifyInstance {
    /**
     * Network administrators' openings of gardens (with a reason, in the garden's action log),
     * one reader for the garden scope and its routes (the journals ask it too).
     */
    gardenOpenings: GardenOpenings;
  }
}

export const gardenPrefix = '/gardens/:gardenId';

/** The contexts made by `gardenScope`; the route plugins registered in them descend from them. */
const gardenScopes = new WeakSet<object>();

function insideGardenScope(instance: FastifyInstance): boolean {
  for (
    let context: object | null = instance;
    context;
    context = Object.getPrototypeOf(context) as object | null
  ) {
    if (gardenScopes.has(context)) return true;
  }
  return false;
}

/** Refuses at boot a garden route registered outside the garden scope (so without the guard). */
export const gardenScopeCheck = fp(
  async (app) => {
    app.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
      if (!route.url.includes(gardenPrefix) || insideGardenScope(this)) return;
      const method = [route.method].flat().join(',');
      throw new Error(
        `${method} ${route.url} has no garden guard: register its routes in the garden scope ` +
          `(api/app.ts, prefix ${gardenPrefix}).`,
      );
    });
  },
  { name: 'garden-scope-check' },
);

/**
 * The garden's routes, registered by `routes` in a context with the prefix `/gardens/:gardenId`
 * (their own URLs start after it). Each runs the garden guard first, with the roles its
 * `config.roles` asks for, unless its `config.openToEveryGarden` says why anyone may call it.
 * A network administrator, who belongs to no garden, then needs to have opened the garden
 * (`POST /network/gardens/{slug}/open`, with a reason, in its staff action log) unless the
 * route's `config.networkWithoutOpening` says why not.
 */
export const gardenScope: FastifyPluginAsyncTypebox<{ routes: FastifyPluginAsyncTypebox }> = async (
  garden,
  { routes },
) => {
  if (!garden.prefix.endsWith(gardenPrefix))
    throw new Error(`The garden scope needs the prefix ${gardenPrefix}.`);
  gardenScopes.add(garden);
  const openings = gardenOpeningsFrom(garden.store);
  garden.decorate('gardenOpenings', openings);
  garden.addHook('onRequest', async (request) => {
    const { roles, openToEveryGarden, networkWithoutOpening } = request.routeOptions.config;
    if (openToEveryGarden) return;
    await garden.guardGarden(request, roles);
    if (!networkWithoutOpening) await requireOpenedByNetwork(request, openings);
  });
  await routes(garden, {});
};
