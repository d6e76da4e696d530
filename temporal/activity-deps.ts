import Type from 'typebox';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ActivityDeps } from '../activities/index.ts';
import { createStore } from '../activities/store/index.ts';
import { StripeSettings, stripeConfigFrom } from './payment-gateway.ts';

/** What activities need from the environment: the store, email and SMS, the identity provider. */
export const ActivitySettings = Type.Object({
  AWS_REGION: Type.String({ minLength: 1 }),
  DYNAMODB_ENDPOINT: Type.Optional(Type.String()),
  DYNAMODB_TABLE_PREFIX: Type.String({ minLength: 1 }),
  S3_ENDPOINT: Type.Optional(Type.String()),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
  S3_BUCKET: Type.String({ minLength: 3 }),
  SES_ENDPOINT: Type.Optional(Type.String()),
  SNS_ENDPOINT: Type.Optional(Type.String()),
  MAIL_FROM: Type.String({ minLength: 3 }),
  PUBLIC_URL: Type.String({ pattern: '^https?://' }),
  /** Keycloak's base URL (not the realm's). */
  KEYCLOAK_ADMIN_URL: Type.String({ pattern: '^https?://' }),
  KEYCLOAK_REALM: Type.String({ default: 'cocagne' }),
  /** A service account allowed to manage the realm's users (production)… */
  KEYCLOAK_ADMIN_CLIENT_ID: Type.Optional(Type.String()),
  KEYCLOAK_ADMIN_CLIENT_SECRET: Type.Optional(Type.String()),
  /** …or an administrator's login (local development). */
  KEYCLOAK_ADMIN_USERNAME: Type.Optional(Type.String()),
  KEYCLOAK_ADMIN_PASSWORD: Type.Optional(Type.String()),
  /** Stripe (online payment); off without a secret key. */
  ...StripeSettings.properties,
});
export type ActivitySettings = Type.Static<typeof ActivitySettings>;

/** The clients activities run with, built once per process. */
export function activityDepsFrom(settings: ActivitySettings): ActivityDeps {
  const endpoint = (value: string | undefined) => (value ? { endpoint: value } : {});
  return {
    store: createStore({
      region: settings.AWS_REGION,
      endpoint: settings.DYNAMODB_ENDPOINT,
      tablePrefix: settings.DYNAMODB_TABLE_PREFIX,
    }),
    ses: new SESv2Client({ region: settings.AWS_REGION, ...endpoint(settings.SES_ENDPOINT) }),
    s3: new S3Client({
      region: settings.AWS_REGION,
      ...endpoint(settings.S3_ENDPOINT),
      forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    }),
    documentsBucket: settings.S3_BUCKET,
    sns: new SNSClient({ region: settings.AWS_REGION, ...endpoint(settings.SNS_ENDPOINT) }),
    mailFrom: settings.MAIL_FROM,
    publicUrl: settings.PUBLIC_URL,
    keycloak: {
      baseUrl: settings.KEYCLOAK_ADMIN_URL,
      realm: settings.KEYCLOAK_REALM,
      clientId: settings.KEYCLOAK_ADMIN_CLIENT_ID,
      clientSecret: settings.KEYCLOAK_ADMIN_CLIENT_SECRET,
      username: settings.KEYCLOAK_ADMIN_USERNAME,
      password: settings.KEYCLOAK_ADMIN_PASSWORD,
    },
    stripe: stripeConfigFrom(settings),
  };
}

export function closeActivityDeps(deps: ActivityDeps): void {
  deps.store.close();
  deps.ses.destroy();
  deps.s3.destroy();
  deps.sns.destroy();
}
