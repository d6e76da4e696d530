import Type from 'typebox';
import type { KeycloakAdminSettings } from './keycloak-accounts.ts';

/** Keycloak's admin API from the environment (the worker links new accounts to their garden). */
export const KeycloakAdminEnvironment = Type.Object({
  /** Keycloak's base URL (not the realm's). */
  KEYCLOAK_ADMIN_URL: Type.String({ pattern: '^https?://' }),
  KEYCLOAK_REALM: Type.String({ default: 'cocagne' }),
  /** A service account allowed to manage the realm's users (production)… */
  KEYCLOAK_ADMIN_CLIENT_ID: Type.Optional(Type.String()),
  KEYCLOAK_ADMIN_CLIENT_SECRET: Type.Optional(Type.String()),
  /** …or an administrator's login (local development). */
  KEYCLOAK_ADMIN_USERNAME: Type.Optional(Type.String()),
  KEYCLOAK_ADMIN_PASSWORD: Type.Optional(Type.String()),
});
export type KeycloakAdminEnvironment = Type.Static<typeof KeycloakAdminEnvironment>;

export function keycloakAdminFrom(settings: KeycloakAdminEnvironment): KeycloakAdminSettings {
  return {
    baseUrl: settings.KEYCLOAK_ADMIN_URL,
    realm: settings.KEYCLOAK_REALM,
    clientId: settings.KEYCLOAK_ADMIN_CLIENT_ID,
    clientSecret: settings.KEYCLOAK_ADMIN_CLIENT_SECRET,
    username: settings.KEYCLOAK_ADMIN_USERNAME,
    password: settings.KEYCLOAK_ADMIN_PASSWORD,
  };
}
