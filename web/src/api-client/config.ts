import type { OidcSettings } from '../auth/keycloak.ts';
import { request } from './request.ts';

export interface RuntimeConfig {
  oidc: OidcSettings;
}

/** Where to sign in: read at start, before anyone is signed in, so one build fits every environment. */
export const fetchConfig = () => request<RuntimeConfig>('GET', '/config', { signedIn: false, toast: false });
