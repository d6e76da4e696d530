import fp from 'fastify-plugin';
import { pickLocale, type Locale } from '../../domain/locale.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The language answers are written in, from Accept-Language (French by default). */
    locale: Locale;
  }
}

export const localePlugin = fp(
  async (app) => {
    app.decorateRequest('locale', 'fr');
    app.addHook('onRequest', async (request) => {
      request.locale = pickLocale(request.headers['accept-language']);
    });
  },
  { name: 'locale' },
);
