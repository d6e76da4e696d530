import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration } from '../domain/configuration.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { testEnvironment } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { defaultRateLimits } from './plugins/rate-limits.ts';
import { ApiSettings, rateLimitsOf } from './settings.ts';
import { buildApp } from './app.ts';
import { unreachableServices } from '../tests/support/unreachable-services.ts';

/** The body every error has, minus the request id. */
const tooMany = {
  error: 'too_many_requests',
  message: expect.stringMatching(/^Trop de demandes en peu de temps : réessayez dans \d+ secondes?\.$/),
};

describe('rate limits', () => {
  let api: TestApi;
  const newcomers: TestAccount[] = [];

  beforeAll(async () => {
    // Low limits, so that a few calls reach them; the defaults are what every other test runs with.
    api = await startTestApi('limits', {
      rateLimits: {
        signUps: { max: 2, windowSeconds: 600 },
        calendarFeeds: { max: 3, windowSeconds: 60 },
        writes: { max: 5, windowSeconds: 60 },
        publicReads: { max: 3, windowSeconds: 60 },
      },
    });
  });
  afterAll(async () => {
    await deleteAccounts(newcomers);
    await api?.close();
  });

  it('limits online applications per address: 429 with Retry-After, nothing recorded', async () => {
    const url = `/api/gardens/${api.gardenId}/applications`;
    const apply = async (remoteAddress: string) => {
      const account = await createAccount({});
      newcomers.push(account);
      return api.app.inject({
        method: 'POST',
        url,
        remoteAddress,
        headers: { authorization: `Bearer ${await account.token()}` },
        // Malformed on purpose: attempts count, whatever their outcome.
        payload: { consent: true },
      });
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await apply('198.51.100.7')).statusCode).toBe(400);
    }
    const refused = await apply('198.51.100.7');
    expect(refused.statusCode, refused.body).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500);
    expect(refused.json()).toEqual({
      error: 'too_many_requests',
      message: expect.stringMatching(/^Trop de demandes en peu de temps : réessayez dans \d+ minutes\.$/),
      requestId: expect.any(String),
    });
    // Another address is not held back.
    expect((await apply('203.0.113.20')).statusCode).toBe(400);
    for (const account of newcomers) {
      expect(await api.store.members.memberOfAccount(api.gardenId, account.userId)).toBeUndefined();
    }
  });

  it('limits reads of the public calendar feed per address, found or not', async () => {
    const link = await api.call(
      api.accounts.member,
      'GET',
      `/api/gardens/${api.gardenId}/members/${api.member.id}/calendar-link`,
    );
    expect(link.statusCode, link.body).toBe(200);
    const feed = new URL(link.json<{ url: string }>().url).pathname;
    const read = (url: string, remoteAddress = '198.51.100.8') =>
      api.app.inject({ method: 'GET', url, remoteAddress });

    expect((await read(feed)).statusCode).toBe(200);
    expect((await read(`/api/calendar/${'A'.repeat(43)}.ics`)).statusCode).toBe(404);
    expect((await read(feed)).statusCode).toBe(200);
    const refused = await read(feed);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toEqual({ ...tooMany, requestId: expect.any(String) });
    expect((await read(feed, '203.0.113.21')).statusCode).toBe(200);
  });

  it("limits the public reads per address: the network's gardens and a garden's offer with its prices", async () => {
    const read = (url: string, remoteAddress = '198.51.100.9') =>
      api.app.inject({ method: 'GET', url, remoteAddress });
    const offer = `/api/gardens/${api.gardenId}/offer`;
    expect((await read('/api/gardens')).statusCode).toBe(200);
    expect((await read(offer)).statusCode).toBe(200);
    expect((await read('/api/gardens/t-nulle-part/offer')).statusCode).toBe(404);
    const refused = await read(offer);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toEqual({ ...tooMany, requestId: expect.any(String) });
    expect((await read('/api/gardens')).statusCode).toBe(429);
    expect((await read(offer, '203.0.113.22')).statusCode).toBe(200);
  });

  it('limits writes per account, not reads nor other accounts, and says so in English when asked', async () => {
    const membersUrl = `/api/gardens/${api.gardenId}/members`;
    for (let count = 1; count <= 5; count++) {
      const created = await api.call(api.accounts.staff, 'POST', membersUrl, {
        firstName: 'Rang',
        lastName: `N°${count}`,
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    const before = (await api.store.members.list(api.gardenId, { limit: 100 })).members.length;
    const refused = await api.call(
      api.accounts.staff,
      'POST',
      membersUrl,
      { firstName: 'Un', lastName: 'De trop' },
      {
        'accept-language': 'en',
      },
    );
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toEqual({
      error: 'too_many_requests',
      message: expect.stringMatching(/^Too many requests in a short time: try again in \d+ seconds?\.$/),
      requestId: expect.any(String),
    });
    expect((await api.store.members.list(api.gardenId, { limit: 100 })).members.length).toBe(before);

    // Reading goes on, and another account still writes.
    expect((await api.call(api.accounts.staff, 'GET', membersUrl)).statusCode).toBe(200);
    const ownPreferences = await api.call(
      api.accounts.member,
      'PUT',
      `${membersUrl}/${api.member.id}/contact-preferences`,
      { email: true, sms: false },
    );
    expect(ownPreferences.statusCode, ownPreferences.body).toBe(200);
  });

  it("counts the client address the trusted proxy reports, not the proxy's own", async () => {
    const behindProxy = await buildApp({
      services: unreachableServices(),
      verifyToken: () => Promise.reject(new Error('no token is sent here')),
      oidcIssuer: 'http://127.0.0.1:9/realms/none',
      webClientId: 'cocagne-web',
      rateLimits: { signUps: { max: 1, windowSeconds: 600 } },
      trustProxyHops: 1,
    });
    try {
      // Anonymous applications: refused (401) once counted, or 429 past the limit.
      const apply = (client: string) =>
        behindProxy.inject({
          method: 'POST',
          url: '/api/gardens/g-proxy/applications',
          remoteAddress: '10.0.0.2',
          headers: { 'x-forwarded-for': client },
        });
      expect((await apply('198.51.100.30')).statusCode).toBe(401);
      expect((await apply('198.51.100.31')).statusCode).toBe(401);
      expect((await apply('198.51.100.30')).statusCode).toBe(429);
    } finally {
      await behindProxy.close();
    }
  });

  it('reads its limits from the settings at boot, refusing a limit of 0', () => {
    const env = testEnvironment();
    expect(rateLimitsOf(readConfiguration(ApiSettings, env))).toEqual(defaultRateLimits);
    const set = readConfiguration(ApiSettings, {
      ...env,
      RATE_LIMIT_WRITES: '50',
      RATE_LIMIT_WRITES_SECONDS: '10',
    });
    expect(rateLimitsOf(set).writes).toEqual({ max: 50, windowSeconds: 10 });
    expect(() => readConfiguration(ApiSettings, { ...env, RATE_LIMIT_WRITES: '0' })).toThrow(
      /RATE_LIMIT_WRITES/,
    );
    expect(() => readConfiguration(ApiSettings, { ...env, RATE_LIMIT_SIGN_UPS: 'many' })).toThrow(
      /RATE_LIMIT_SIGN_UPS/,
    );
  });
});
