import type { OidcSettings } from '../auth/keycloak.ts';
import { request } from './request.ts';

/** Where the maps' background tiles come from (a Leaflet URL template) and their credit line. */
export interface MapTiles {
  tileUrl: string;
  attribution: string;
}

export interface RuntimeConfig {
  oidc: OidcSettings;
  /** Left out by an API that does not say (the maps then use OpenStreetMap's tiles). */
  map?: MapTiles;
}

/** Where to sign in: read at start, before anyone is signed in, so one build fits every environment. */
export const fetchConfig = () => request<RuntimeConfig>('GET', '/config', { signedIn: false, toast: false });
