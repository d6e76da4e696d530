import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import * as keycloak from '../auth/keycloak.ts';
import { setLocale } from '../i18n/index.ts';
import { stubApi } from '../testing/api-stub.ts';
import { request } from './request.ts';

vi.mock('../auth/keycloak.ts', async (importOriginal) => {
  const real = await importOriginal<typeof keycloak>();
  return {
    ...real,
    freshToken: vi.fn(() => Promise.reject(new real.IdentityUnreachableError())),
    endLocalSession: vi.fn(),
  };
});

/**
 * A driver on a round loses the network while the session needs refreshing: the call fails as
 * offline (their marks wait on the phone) and the session is kept, not ended.
 */
describe('a session refresh without network', () => {
  it('fails the call as a network failure and keeps the person signed in', async () => {
    setActivePinia(createPinia());
    setLocale('fr');
    const api = stubApi(() => ({ body: { ok: true } }));
    const failure = await request('GET', '/gardens/g/driver/rounds').catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 0, code: 'network' });
    expect(api.calls).toHaveLength(0);
    expect(vi.mocked(keycloak.endLocalSession)).not.toHaveBeenCalled();
  });
});
