import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CocagneError } from '../../domain/errors.ts';

/** At most `max` requests in `windowSeconds`. */
export interface RateLimit {
  max: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** Online applications, per client address: new accounts are free to make, addresses less so. */
  signUps: RateLimit;
  /** The public calendar feeds, per client address (calendar apps poll them, a few times an hour). */
  calendarFeeds: RateLimit;
  /** Every write (POST, PUT, PATCH, DELETE), per signed-in account. */
  writes: RateLimit;
  /** What anyone reads before signing in (the network's gardens, a garden's offer and prices), per client address. */
  publicReads: RateLimit;
}

/** Far above what a person (or the test suites, which call as one account) ever sends. */
export const defaultRateLimits: RateLimits = {
  signUps: { max: 50, windowSeconds: 3600 },
  calendarFeeds: { max: 120, windowSeconds: 60 },
  writes: { max: 300, windowSeconds: 60 },
  // Several people behind one address (a school, a workplace) each read a few offers.
  publicReads: { max: 300, windowSeconds: 60 },
};

export type AddressLimit = 'signUps' | 'calendarFeeds' | 'publicReads';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: this route answers 429 past its limit for the caller's address. */
    limitPerAddress: (limit: AddressLimit) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** "45 secondes", "3 minutes": how long to wait, as people say it. */
function waitIn(seconds: number, locale: 'fr' | 'en'): string {
  if (seconds < 90) {
    const count = Math.max(1, seconds);
    return locale === 'fr'
      ? `${count} seconde${count > 1 ? 's' : ''}`
      : `${count} second${count > 1 ? 's' : ''}`;
  }
  return `${Math.ceil(seconds / 60)} minutes`;
}

export const tooManyRequests = (retryAfterSeconds: number) =>
  new CocagneError('too_many_requests', {
    fr: `Trop de demandes en peu de temps : réessayez dans ${waitIn(retryAfterSeconds, 'fr')}.`,
    en: `Too many requests in a short time: try again in ${waitIn(retryAfterSeconds, 'en')}.`,
  });

/**
 * Rate limits (@fastify/rate-limit, counted in this process): per client address on sign-up,
 * on the public calendar feeds and on the other public reads, per account on every write. Past a limit the answer is a
 * 429 in the usual error shape, with `Retry-After`.
 */
export const rateLimitsPlugin = fp<{ limits: RateLimits }>(
  async (app, { limits }) => {
    await app.register(rateLimit, { global: false });

    function limiter(limit: RateLimit, keyOf?: (request: FastifyRequest) => string) {
      const count = app.createRateLimit({
        max: limit.max,
        timeWindow: limit.windowSeconds * 1000,
        ...(keyOf ? { keyGenerator: keyOf } : {}),
      });
      return async (request: FastifyRequest, reply: FastifyReply) => {
        const counted = await count(request);
        if (counted.isAllowed || !counted.isExceeded) return;
        const retryAfter = Math.max(1, counted.ttlInSeconds);
        reply.header('retry-after', String(retryAfter));
        throw tooManyRequests(retryAfter);
      };
    }

    // Keyed by the client's address (IPv6 by its /64), as the proxy in front reports it when trusted.
    const perAddress = {
      signUps: limiter(limits.signUps),
      calendarFeeds: limiter(limits.calendarFeeds),
      publicReads: limiter(limits.publicReads),
    };
    app.decorate('limitPerAddress', (limit: AddressLimit) => perAddress[limit]);

    const writes = limiter(limits.writes, (request) => request.identity?.userId ?? '');
    // After the route's own onRequest hooks, which say who is calling.
    app.addHook('preHandler', async (request, reply) => {
      if (!writeMethods.has(request.method) || !request.identity) return;
      await writes(request, reply);
    });
  },
  { name: 'rate-limits', dependencies: ['auth'] },
);
