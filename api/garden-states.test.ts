import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GardenState } from '../domain/garden-provisioning.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { testGarden, uniqueGardenId } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/** What the garden routes allow in each state of a garden's life. */
describe('a garden being created, retiring or retired', () => {
  let api: TestApi;
  let networkAdmin: TestAccount;
  const admins = new Map<GardenState, { gardenId: string; account: TestAccount }>();

  beforeAll(async () => {
    api = await startTestApi('states');
    networkAdmin = await createAccount({ role: 'network-admin' });
    for (const state of ['provisioning', 'retiring', 'retired', 'suspended'] as const) {
      const gardenId = uniqueGardenId(state);
      await api.store.gardens.register({ ...testGarden(gardenId), state });
      admins.set(state, { gardenId, account: await createAccount({ role: 'garden-admin', gardenId }) });
    }
    // The network admin opens the gardens it reads, with a reason (a retired one has no log left
    // to write in: 404, as its routes).
    for (const state of ['provisioning', 'retiring', 'suspended'] as const) {
      const opened = await api.call(
        networkAdmin,
        'POST',
        `/api/network/gardens/${admins.get(state)?.gardenId}/open`,
        {
          reason: 'Ticket 9 : états du jardin',
        },
      );
      expect(opened.statusCode, opened.body).toBe(204);
    }
  });
  afterAll(async () => {
    await deleteAccounts(
      [networkAdmin, ...[...admins.values()].map(({ account }) => account)].filter(Boolean),
    );
    await api?.close();
  });

  const rulesOf = (gardenId: string) => `/api/gardens/${gardenId}/rules`;

  it('is read, never changed, while it is created or retiring (409 with the reason)', async () => {
    for (const [state, reason] of [
      ['provisioning', /encore en création/],
      ['retiring', /en cours de retrait/],
    ] as const) {
      const { gardenId, account } = admins.get(state)!;
      for (const caller of [account, networkAdmin]) {
        const read = await api.call(caller, 'GET', rulesOf(gardenId));
        expect(read.statusCode, `${state}: ${read.body}`).toBe(200);
        const { version, ...rules } = read.json<Record<string, unknown>>();
        const written = await api.call(caller, 'PUT', rulesOf(gardenId), { ...rules, version });
        expect(written.statusCode, `${state}: ${written.body}`).toBe(409);
        expect(written.json<{ message: string }>().message).toMatch(reason);
      }
      expect((await api.call(account, 'GET', rulesOf(gardenId))).json()).toEqual(
        (await api.call(networkAdmin, 'GET', rulesOf(gardenId))).json(),
      );
    }
  });

  it('is gone once retired (404 saying so), even for the network admin', async () => {
    const { gardenId, account } = admins.get('retired')!;
    for (const caller of [account, networkAdmin]) {
      const answer = await api.call(caller, 'GET', rulesOf(gardenId));
      expect(answer.statusCode, answer.body).toBe(404);
      expect(answer.json<{ message: string }>().message).toMatch(/retiré du réseau/);
    }
  });

  it('goes on as usual while suspended, and in an active garden', async () => {
    for (const { gardenId, account } of [
      admins.get('suspended')!,
      { gardenId: api.gardenId, account: undefined },
    ]) {
      const caller = account ?? (await createAccount({ role: 'garden-admin', gardenId }));
      const read = await api.call(caller, 'GET', rulesOf(gardenId));
      expect(read.statusCode, read.body).toBe(200);
      const { version, ...rules } = read.json<Record<string, unknown>>();
      const written = await api.call(caller, 'PUT', rulesOf(gardenId), { ...rules, version });
      expect(written.statusCode, written.body).toBe(200);
      if (!account) await deleteAccounts([caller]);
    }
  });
});
