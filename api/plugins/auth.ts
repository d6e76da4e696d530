import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { gardenStateOf } from '../../domain/garden.ts';
import type { GardenState } from '../../domain/garden-provisioning.ts';
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

/** Why a request may not act in a garden in this state, if it may not. */
export function gardenStateRefusal(state: GardenState, method: string): CocagneError | undefined {
  if (state === 'retired') {
    return new CocagneError('not_found', {
      fr: 'Ce jardin a été retiré du réseau : ses données ont été exportées puis effacées (les factures sont conservées).',
      en: 'This garden has left the network: its data was exported then erased (invoices are kept).',
    });
  }
  const reads = method === 'GET' || method === 'HEAD';
  if (state === 'provisioning' && !reads) {
    return new CocagneError('conflict', {
      fr: 'Ce jardin est encore en création : il pourra être modifié dès qu’il sera actif.',
      en: 'This garden is still being created: it can be changed once it is active.',
    });
  }
  if (state === 'retiring' && !reads) {
    return new CocagneError('conflict', {
      fr: 'Ce jardin est en cours de retrait du réseau : plus rien n’y change.',
      en: 'This garden is leaving the network: nothing changes in it any more.',
    });
  }
  return undefined;
}

/** How long a garden's state read is reused: every garden request reads it. */
const gardenStateTtlMs = 5_000;

export const authPlugin = fp<{ verifyToken: TokenVerifier }>(
  async (app, options) => {
    // A garden's state, read once per few seconds (one registry read per request otherwise).
    // Only gardens that exist are kept, so the map holds at most the registry's gardens.
    const seen = new Map<string, { state: GardenState; until: number }>();
    const gardenStates = {
      async read(gardenId: string): Promise<GardenState | undefined> {
        const kept = seen.get(gardenId);
        if (kept && kept.until > Date.now()) return kept.state;
        const garden = await app.store.gardens.get(gardenId);
        if (!garden) {
          seen.delete(gardenId);
          return undefined;
        }
        const state = gardenStateOf(garden);
        seen.set(gardenId, { state, until: Date.now() + gardenStateTtlMs });
        return state;
      },
    };
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
      // Only a garden that exists and is served: a run or a record for a garden nobody serves
      // would wait forever (a network administrator may name any garden). One being created
      // or retired is read, not changed; a retired one is gone. (A malformed id is left to
      // the parameters' schema, which answers 400.)
      if (typeof gardenId === 'string' && isGardenId(gardenId)) {
        const state = await gardenStates.read(gardenId);
        const refusal =
          state === undefined
            ? notFound({ fr: 'Jardin', en: 'Garden' })
            : gardenStateRefusal(state, request.method);
        if (refusal) throw refusal;
      }
    });
  },
  { name: 'auth', dependencies: ['store'] },
);
