import Type from 'typebox';
import type { ActivityDeps } from '../activities/index.ts';
import {
  DocumentSettings,
  MessagingSettings,
  s3ClientFrom,
  sesClientFrom,
  snsClientFrom,
  StoreSettings,
  storeFrom,
} from '../adapters/aws.ts';
import { KeycloakAdminEnvironment, keycloakAdminFrom } from '../adapters/keycloak/keycloak-settings.ts';
import { StripeSettings, stripeConfigFrom } from '../adapters/stripe/stripe-settings.ts';

/** What activities need from the environment: the store, email and SMS, the identity provider. */
export const ActivitySettings = Type.Object({
  ...StoreSettings.properties,
  ...DocumentSettings.properties,
  ...MessagingSettings.properties,
  PUBLIC_URL: Type.String({ pattern: '^https?://' }),
  ...KeycloakAdminEnvironment.properties,
  /** Stripe (online payment); off without a secret key. */
  ...StripeSettings.properties,
});
export type ActivitySettings = Type.Static<typeof ActivitySettings>;

/** The clients activities run with, built once per process. */
export function activityDepsFrom(settings: ActivitySettings): ActivityDeps {
  return {
    store: storeFrom(settings),
    ses: sesClientFrom(settings),
    s3: s3ClientFrom(settings),
    documentsBucket: settings.S3_BUCKET,
    sns: snsClientFrom(settings),
    mailFrom: settings.MAIL_FROM,
    publicUrl: settings.PUBLIC_URL,
    keycloak: keycloakAdminFrom(settings),
    stripe: stripeConfigFrom(settings),
  };
}

export function closeActivityDeps(deps: ActivityDeps): void {
  deps.store.close();
  deps.ses.destroy();
  deps.s3.destroy();
  deps.sns.destroy();
}
