import { fetchConfig } from './api-client/config.ts';
import { fetchMe } from './api-client/me.ts';
import { isApiError } from './api-client/request.ts';
import { IdentityUnreachableError, onSessionLost, startKeycloak, startOffline } from './auth/keycloak.ts';
import { forgetOfflineStart, keepOfflineStart, offlineStart } from './auth/offline-start.ts';
import { currentLocale, setLocale } from './i18n/index.ts';
import { setMapTiles } from './maps/tiles.ts';
import { useDepotStore } from './features/depots/depots-store.ts';
import { useInboxStore } from './features/inbox/inbox-store.ts';
import { useSessionStore } from './stores/session.ts';

/**
 * Start-up, in one place and in this order (each step needs the one before):
 * 1. language: the stored choice, French by default, also on <html lang>;
 * 2. runtime configuration: GET /api/config says where to sign in, and where maps get their tiles;
 * 3. Keycloak: check-sso, which finds an existing session without forcing a sign-in;
 * 4. identity: GET /api/me (roles, garden, member record), which decides the person's area;
 * 5. for staff, the garden's shared data: depots, and how many things wait in the inbox (the
 *    nav badge), not awaited, so the first page shows meanwhile.
 * Members and drivers read their own data from their pages.
 * A failure at 2–4 leaves the session store saying which step failed; it never throws.
 * With no network at 2–4, a driver's phone starts from what it kept at its last start
 * (auth/offline-start.ts: the configuration and who was signed in, no token): the driver's
 * pages then show the day's route as kept, and the session comes back from Keycloak with the
 * network (see features/driver/README.md).
 */
export async function hydrate(): Promise<void> {
  setLocale(currentLocale());
  const session = useSessionStore();
  // The router, created after hydration, adds its own listener: back to the welcome page.
  onSessionLost(() => session.signedOut());

  let config;
  try {
    config = await fetchConfig();
  } catch (error) {
    if (!(isApiError(error) && error.status === 0 && startedFromPhone())) session.failed('config');
    return;
  }
  setMapTiles(config.map);

  let signedIn: boolean;
  try {
    signedIn = await startKeycloak(config.oidc);
  } catch (error) {
    if (!(error instanceof IdentityUnreachableError && startedFromPhone())) session.failed('signIn');
    return;
  }
  if (!signedIn) {
    session.signedOut();
    return;
  }

  try {
    session.signedIn(await fetchMe());
  } catch (error) {
    // 401: the token was refused and the session already ended (back to the welcome page).
    if (isApiError(error) && error.status === 401) session.signedOut();
    else if (!(isApiError(error) && error.status === 0 && startedFromPhone('signed-in')))
      session.failed('identity');
    return;
  }
  // A driver's phone keeps what it needs to open with no network next time; nobody else's does.
  if (session.isDriver && session.identity)
    keepOfflineStart({
      oidc: config.oidc,
      ...(config.map ? { map: config.map } : {}),
      identity: session.identity,
    });
  else forgetOfflineStart();

  hydrateGarden();
}

/**
 * No network: starts from what this phone kept, when it kept something (a driver's); whether it
 * did. `signed-in`: Keycloak was reached and the session is there, only the API is not.
 */
function startedFromPhone(keycloakSession?: 'signed-in'): boolean {
  const kept = offlineStart();
  if (!kept) return false;
  setMapTiles(kept.map);
  if (!keycloakSession) startOffline(kept.oidc);
  useSessionStore().signedIn(kept.identity);
  return true;
}

/** Step 5, also run when a network admin opens a garden. */
export function hydrateGarden(): void {
  const session = useSessionStore();
  if (!session.isStaff || !session.gardenId) return;
  void useDepotStore().load();
  void useInboxStore().loadCount();
}
