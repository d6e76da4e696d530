import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { testDataConverter, testEnvironment } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { sealedEncoding } from '../temporal/payload-codec.ts';

/**
 * The codec server the Temporal UI calls (api/routes/temporal-codec.ts): real tokens, payloads
 * sealed by the app's own codec for this garden's processes, another garden's and the network's.
 */
describe('the codec server for the Temporal UI', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;
  let otherGardenAdmin: TestAccount;
  let networkAdmin: TestAccount;
  const codec = testDataConverter()!.payloadCodecs![0]!;
  const person = { name: 'Bérénice <b>Quenot</b>', email: 'berenice.quenot@example.org' };

  const seal = async (workflowId: string, value: unknown): Promise<Payload> =>
    (
      await codec.encode([defaultPayloadConverter.toPayload(value)], {
        type: 'workflow',
        namespace: testEnvironment().TEMPORAL_NAMESPACE ?? 'default',
        workflowId,
      })
    )[0]!;
  const asJson = (payload: Payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  });
  const valueOf = (json: { metadata: Record<string, string>; data: string }): unknown => {
    const encoding = Buffer.from(json.metadata['encoding'] ?? '', 'base64').toString();
    if (encoding === sealedEncoding) return 'sealed';
    return defaultPayloadConverter.fromPayload({
      metadata: Object.fromEntries(
        Object.entries(json.metadata).map(([key, value]) => [
          key,
          new Uint8Array(Buffer.from(value, 'base64')),
        ]),
      ),
      data: new Uint8Array(Buffer.from(json.data, 'base64')),
    });
  };

  beforeAll(async () => {
    api = await startTestApi('codec');
    [gardenAdmin, otherGardenAdmin, networkAdmin] = await Promise.all([
      createAccount({ role: 'garden-admin', gardenId: api.gardenId }),
      createAccount({ role: 'garden-admin', gardenId: 'jardin-du-voisin' }),
      createAccount({ role: 'network-admin' }),
    ]);
  });
  afterAll(async () => {
    await deleteAccounts([gardenAdmin, otherGardenAdmin, networkAdmin].filter(Boolean));
    await api?.close();
  });

  it("opens a garden's payloads for its administrators only, the network's for network administrators", async () => {
    const payloads = [
      asJson(await seal(`${api.gardenId}/subscription/m-1.2027-01-04`, person)),
      asJson(await seal('jardin-du-voisin/subscription/m-9.2027-01-04', { name: 'Voisine' })),
      asJson(await seal('network/garden-provisioning/jardin-neuf', { gardenName: 'Jardin neuf' })),
      asJson(defaultPayloadConverter.toPayload('en clair')),
    ];
    const decode = async (account: TestAccount) => {
      const answer = await api.call(
        account,
        'POST',
        '/api/temporal-codec/decode',
        { payloads },
        {
          'x-namespace': 'default',
        },
      );
      expect(answer.statusCode, answer.body).toBe(200);
      return answer
        .json<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>()
        .payloads.map(valueOf);
    };
    expect(await decode(gardenAdmin)).toEqual([person, 'sealed', 'sealed', 'en clair']);
    expect(await decode(otherGardenAdmin)).toEqual(['sealed', { name: 'Voisine' }, 'sealed', 'en clair']);
    // A network administrator sees a garden's personal data only once they opened that garden.
    expect(await decode(networkAdmin)).toEqual([
      'sealed',
      'sealed',
      { gardenName: 'Jardin neuf' },
      'en clair',
    ]);

    // Once they open the garden (with a reason, logged in its staff action log), its payloads open for them.
    const opening = await api.call(networkAdmin, 'POST', `/api/network/gardens/${api.gardenId}/open`, {
      reason: 'Ticket 4521 : prélèvement bloqué',
    });
    expect(opening.statusCode, opening.body).toBe(204);
    expect(await decode(networkAdmin)).toEqual([person, 'sealed', { gardenName: 'Jardin neuf' }, 'en clair']);

    // Relabelled to this garden, another garden's payload still does not open: the label is sealed in.
    const relabelled = {
      ...payloads[1]!,
      metadata: { ...payloads[1]!.metadata, 'cocagne-garden': Buffer.from(api.gardenId).toString('base64') },
    };
    const answer = await api.call(gardenAdmin, 'POST', '/api/temporal-codec/decode', {
      payloads: [relabelled],
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.json<{ payloads: unknown[] }>().payloads).toEqual([relabelled]);
  });

  it('refuses staff, members and callers without a token, and malformed payloads, clearly', async () => {
    const body = { payloads: [asJson(await seal(`${api.gardenId}/week/2027-W02`, person))] };
    for (const account of [api.accounts.staff, api.accounts.member, api.accounts.driver]) {
      const answer = await api.call(account, 'POST', '/api/temporal-codec/decode', body);
      expect(answer.statusCode).toBe(403);
      expect(answer.body).not.toContain('Quenot');
    }
    expect((await api.call(undefined, 'POST', '/api/temporal-codec/decode', body)).statusCode).toBe(401);
    const malformed = await api.call(gardenAdmin, 'POST', '/api/temporal-codec/decode', {
      payloads: [{ metadata: { encoding: '<script>' }, data: '' }],
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ detail?: string }>().detail ?? malformed.body).toMatch(
      /metadata|pattern|encoding/i,
    );
  });

  it("lets the Temporal UI's pages call it from the browser, and no other site", async () => {
    const uiOrigin = new URL(testEnvironment().TEMPORAL_UI_URL ?? '').origin;
    const preflight = await api.app.inject({
      method: 'OPTIONS',
      url: '/api/temporal-codec/decode',
      headers: {
        origin: uiOrigin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-namespace',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');
    const elsewhere = await api.app.inject({
      method: 'OPTIONS',
      url: '/api/temporal-codec/decode',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });
});
