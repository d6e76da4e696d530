import {
  createKeycloakAccounts,
  type KeycloakAdminSettings,
} from '../adapters/keycloak/keycloak-accounts.ts';

/**
 * The people's accounts as the subscription process sees them: linking a newly registered
 * account to its garden and member record, through the identity provider's admin API.
 */
export function createAccountActivities(settings: KeycloakAdminSettings) {
  return createKeycloakAccounts(settings);
}
export type AccountActivities = ReturnType<typeof createAccountActivities>;
