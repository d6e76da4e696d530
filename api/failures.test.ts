import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.ts';
import { createStore } from '../adapters/store/index.ts';
import { Client, Connection } from '@temporalio/client';
import { createApiServices } from './plugins/services.ts';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentStore } from '../adapters/store/documents.ts';
import type { CallerIdentity } from './auth/identity.ts';

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
      services: createApiServices(
        createStore({ region: 'eu-west-3', endpoint: 'http://127.0.0.1:9', tablePrefix: 'nowhere' }),
        // No Temporal call happens before the store fails.
        new Client({ connection: Connection.lazy({ address: '127.0.0.1:9' }) }),
        createDocumentStore(new S3Client({ region: 'eu-west-3', endpoint: 'http://127.0.0.1:9' }), 'nowhere'),
      ),
      verifyToken: async () => staff,
      oidcIssuer: 'http://localhost:1/realms/x',
      webClientId: 'web',
    });
  });
  afterAll(() => app?.close());

  it('answers 500 with a sentence and a code to pass on, and no internals', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/gardens/g-test/members',
      headers: { authorization: 'Bearer any' },
    });
    expect(response.statusCode).toBe(500);
    const body = response.json<{ error: string; message: string; requestId: string }>();
    expect(body.error).toBe('internal');
    expect(body.message).toMatch(/Une erreur inattendue est survenue/);
    expect(body.message).toContain(body.requestId);
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|at /);
  });
});
