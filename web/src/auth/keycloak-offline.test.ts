import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  freshToken,
  IdentityUnreachableError,
  onSessionLost,
  SessionLostError,
  startedOffline,
  startKeycloak,
  startOffline,
} from './keycloak.ts';
import { keepOfflineStart, offlineStart } from './offline-start.ts';

/** What each Keycloak made answers to init: signed in, or not (Keycloak no longer knows the session). */
const keycloakState = vi.hoisted(() => ({ signedIn: true, made: 0 }));

vi.mock('keycloak-js', () => ({
  default: class {
    authenticated = false;
    token: string | undefined;
    refreshToken: string | undefined;
    onTokenExpired: (() => void) | undefined;
    constructor() {
      keycloakState.made += 1;
    }
    async init() {
      await new Promise((resolve) => setTimeout(resolve, 5));
      this.authenticated = keycloakState.signedIn;
      if (this.authenticated) {
        this.token = 'access-token';
        this.refreshToken = 'refresh-token';
      }
      return this.authenticated;
    }
    async updateToken() {
      return false;
    }
    clearToken() {
      this.authenticated = false;
      this.token = undefined;
    }
  },
}));

const settings = { url: 'http://keycloak.test', realm: 'cocagne', clientId: 'cocagne-web' };
let online = true;

beforeEach(() => {
  online = true;
  keycloakState.signedIn = true;
  keycloakState.made = 0;
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
  localStorage.setItem('cocagne.signed-in-before', 'yes');
  keepOfflineStart({
    oidc: settings,
    identity: { userId: 'u-1', username: 'chauffeur', name: 'Paul Roux', roles: ['driver'], gardenId: 'g' },
  });
});

afterEach(() => {
  localStorage.clear();
});

/**
 * A driver's page started with no network (reloaded in a lane): no token, no Keycloak asked.
 * With the network back, the first call that needs a token brings the session back from
 * Keycloak; a session Keycloak no longer knows ends as any expired one does.
 */
describe('a session started offline', () => {
  it('fails calls as offline while there is no network, without asking Keycloak', async () => {
    online = false;
    startOffline(settings);
    expect(startedOffline()).toBe(true);
    await expect(freshToken()).rejects.toBeInstanceOf(IdentityUnreachableError);
    expect(keycloakState.made).toBe(0);
  });

  it('comes back from Keycloak once the network is back, once for calls made together', async () => {
    online = false;
    startOffline(settings);
    online = true;
    const tokens = await Promise.all([freshToken(), freshToken(), freshToken()]);
    expect(tokens).toEqual(['access-token', 'access-token', 'access-token']);
    expect(keycloakState.made).toBe(1);
    expect(startedOffline()).toBe(false);
    expect(offlineStart()?.identity.userId).toBe('u-1');
  });

  it('ends like an expired session when Keycloak no longer knows it: the person signs in again', async () => {
    startOffline(settings);
    keycloakState.signedIn = false;
    const lost = vi.fn();
    const stop = onSessionLost(lost);
    await expect(freshToken()).rejects.toBeInstanceOf(SessionLostError);
    stop();
    expect(lost).toHaveBeenCalledOnce();
    expect(startedOffline()).toBe(false);
    // The next start needs Keycloak: nothing is kept to start offline any more.
    expect(offlineStart()).toBeUndefined();
  });

  it('is what a start with no network leads to: Keycloak is not waited for', async () => {
    online = false;
    await expect(startKeycloak(settings)).rejects.toBeInstanceOf(IdentityUnreachableError);
    expect(keycloakState.made).toBe(0);
  });
});
