import Type from 'typebox';
import { TemporalSettings } from '../temporal/settings.ts';
import { StripeSettings } from '../temporal/payment-gateway.ts';

/** Everything the API process needs, from its environment, checked at boot. */
export const ApiSettings = Type.Object({
  ...TemporalSettings.properties,
  HTTP_HOST: Type.String({ default: '0.0.0.0' }),
  HTTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  /** The address people use to reach the app (links in emails, OIDC redirects). */
  PUBLIC_URL: Type.String({ pattern: '^https?://' }),
  AWS_REGION: Type.String({ minLength: 1 }),
  DYNAMODB_ENDPOINT: Type.Optional(Type.String()),
  DYNAMODB_TABLE_PREFIX: Type.String({ minLength: 1 }),
  S3_ENDPOINT: Type.Optional(Type.String()),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
  S3_BUCKET: Type.String({ minLength: 3 }),
  /** Keycloak realm URL, e.g. https://id.example.org/realms/cocagne. */
  OIDC_ISSUER: Type.String({ pattern: '^https?://' }),
  OIDC_AUDIENCE: Type.String({ minLength: 1 }),
  OIDC_WEB_CLIENT_ID: Type.String({ minLength: 1 }),
  /** Map tiles for the web app's maps (Leaflet URL template) and their credit line. */
  MAP_TILE_URL: Type.String({ default: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' }),
  MAP_ATTRIBUTION: Type.String({ default: '© contributeurs OpenStreetMap' }),
  /** The built web app to serve, if any. */
  WEB_DIST: Type.Optional(Type.String()),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Stripe (cards, SEPA mandates, webhooks); online payment is off without a secret key. */
  ...StripeSettings.properties,
});
export type ApiSettings = Type.Static<typeof ApiSettings>;
