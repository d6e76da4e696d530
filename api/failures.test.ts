import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.ts';
import type { CallerIdentity } from './auth/identity.ts';
import { unreachableServices } from '../tests/support/unreachable-services.ts';

// What a person sees when a dependency fails: the real app, with its store pointed at a port
// where no database answers (as when DynamoDB is down).
describe('when the database does not answer', () => {
  let app: App;
  const staff: CallerIdentity = {
    userId: 'u1',
    username: 'equipe',
    name: 'Équipe',
    roles: ['staff'],
    gardenId: 'g-test',
  };

  beforeAll(async () => {
    app = await buildApp({
      services: unreachableServices(),
      verifyToken: async () => staff,
      oidcIssuer: 'http://localhost:1/realms/x',
      webClientId: 'web',
    });
  });
  afterAll(() => app?.close());

  it('answers 503 with a sentence and a code to pass on, and no internals', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/gardens/g-test/members',
      headers: { authorization: 'Bearer any' },
    });
    // Unavailable for a moment, not an unexpected error: try again later.
    expect(response.statusCode).toBe(503);
    const body = response.json<{ error: string; message: string; requestId: string }>();
    expect(body.error).toBe('unavailable');
    expect(body.message).toMatch(/momentanément indisponible.*n'a peut-être pas été enregistrée/);
    expect(body.message).toContain(body.requestId);
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|at /);
  });
});
