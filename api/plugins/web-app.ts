import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

// The built web app (web/dist), served the way a phone on a slow link needs it:
// - the brotli or gzip form written at build time (web/precompress.ts), when the browser takes it;
// - file names under /assets/ carry a hash of their content, so they are kept for a year
//   without asking again (`immutable`); a new build has new names;
// - everything else (index.html, the favicon) is asked again each time (`no-cache`, answered
//   304 when unchanged), so a new version reaches people at their next visit.

export const hashedAssetCache = 'public, max-age=31536000, immutable';
export const revalidatedCache = 'no-cache';

/** The Cache-Control header for a file of the built app, from its path. */
export function cacheControlFor(path: string): string {
  return /[\\/]assets[\\/]/.test(path) ? hashedAssetCache : revalidatedCache;
}

/** Serves `webDist` at /; wildcard lookups per request, so a rebuilt app is served without a restart. */
export async function serveWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webDist,
    wildcard: true,
    index: 'index.html',
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlFor(path));
    },
  });
}

/** The web app's page, for any address the browser routes itself (/adherent, /equipe/…). */
export function sendWebAppPage(reply: FastifyReply) {
  return reply.type('text/html').sendFile('index.html');
}
