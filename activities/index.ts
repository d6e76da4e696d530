import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import { createKeycloakAccounts, type KeycloakAdminSettings } from './identity/keycloak-accounts.ts';
import { createNotificationActivities } from './notifications.ts';
import type { Store } from './store/index.ts';
import { createSubscriptionActivities } from './subscription-activities.ts';

export interface ActivityDeps {
  store: Store;
  ses: SESv2Client;
  sns: SNSClient;
  /** The sender of emails: a verified SES identity. */
  mailFrom: string;
  /** The app's public address, for links in messages. */
  publicUrl: string;
  keycloak: KeycloakAdminSettings;
}

/** All activities of the worker, built once from their clients. */
export function createActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    ...createSubscriptionActivities({
      subscriptions: store.subscriptions,
      settings: store.settings,
      depots: store.depots,
      gardens: store.gardens,
    }),
    ...createNotificationActivities({
      members: store.members,
      gardens: store.gardens,
      log: store.notifications,
      ses: deps.ses,
      sns: deps.sns,
      mailFrom: deps.mailFrom,
      publicUrl: deps.publicUrl,
    }),
    ...createKeycloakAccounts(deps.keycloak),
  };
}
export type Activities = ReturnType<typeof createActivities>;
