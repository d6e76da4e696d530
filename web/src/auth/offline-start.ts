import type { MapTiles } from '../api-client/config.ts';
import type { Identity } from '../api-client/me.ts';
import type { OidcSettings } from './keycloak.ts';

/**
 * What a driver's phone keeps to open the app with no network (a lane in the woods, a page
 * reloaded or a tab the phone killed): where to sign in, the map's tiles and who was signed in,
 * as the last start with the network read them. No token: the session itself comes back from
 * Keycloak once the network does (keycloak.ts, `startOffline`). Kept for drivers only; signing
 * out, or a session Keycloak no longer knows, forgets it.
 */
export interface OfflineStart {
  oidc: OidcSettings;
  map?: MapTiles;
  identity: Identity;
  savedAt: string;
}

const storageKey = 'cocagne.offline-start';

export function keepOfflineStart(start: Omit<OfflineStart, 'savedAt'>): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify({ ...start, savedAt: new Date().toISOString() }));
  } catch {
    // storage refused (private mode): the app then needs the network to open
  }
}

export function forgetOfflineStart(): void {
  try {
    localStorage.removeItem(storageKey);
  } catch {
    // nothing was kept
  }
}

function isOfflineStart(value: unknown): value is OfflineStart {
  if (typeof value !== 'object' || value === null) return false;
  const start = value as Partial<OfflineStart>;
  return (
    typeof start.oidc?.url === 'string' &&
    typeof start.oidc.realm === 'string' &&
    typeof start.oidc.clientId === 'string' &&
    typeof start.identity?.userId === 'string' &&
    Array.isArray(start.identity.roles)
  );
}

/** What was kept, if anything readable was. */
export function offlineStart(): OfflineStart | undefined {
  try {
    const kept: unknown = JSON.parse(localStorage.getItem(storageKey) ?? 'null');
    return isOfflineStart(kept) ? kept : undefined;
  } catch {
    return undefined;
  }
}
