import Keycloak from 'keycloak-js';
import type { Locale } from '../../../domain/locale.ts';

export interface OidcSettings {
  url: string;
  realm: string;
  clientId: string;
}

/**
 * The one Keycloak client of the page. Kept outside Pinia: it is not state to render, and
 * making it reactive would wrap its internals.
 */
let keycloak: Keycloak | undefined;
const sessionLostListeners = new Set<() => void>();

/**
 * Set once someone has signed in from this browser. Without it, nobody can be signed in yet
 * (a first visit, or after signing out), so the page does not ask Keycloak at all: on a slow
 * phone link that saves a round trip to Keycloak and a second load of the whole app.
 */
const signedInBeforeKey = 'cocagne.signed-in-before';

function signedInBefore(): boolean {
  try {
    return localStorage.getItem(signedInBeforeKey) === 'yes';
  } catch {
    return true; // storage refused (private mode): ask Keycloak, as before
  }
}

function rememberSignedIn(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(signedInBeforeKey, 'yes');
    else localStorage.removeItem(signedInBeforeKey);
  } catch {
    // storage refused: the next visit asks Keycloak
  }
}

/** Starts Keycloak and says whether someone is signed in (without forcing a sign-in). */
export async function startKeycloak(settings: OidcSettings): Promise<boolean> {
  keycloak = new Keycloak({ url: settings.url, realm: settings.realm, clientId: settings.clientId });
  keycloak.onTokenExpired = () => {
    // Refreshed ahead of the next call anyway; this keeps an idle page's session alive.
    void keycloak?.updateToken(30).catch(() => undefined);
  };
  // The return from Keycloak's sign-in page (code in the address) is read in every case.
  // Someone who signed in before is checked in a hidden frame (silent-check-sso.html), not by
  // sending the whole page to Keycloak and back.
  const signedIn = await keycloak.init({
    pkceMethod: 'S256',
    checkLoginIframe: false,
    ...(signedInBefore()
      ? {
          onLoad: 'check-sso' as const,
          silentCheckSsoRedirectUri: `${location.origin}/silent-check-sso.html`,
        }
      : {}),
  });
  rememberSignedIn(signedIn);
  return signedIn;
}

/**
 * A token valid for at least 30 more seconds, or undefined when nobody is signed in.
 * A refresh Keycloak refuses ends the session: listeners send the person back to the sign-in
 * page. A refresh that cannot reach Keycloak (no network on a driver's round) keeps the
 * session: the call fails as offline, and is tried again once the network is back.
 */
export async function freshToken(): Promise<string | undefined> {
  if (!keycloak?.authenticated) return undefined;
  try {
    await keycloak.updateToken(30);
  } catch {
    // keycloak-js forgets the refresh token only when Keycloak refused it (HTTP 400).
    if (keycloak.refreshToken) throw new IdentityUnreachableError();
    endLocalSession();
    throw new SessionLostError();
  }
  return keycloak.token;
}

/**
 * The token as it is now, without asking Keycloak: for a call that cannot wait (sent while
 * the page is closing). Undefined when nobody is signed in or it expires within
 * `minValidity` seconds; a screen that may need one keeps it fresh with `freshToken` first.
 */
export function tokenInHand(minValidity = 5): string | undefined {
  if (!keycloak?.authenticated || !keycloak.token) return undefined;
  try {
    return keycloak.isTokenExpired(minValidity) ? undefined : keycloak.token;
  } catch {
    return undefined;
  }
}

/** Forgets the tokens and tells the listeners (refresh failed, or the API refused the token). */
export function endLocalSession(): void {
  keycloak?.clearToken();
  for (const listener of sessionLostListeners) listener();
}

export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

// Remembered before leaving for Keycloak: a page opened before this one has finished reading
// Keycloak's answer (a second tab, a quick click) still checks the new session.
export async function signIn(locale: Locale, returnPath = '/'): Promise<void> {
  rememberSignedIn(true);
  await keycloak?.login({ locale, redirectUri: `${location.origin}${returnPath}` });
}

/** Keycloak's own registration page (self-registration is on in the realm), then back here. */
export async function register(locale: Locale, returnPath = '/'): Promise<void> {
  rememberSignedIn(true);
  await keycloak?.register({ locale, redirectUri: `${location.origin}${returnPath}` });
}

/**
 * A new token now, whatever the current one's age: after the account was given a garden
 * and a member record, the next token carries them.
 */
export async function refreshNow(): Promise<void> {
  if (!keycloak?.authenticated) return;
  await keycloak.updateToken(-1);
}

export async function signOut(): Promise<void> {
  rememberSignedIn(false);
  await keycloak?.logout({ redirectUri: location.origin });
}

/** Keycloak could not be reached to refresh the session: the network, not the session, failed. */
export class IdentityUnreachableError extends Error {
  constructor() {
    super('The identity provider could not be reached to refresh the session.');
    this.name = 'IdentityUnreachableError';
  }
}

export class SessionLostError extends Error {
  constructor() {
    super('The session could not be refreshed.');
    this.name = 'SessionLostError';
  }
}
