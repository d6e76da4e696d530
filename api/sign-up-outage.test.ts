import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, nextWeekday } from '../domain/calendar.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { testEnvironment } from '../tests/support/environment.ts';
import {
  claimsOf,
  createAccount,
  deleteAccounts,
  tokenFor,
  type TestAccount,
} from '../tests/support/keycloak.ts';
import { uniqueEmail } from '../tests/support/moto.ts';
import { startTcpProxy } from '../tests/support/tcp-proxy.ts';

/**
 * Signing up while Keycloak's admin API cannot be reached (the worker reaches the real
 * Keycloak through a relay the test cuts): the application reaches staff all the same, and the
 * account is linked once Keycloak answers again.
 */
describe('signing up while the identity provider is down', () => {
  let api: TestApi;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  const made: TestAccount[] = [];

  beforeAll(async () => {
    const keycloak = new URL(testEnvironment().KEYCLOAK_ADMIN_URL ?? 'http://localhost:8180');
    proxy = await startTcpProxy({ host: keycloak.hostname, port: Number(keycloak.port) });
    api = await startTestApi('signup-outage', { activitySettings: { KEYCLOAK_ADMIN_URL: proxy.url } });
  });
  afterAll(async () => {
    await deleteAccounts(made);
    await api?.close();
    await proxy?.close();
  });

  it('records the application for staff at once, then links the account when Keycloak is back', async () => {
    const newcomer = await createAccount({});
    made.push(newcomer);
    proxy.cut();
    const startDate = nextWeekday(addDays(gardenDay(new Date()), 10), 2);
    const response = await api.call(newcomer, 'POST', `/api/gardens/${api.gardenId}/applications`, {
      household: { firstName: 'Lucie', lastName: 'Aubrac', email: uniqueEmail('outage') },
      subscription: { basketSize: 'small', frequency: 'weekly', depotId: api.depotId, startDate },
      consent: true,
    });
    expect(response.statusCode, response.body).toBe(201);
    const answer = response.json<{ subscription: { id: string; status: string }; accountLinked: boolean }>();
    expect(answer).toMatchObject({ accountLinked: false, subscription: { status: 'pending' } });

    // Staff have it in their inbox while the account is not linked yet.
    const inbox = await api.call(api.accounts.staff, 'GET', `/api/gardens/${api.gardenId}/inbox`);
    expect(inbox.json<{ items: Array<{ subscription?: { id: string } }> }>().items).toContainEqual(
      expect.objectContaining({ subscription: expect.objectContaining({ id: answer.subscription.id }) }),
    );
    expect(claimsOf(await tokenFor(newcomer.username, newcomer.password)).member).toBeUndefined();

    proxy.restore();
    await expect
      .poll(async () => claimsOf(await tokenFor(newcomer.username, newcomer.password)).member, {
        timeout: 90_000,
        interval: 2_000,
      })
      .toBeDefined();
  }, 120_000);
});
