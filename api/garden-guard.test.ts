import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { unreachableServices } from '../tests/support/unreachable-services.ts';
import { buildApp } from './app.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { gardenPrefix, gardenScope, gardenScopeCheck } from './plugins/garden-scope.ts';
import { localePlugin } from './plugins/locale.ts';
import { servicesPlugin } from './plugins/services.ts';

// Every route under /gardens/:gardenId is registered in the garden scope, whose hook checks the
// caller's garden before any handler: a route registered anywhere else is refused when the app
// boots, not found by a member of another garden.
describe('the garden guard', () => {
  const apps: Array<{ close: () => Promise<unknown> }> = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function bareApp() {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    apps.push(app);
    await app.register(localePlugin);
    await app.register(errorsPlugin);
    await app.register(servicesPlugin, { services: unreachableServices() });
    await app.register(authPlugin, { verifyToken: () => Promise.reject(new Error('no token here')) });
    await app.register(gardenScopeCheck);
    return app;
  }

  it('is on every garden route of the app as it is built', async () => {
    const app = await buildApp({
      services: unreachableServices(),
      verifyToken: () => Promise.reject(new Error('no token here')),
      oidcIssuer: 'http://127.0.0.1:9/realms/none',
      webClientId: 'cocagne-web',
    });
    apps.push(app);
    await expect(app.ready()).resolves.toBeDefined();
    // Without a token, each garden route answers 401 before anything is read.
    const members = await app.inject({ method: 'GET', url: '/api/gardens/g-test/members' });
    expect(members.statusCode).toBe(401);

    // All of them, as the description lists them, but the garden's public reads: its offer, the
    // extension modules its application form runs in the browser, and its published pages.
    const publicPaths = [
      '/api/gardens/{gardenId}/offer',
      '/api/gardens/{gardenId}/extension-modules/{hook}',
      '/api/gardens/{gardenId}/extension-modules/{hook}/{contentHash}',
      '/api/gardens/{gardenId}/pages',
      '/api/gardens/{gardenId}/pages/{pageSlug}',
      '/api/gardens/{gardenId}/pages/{pageSlug}/versions/{version}',
      '/api/gardens/{gardenId}/page-images/{imageId}',
    ];
    const { paths } = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const path of publicPaths) expect(Object.keys(paths), path).toContain(path);
    const gardenOperations = Object.entries(paths)
      .filter(([path]) => path.startsWith('/api/gardens/{gardenId}') && !publicPaths.includes(path))
      .flatMap(([path, byMethod]) => Object.keys(byMethod).map((method) => ({ method, path })));
    expect(gardenOperations.length).toBeGreaterThan(50);
    for (const { method, path } of gardenOperations) {
      const url = path.replace('{gardenId}', 'g-test').replace(/\{\w+\}/g, 'x');
      const answer = await app.inject({ method: method.toUpperCase() as 'GET', url });
      expect(answer.statusCode, `${method} ${path}`).toBe(401);
    }
  });

  it('refuses at boot a garden route without it', async () => {
    const app = await bareApp();
    expect(() => app.get('/api/gardens/:gardenId/secrets', async () => ({ secret: 42 }))).toThrow(
      /GET \/api\/gardens\/:gardenId\/secrets has no garden guard/,
    );
    // Signed-in only is not enough either: the caller may belong to another garden.
    expect(() =>
      app.get('/api/gardens/:gardenId/secrets', { onRequest: app.authenticate }, async () => ({})),
    ).toThrow(/has no garden guard/);
  });

  it('guards each route of the garden scope, but an open one that says why', async () => {
    const app = await bareApp();
    await app.register(gardenScope, {
      prefix: `/api${gardenPrefix}`,
      routes: async (garden) => {
        garden.get('/guarded', async () => ({}));
        garden.get('/staff-only', { config: { roles: ['staff'] } }, async () => ({}));
        garden.get(
          '/offer',
          { config: { openToEveryGarden: { reason: 'the offer is public' } } },
          async () => ({ offer: 'baskets' }),
        );
      },
    });
    await expect(app.ready()).resolves.toBeDefined();
    for (const path of ['/guarded', '/staff-only']) {
      const answer = await app.inject({ method: 'GET', url: `/api/gardens/g-test${path}` });
      expect(answer.statusCode, path).toBe(401);
    }
    const offer = await app.inject({ method: 'GET', url: '/api/gardens/g-test/offer' });
    expect(offer.json()).toEqual({ offer: 'baskets' });
  });
});
