import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

export const healthRoutes: FastifyPluginAsyncTypebox<{
  oidcIssuer: string;
  webClientId: string;
  map?: { tileUrl: string; attribution: string } | undefined;
}> = async (app, options) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: the API process answers.',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  // The web app reads where to sign in at start, so one build serves every environment.
  app.get(
    '/config',
    {
      schema: {
        tags: ['system'],
        summary: 'Settings the web app needs before sign-in.',
        response: {
          200: Type.Object({
            oidc: Type.Object({ url: Type.String(), realm: Type.String(), clientId: Type.String() }),
          }),
        },
      },
    },
    async () => {
      const [url = '', realm = ''] = options.oidcIssuer.split('/realms/');
      return {
        oidc: { url, realm, clientId: options.webClientId },
        map: options.map ?? {
          tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
          attribution: '© contributeurs OpenStreetMap',
        },
      };
    },
  );
};
