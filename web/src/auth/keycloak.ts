import Keycloak from 'keycloak-js';
import type { Locale } from '../../../domain/locale.ts';
import { forgetOfflineStart } from './offline-start.ts';

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
const signOutListeners = new Set<() => void | Promise<void>>();
/** Where to sign in, as the page started with: a session started offline is resumed with it. */
let settingsInUse: OidcSettings | undefined;
/**
 * Started with no network (`startOffline`): the page shows what the phone kept, and holds no
 * token yet. The first call that needs one brings the session back from Keycloak (`resume`).
 */
let offline = false;
let resuming: Promise<void> | undefined;

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

/** The phone says it has no network (navigator.onLine is false only when it is sure). */
function knownOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/** Whether Keycloak answers at all (any answer, even one the page may not read). */
async function keycloakAnswers(settings: OidcSettings): Promise<boolean> {
  try {
    await fetch(`${settings.url.replace(/\/+$/, '')}/realms/${encodeURIComponent(settings.realm)}`, {
      mode: 'no-cors',
      cache: 'no-store',
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts Keycloak and says whether someone is signed in (without forcing a sign-in). Throws an
 * IdentityUnreachableError when someone signed in before and Keycloak cannot be reached (no
 * network): the caller may then start offline (`startOffline`).
 */
export async function startKeycloak(settings: OidcSettings): Promise<boolean> {
  settingsInUse = settings;
  const checkSso = signedInBefore();
  if (checkSso && knownOffline()) throw new IdentityUnreachableError();
  const started = new Keycloak({ url: settings.url, realm: settings.realm, clientId: settings.clientId });
  keycloak = started;
  started.onTokenExpired = () => {
    // Refreshed ahead of the next call anyway; this keeps an idle page's session alive.
    void started.updateToken(30).catch(() => undefined);
  };
  // The return from Keycloak's sign-in page (code in the address) is read in every case.
  // Someone who signed in before is checked in a hidden frame (silent-check-sso.html), not by
  // sending the whole page to Keycloak and back.
  let signedIn: boolean;
  try {
    signedIn = await started.init({
      pkceMethod: 'S256',
      checkLoginIframe: false,
      ...(checkSso
        ? {
            onLoad: 'check-sso' as const,
            silentCheckSsoRedirectUri: `${location.origin}/silent-check-sso.html`,
          }
        : {}),
    });
  } catch (error) {
    if (checkSso && !(await keycloakAnswers(settings))) throw new IdentityUnreachableError();
    throw error;
  }
  offline = false;
  rememberSignedIn(signedIn);
  return signedIn;
}

/**
 * Starts the session with no network (a driver's page reloaded in a lane): the page opens on
 * what the phone kept, with no token. Keycloak is asked again, with the same check as a normal
 * start, when a call first needs a token with the network back (`freshToken`): the session
 * comes back from Keycloak's own (its cookie, as after any reload), or, where Keycloak ended it,
 * the person signs in again as when a session expires. Nothing is read from storage here.
 */
export function startOffline(settings: OidcSettings): void {
  settingsInUse = settings;
  keycloak = undefined;
  offline = true;
}

/** The session was started offline and has not reached Keycloak since. */
export function startedOffline(): boolean {
  return offline;
}

/** Brings back a session started offline: once, however many calls wait for it. */
function resume(): Promise<void> {
  if (knownOffline() || !settingsInUse) return Promise.reject(new IdentityUnreachableError());
  const settings = settingsInUse;
  resuming ??= (async () => {
    try {
      let signedIn: boolean;
      try {
        signedIn = await startKeycloak(settings);
      } catch {
        // Not reached, or its answer not read: the session is kept, and asked for again later.
        throw new IdentityUnreachableError();
      }
      if (!signedIn) {
        // Keycloak answered: the session is over (expired, or ended elsewhere).
        offline = false;
        endLocalSession();
        throw new SessionLostError();
      }
    } finally {
      resuming = undefined;
    }
  })();
  return resuming;
}

/**
 * A token valid for at least 30 more seconds, or undefined when nobody is signed in.
 * A refresh Keycloak refuses ends the session: listeners send the person back to the sign-in
 * page. A refresh that cannot reach Keycloak (no network on a driver's round) keeps the
 * session: the call fails as offline, and is tried again once the network is back.
 */
export async function freshToken(): Promise<string | undefined> {
  // Started offline: the session must come back from Keycloak first (or the call fails as offline).
  if (offline) await resume();
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
  if (offline || !keycloak?.authenticated || !keycloak.token) return undefined;
  try {
    return keycloak.isTokenExpired(minValidity) ? undefined : keycloak.token;
  } catch {
    return undefined;
  }
}

/**
 * Forgets the tokens and tells the listeners (refresh failed, or the API refused the token).
 * What a driver's phone kept to start offline goes too: the next start needs Keycloak.
 */
export function endLocalSession(): void {
  keycloak?.clearToken();
  forgetOfflineStart();
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

/** Called as someone signs out: what the app kept for them on this device is forgotten. */
export function onSignOut(listener: () => void | Promise<void>): () => void {
  signOutListeners.add(listener);
  return () => signOutListeners.delete(listener);
}

export async function signOut(): Promise<void> {
  rememberSignedIn(false);
  forgetOfflineStart();
  await Promise.all([...signOutListeners].map(async (listener) => listener()));
  // Started offline and still without Keycloak: the session ends on this device.
  if (offline || !keycloak) {
    offline = false;
    endLocalSession();
    return;
  }
  await keycloak.logout({ redirectUri: location.origin });
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
