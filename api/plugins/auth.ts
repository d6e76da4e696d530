import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { isGardenId } from '../../domain/ids.ts';
import { hasAnyRole, type Role } from '../../domain/roles.ts';
import type { CallerIdentity } from '../auth/identity.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every route that requires a signed-in caller. */
    identity: CallerIdentity | undefined;
  }
  interface FastifyInstance {
    /** onRequest hook: requires a valid bearer token. */
    authenticate: (request: FastifyRequest) => Promise<void>;
    /**
     * Requires a valid bearer token, membership of the garden named in the URL (`:gardenId`)
     * and, when given, one of the roles. The garden scope runs it on every garden route before
     * the request is validated, so a caller without the right never learns more than "forbidden".
     */
    guardGarden: (request: FastifyRequest, roles?: readonly Role[]) => Promise<void>;
  }
}

export const forbidden = () =>
  new CocagneError('forbidden', {
    fr: "Votre compte n'a pas le droit de faire cela.",
    en: 'Your account is not allowed to do this.',
  });

/** The caller, who must have signed in. */
export function callerOf(request: FastifyRequest): CallerIdentity {
  if (!request.identity) {
    throw new CocagneError('unauthenticated', { fr: 'Connectez-vous d’abord.', en: 'Sign in first.' });
  }
  return request.identity;
}

/** The caller, who must hold one of the roles. */
export function requireRole(request: FastifyRequest, wanted: readonly Role[]): CallerIdentity {
  const caller = callerOf(request);
  if (!hasAnyRole(caller.roles, wanted)) throw forbidden();
  return caller;
}

/**
 * The caller, who must belong to the garden of the URL. A token from another garden is
 * refused here, before any data of this garden is read.
 */
export function requireGarden(request: FastifyRequest, gardenId: string): CallerIdentity {
  const caller = callerOf(request);
  if (caller.roles.includes('network-admin')) return caller;
  if (caller.gardenId !== gardenId) {
    throw new CocagneError('forbidden', {
      fr: "Votre compte n'a pas accès à ce jardin.",
      en: 'Your account has no access to this garden.',
    });
  }
  return caller;
}

export const authPlugin = fp<{ verifyToken: TokenVerifier }>(
  async (app, options) => {
    app.decorateRequest('identity', undefined);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) {
        throw new CocagneError('unauthenticated', {
          fr: 'Connectez-vous pour accéder à cette page.',
          en: 'Sign in to access this page.',
        });
      }
      request.identity = await options.verifyToken(match[1]);
    });
    app.decorate('guardGarden', async (request: FastifyRequest, roles?: readonly Role[]) => {
      await app.authenticate(request);
      const gardenId = (request.params as { gardenId?: unknown } | undefined)?.gardenId;
      if (typeof gardenId === 'string') requireGarden(request, gardenId);
      if (roles) requireRole(request, roles);
      // A network administrator may act in any garden, but only one that exists: a run or a
      // record for a garden nobody serves would wait forever. (A malformed id is left to
      // the parameters' schema, which answers 400.)
      const caller = request.identity;
      if (typeof gardenId === 'string' && caller && caller.gardenId !== gardenId && isGardenId(gardenId)) {
        if (!(await app.store.gardens.get(gardenId))) throw notFound({ fr: 'Jardin', en: 'Garden' });
      }
    });
  },
  { name: 'auth', dependencies: ['store'] },
);
