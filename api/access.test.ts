import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../tests/support/api.ts';

describe('who may call what', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('access');
  });
  afterAll(() => api?.close());

  const membersUrl = () => `/api/gardens/${api.gardenId}/members`;
  const memberCount = async () => (await api.store.members.list(api.gardenId, { limit: 100 })).members.length;

  it('answers health and the web settings without a token', async () => {
    expect((await api.call(undefined, 'GET', '/api/health')).json()).toEqual({ status: 'ok' });
    const config = (await api.call(undefined, 'GET', '/api/config')).json<{
      oidc: { realm: string; clientId: string };
    }>();
    expect(config.oidc).toMatchObject({ realm: 'cocagne', clientId: 'cocagne-web' });
  });

  it('refuses a call without a token, or with a forged one (401)', async () => {
    const before = await memberCount();
    const anonymous = await api.call(undefined, 'POST', membersUrl(), { firstName: 'A', lastName: 'B' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({
      error: 'unauthenticated',
      message: expect.stringMatching(/Connectez-vous/),
    });

    const forged = await api.app.inject({
      method: 'GET',
      url: membersUrl(),
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ message: expect.stringMatching(/reconnectez-vous/) });
    expect(await memberCount()).toBe(before);
  });

  it('refuses staff routes to members and drivers (403), and changes nothing', async () => {
    const before = await memberCount();
    for (const account of [api.accounts.member, api.accounts.driver]) {
      const list = await api.call(account, 'GET', membersUrl());
      expect(list.statusCode).toBe(403);
      const create = await api.call(account, 'POST', membersUrl(), { firstName: 'Intrus', lastName: 'Test' });
      expect(create.statusCode).toBe(403);
      expect(create.json()).toMatchObject({
        error: 'forbidden',
        message: "Votre compte n'a pas le droit de faire cela.",
      });
    }
    expect(await memberCount()).toBe(before);
  });

  it("refuses another garden's token on this garden (403), and changes nothing", async () => {
    const before = await memberCount();
    const list = await api.call(api.accounts.otherStaff, 'GET', membersUrl());
    expect(list.statusCode).toBe(403);
    expect(list.json()).toMatchObject({ message: "Votre compte n'a pas accès à ce jardin." });
    const create = await api.call(api.accounts.otherStaff, 'POST', membersUrl(), {
      firstName: 'A',
      lastName: 'B',
    });
    expect(create.statusCode).toBe(403);
    const read = await api.call(api.accounts.otherStaff, 'GET', `${membersUrl()}/${api.member.id}`);
    expect(read.statusCode).toBe(403);
    expect(await memberCount()).toBe(before);
  });

  it('lets a member read their own record only', async () => {
    const own = await api.call(api.accounts.member, 'GET', `${membersUrl()}/${api.member.id}`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: api.member.id, firstName: 'Louise' });
    const other = await api.createMember({ firstName: 'Jean', lastName: 'Jaurès' });
    // Another household's record reads as a missing one.
    const theirs = await api.call(api.accounts.member, 'GET', `${membersUrl()}/${other.id}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toMatchObject({ error: 'not_found', message: 'Adhérent introuvable.' });
  });

  it('says who is signed in', async () => {
    const me = (await api.call(api.accounts.staff, 'GET', '/api/me')).json();
    expect(me).toMatchObject({
      name: 'Camille Martin',
      roles: ['staff'],
      gardenId: api.gardenId,
      garden: { id: api.gardenId },
    });
    const member = (await api.call(api.accounts.member, 'GET', '/api/me')).json();
    expect(member).toMatchObject({ roles: ['member'], memberId: api.member.id });
  });

  it('answers unknown addresses with a readable 404, in English when asked', async () => {
    const response = await api.call(api.accounts.staff, 'GET', '/api/nowhere', undefined, {
      'accept-language': 'en-GB,en;q=0.9',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', message: 'This address does not exist.' });
  });

  it('publishes its OpenAPI description and the docs page', async () => {
    const spec = (await api.call(undefined, 'GET', '/docs/json')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/gardens/{gardenId}/members',
        '/api/gardens/{gardenId}/subscriptions/{subscriptionId}/decision',
      ]),
    );
    const page = await api.call(undefined, 'GET', '/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
  });
});
