import Type from 'typebox';
import { MetricsSettings } from '../adapters/metrics/cloudwatch-metrics.ts';
import { TemporalSettings } from '../temporal/settings.ts';
import { DocumentSettings, StoreSettings } from '../adapters/aws.ts';
import { StripeSettings } from '../adapters/stripe/stripe-settings.ts';
import { KeycloakAdminEnvironment } from '../adapters/keycloak/keycloak-settings.ts';
import { defaultRateLimits, type RateLimits } from './plugins/rate-limits.ts';

/** Everything the API process needs, from its environment, checked at boot. */
export const ApiSettings = Type.Object({
  ...TemporalSettings.properties,
  HTTP_HOST: Type.String({ default: '0.0.0.0' }),
  HTTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  /** The address people use to reach the app (links in emails, OIDC redirects). */
  PUBLIC_URL: Type.String({ pattern: '^https?://' }),
  /** DynamoDB (the records) and S3 (documents), as the worker reads them. */
  ...StoreSettings.properties,
  ...DocumentSettings.properties,
  /** The extensions' calls and fallbacks for CloudWatch (off unless METRICS_CLOUDWATCH is true). */
  ...MetricsSettings.properties,
  /** Keycloak realm URL, e.g. https://id.example.org/realms/cocagne. */
  OIDC_ISSUER: Type.String({ pattern: '^https?://' }),
  OIDC_AUDIENCE: Type.String({ minLength: 1 }),
  OIDC_WEB_CLIENT_ID: Type.String({ minLength: 1 }),
  /** Map tiles for the web app's maps (Leaflet URL template) and their credit line. */
  MAP_TILE_URL: Type.String({ default: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' }),
  MAP_ATTRIBUTION: Type.String({ default: '© contributeurs OpenStreetMap' }),
  /**
   * The Temporal UI's address: the journals link each process to it, and its pages may call the
   * codec server (api/routes/temporal-codec.ts) from the browser.
   */
  TEMPORAL_UI_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** The built web app to serve, if any. */
  WEB_DIST: Type.Optional(Type.String()),
  /**
   * Rate limits (see api/plugins/rate-limits.ts): online applications, calendar feed reads and
   * other public reads (gardens, offers) per client address, writes per account, each at most so many in so many seconds.
   */
  RATE_LIMIT_SIGN_UPS: Type.Integer({ minimum: 1, default: defaultRateLimits.signUps.max }),
  RATE_LIMIT_SIGN_UPS_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: defaultRateLimits.signUps.windowSeconds,
  }),
  RATE_LIMIT_CALENDAR_FEEDS: Type.Integer({ minimum: 1, default: defaultRateLimits.calendarFeeds.max }),
  RATE_LIMIT_CALENDAR_FEEDS_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: defaultRateLimits.calendarFeeds.windowSeconds,
  }),
  RATE_LIMIT_PUBLIC_READS: Type.Integer({ minimum: 1, default: defaultRateLimits.publicReads.max }),
  RATE_LIMIT_PUBLIC_READS_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: defaultRateLimits.publicReads.windowSeconds,
  }),
  RATE_LIMIT_WRITES: Type.Integer({ minimum: 1, default: defaultRateLimits.writes.max }),
  RATE_LIMIT_WRITES_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: defaultRateLimits.writes.windowSeconds,
  }),
  /**
   * How many proxies in front (load balancer, CDN) add to X-Forwarded-For: the client address
   * that per-address limits count is the one they report. 0: no proxy, the connection's address.
   */
  TRUST_PROXY_HOPS: Type.Integer({ minimum: 0, maximum: 10, default: 0 }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Stripe (cards, SEPA mandates, webhooks); online payment is off without a secret key. */
  ...StripeSettings.properties,
  /**
   * Keycloak's admin API, for garden admins managing their team (api/routes/garden-team.ts):
   * without KEYCLOAK_ADMIN_URL the app has no team routes.
   */
  ...Type.Partial(KeycloakAdminEnvironment).properties,
});
export type ApiSettings = Type.Static<typeof ApiSettings>;

/** The rate limits the settings give. */
export function rateLimitsOf(settings: ApiSettings): RateLimits {
  return {
    signUps: { max: settings.RATE_LIMIT_SIGN_UPS, windowSeconds: settings.RATE_LIMIT_SIGN_UPS_SECONDS },
    calendarFeeds: {
      max: settings.RATE_LIMIT_CALENDAR_FEEDS,
      windowSeconds: settings.RATE_LIMIT_CALENDAR_FEEDS_SECONDS,
    },
    writes: { max: settings.RATE_LIMIT_WRITES, windowSeconds: settings.RATE_LIMIT_WRITES_SECONDS },
    publicReads: {
      max: settings.RATE_LIMIT_PUBLIC_READS,
      windowSeconds: settings.RATE_LIMIT_PUBLIC_READS_SECONDS,
    },
  };
}
