import type * as Keycloak from '../auth/keycloak.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../i18n/index.ts';
import { signedIn, stubApi } from '../testing/api-stub.ts';
import { request } from './request.ts';

// A token in hand that is still valid, and a refresh the keepalive call must not wait for.
const auth = vi.hoisted(() => {
  const state: { token: string | undefined; refreshes: number } = { token: 'token-in-hand', refreshes: 0 };
  return state;
});
vi.mock('../auth/keycloak.ts', async (original) => ({
  ...(await original<typeof Keycloak>()),
  tokenInHand: () => auth.token,
  freshToken: async () => {
    auth.refreshes += 1;
    return 'refreshed-token';
  },
}));

describe('a call sent as the page goes away (keepalive)', () => {
  beforeEach(() => {
    signedIn();
    setLocale('fr');
    auth.token = 'token-in-hand';
    auth.refreshes = 0;
  });
  afterEach(() => vi.unstubAllGlobals());

  it('goes out at once, with keepalive and the token in hand', async () => {
    const api = stubApi(() => ({ body: { ok: true } }));
    const sent = request('POST', '/gardens/g/x', { body: { a: 1 }, keepalive: true });
    // Synchronously: nothing awaited before the fetch.
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.headers.get('Authorization')).toBe('Bearer token-in-hand');
    expect(vi.mocked(fetch).mock.calls[0]?.[1]).toMatchObject({ keepalive: true });
    await expect(sent).resolves.toEqual({ ok: true });
    expect(auth.refreshes).toBe(0);
  });

  it('other calls still refresh the token first, without keepalive', async () => {
    const api = stubApi(() => ({ body: { ok: true } }));
    await request('POST', '/gardens/g/x', { body: { a: 1 } });
    expect(auth.refreshes).toBe(1);
    expect(api.calls[0]?.headers.get('Authorization')).toBe('Bearer refreshed-token');
    expect(vi.mocked(fetch).mock.calls[0]?.[1]).not.toHaveProperty('keepalive');
  });

  it('is not sent without a token in hand: the session is said lost', async () => {
    const api = stubApi(() => ({ body: { ok: true } }));
    auth.token = undefined;
    await expect(request('POST', '/gardens/g/x', { keepalive: true, toast: false })).rejects.toMatchObject({
      status: 401,
      code: 'session_lost',
    });
    expect(api.calls).toEqual([]);
  });
});
