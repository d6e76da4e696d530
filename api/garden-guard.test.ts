import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { unreachableServices } from '../tests/support/unreachable-services.ts';
import { buildApp } from './app.ts';
import { authPlugin } from './plugins/auth.ts';
import { servicesPlugin } from './plugins/services.ts';

// Every route under /gardens/:gardenId checks the caller's garden before its handler: a route
// that forgets the guard is refused when the app boots, not found by a member of another garden.
describe('the garden guard', () => {
  const apps: Array<{ close: () => Promise<unknown> }> = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });

  async function bareApp() {
    const app = Fastify();
    apps.push(app);
    await app.register(servicesPlugin, { services: unreachableServices() });
    await app.register(authPlugin, { verifyToken: () => Promise.reject(new Error('no token here')) });
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

  it('accepts a guarded route, and an open one that says why', async () => {
    const app = await bareApp();
    app.get('/api/gardens/:gardenId/guarded', { onRequest: app.guard() }, async () => ({}));
    app.get(
      '/api/gardens/:gardenId/offer',
      { config: { openToEveryGarden: { reason: 'the offer is public' } } },
      async () => ({}),
    );
    await expect(app.ready()).resolves.toBeDefined();
  });
});
