import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sendWebAppPage, serveWebApp } from './plugins/web-app.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TokenVerifier } from './auth/token-verifier.ts';
import { accessPlugin } from './plugins/access.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { gardenPrefix, gardenScope, gardenScopeCheck } from './plugins/garden-scope.ts';
import { localePlugin } from './plugins/locale.ts';
import { defaultRateLimits, rateLimitsPlugin, type RateLimits } from './plugins/rate-limits.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { servicesPlugin, type ApiServices } from './plugins/services.ts';
import { calendarFeedRoutes, calendarLinkRoutes } from './routes/calendar-feed.ts';
import { accountRoutes, gardenRoutes } from './routes/gardens.ts';
import { healthRoutes } from './routes/health.ts';
import { memberContactRoutes, memberRoutes } from './routes/members.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { subscriptionActionRoutes } from './routes/subscription-actions.ts';
import { gardenSettingsRoutes } from './routes/garden-settings.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { billingRunRoutes } from './routes/billing-runs.ts';
import { applicationRoutes, gardenDirectoryRoutes } from './routes/applications.ts';
import { productRoutes } from './routes/products.ts';
import { weekRoutes } from './routes/weeks.ts';
import { depotRoutes } from './routes/depots.ts';
import { pricingRoutes } from './routes/pricing.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { billingReportRoutes } from './routes/billing-reports.ts';
import { paymentMethodRoutes } from './routes/payment-methods.ts';
import { stripeWebhookRoutes } from './routes/stripe-webhooks.ts';
import { roundRoutes } from './routes/rounds.ts';
import { circuitWebhookRoutes } from './routes/circuit-webhooks.ts';
import { driverRoundRoutes } from './routes/driver-rounds.ts';
import { fleetRoutes } from './routes/fleet.ts';
import { gardenTeamRoutes } from './routes/garden-team.ts';
import { extensionRoutes, networkExtensionRoutes } from './routes/extensions.ts';
import { extensionModuleRoutes } from './routes/extension-modules.ts';
import { gardenOpeningsFrom } from './routes/garden-openings.ts';
import { journalRoutes } from './routes/journal.ts';
import { networkOverviewRoutes } from './routes/network-overview.ts';
import { networkStaffActionRoutes, staffActionRoutes } from './routes/staff-actions.ts';
import { temporalCodecRoutes } from './routes/temporal-codec.ts';
import { networkGardenRoutes } from './routes/network-gardens.ts';
import { gardenPagesRoutes } from './routes/garden-pages.ts';
import { networkPagesRoutes } from './routes/network-pages.ts';
import { processingRegisterRoutes } from './routes/processing-register.ts';
import { consentRoutes } from './routes/consents.ts';
import { memberDataExportRoutes } from './routes/member-data-exports.ts';
import { memberErasureRoutes } from './routes/member-erasures.ts';
import { retentionReportRoutes } from './routes/retention-reports.ts';
import { createMemberDataExportCommands } from '../temporal/member-data-export-client.ts';
import { validatorCompiler } from './validation.ts';

export interface AppOptions {
  services: ApiServices;
  verifyToken: TokenVerifier;
  oidcIssuer: string;
  webClientId: string;
  /** The built web app (web/dist), served at / when given. */
  webDist?: string | undefined;
  /** The address members reach the app at, for links they keep (calendar feeds). */
  publicUrl?: string;
  /** Where the web app's maps get their tiles. */
  map?: { tileUrl: string; attribution: string } | undefined;
  /** Log level; no logging when absent (tests). */
  logLevel?: string | undefined;
  /** Limits per address and per account; generous defaults when absent. */
  rateLimits?: Partial<RateLimits> | undefined;
  /** Proxies in front whose X-Forwarded-For gives the client's address (0: none). */
  trustProxyHops?: number | undefined;
  /** The Temporal UI's address: its pages may call the codec server from the browser. */
  temporalUiUrl?: string | undefined;
}

/** The whole HTTP application, built from its dependencies (tests build it the same way). */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logLevel
      ? {
          level: options.logLevel,
          serializers: {
            // Calendar feed addresses carry a secret token: logs show the address without it.
            req: (request: { method: string; url: string; id: string }) => ({
              method: request.method,
              url: request.url.replace(/\/api\/calendar\/[^/?]+/, '/api/calendar/<secret>.ics'),
              id: request.id,
            }),
          },
        }
      : false,
    genReqId: () => randomUUID(),
    // The nearest `trustProxyHops` proxies are believed on X-Forwarded-For (as `trustProxy: n`).
    trustProxy: (_address: string, hop: number) => hop < (options.trustProxyHops ?? 0),
    // Path parameters are checked by their schemas (at most 91 characters), which answer a
    // clear 400; the router's own limit (100 by default, counted on the encoded URL) answered
    // an undocumented 414 first.
    routerOptions: { maxParamLength: 2000 },
  })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(validatorCompiler);

  const publicUrl = options.publicUrl ?? 'http://localhost:8080';
  await app.register(securityHeadersPlugin, {
    oidcIssuer: options.oidcIssuer,
    publicUrl,
    tileUrl: options.map?.tileUrl,
  });
  await app.register(localePlugin);
  await app.register(errorsPlugin);
  await app.register(servicesPlugin, { services: options.services });
  await app.register(authPlugin, { verifyToken: options.verifyToken });
  await app.register(accessPlugin);
  await app.register(gardenScopeCheck);
  await app.register(rateLimitsPlugin, { limits: { ...defaultRateLimits, ...options.rateLimits } });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Cocagne API',
        description: 'Back office of the Jardins de Cocagne: members, subscriptions, baskets, deliveries.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(
    async (api) => {
      await api.register(healthRoutes, {
        oidcIssuer: options.oidcIssuer,
        webClientId: options.webClientId,
        map: options.map,
      });
      await api.register(accountRoutes);
      await api.register(gardenDirectoryRoutes);
      await api.register(calendarFeedRoutes, { publicUrl });
      await api.register(stripeWebhookRoutes);
      await api.register(circuitWebhookRoutes);
      await api.register(networkExtensionRoutes);
      await api.register(networkPagesRoutes);
      await api.register(networkStaffActionRoutes);
      await api.register(processingRegisterRoutes);
      await api.register(temporalCodecRoutes, {
        codec: options.services.payloadCodec,
        temporalUiOrigin: options.temporalUiUrl ? new URL(options.temporalUiUrl).origin : undefined,
        gardenOpenings: gardenOpeningsFrom(options.services.store),
      });
      await api.register(networkOverviewRoutes, { client: options.services.temporal });
      await api.register(networkGardenRoutes, {
        provisioning: options.services.provisioning,
        health: options.services.gardenHealth,
        publicUrl,
      });
      // Every route about one garden, behind the garden guard (plugins/garden-scope.ts).
      await api.register(gardenScope, {
        prefix: gardenPrefix,
        routes: async (garden) => {
          await garden.register(gardenRoutes);
          await garden.register(memberRoutes);
          await garden.register(memberContactRoutes);
          await garden.register(subscriptionRoutes);
          await garden.register(calendarLinkRoutes, { publicUrl });
          await garden.register(subscriptionActionRoutes);
          await garden.register(gardenSettingsRoutes);
          await garden.register(inboxRoutes);
          await garden.register(applicationRoutes);
          await garden.register(productRoutes);
          await garden.register(weekRoutes);
          await garden.register(roundRoutes);
          await garden.register(driverRoundRoutes);
          await garden.register(depotRoutes);
          await garden.register(billingRunRoutes);
          await garden.register(paymentMethodRoutes);
          await garden.register(pricingRoutes);
          await garden.register(invoiceRoutes);
          await garden.register(billingReportRoutes);
          await garden.register(fleetRoutes);
          await garden.register(gardenTeamRoutes, {
            team: options.services.team,
            publicUrl,
            webClientId: options.webClientId,
          });
          await garden.register(extensionRoutes);
          await garden.register(extensionModuleRoutes);
          await garden.register(journalRoutes, {
            client: options.services.temporal,
            temporalUiUrl: options.temporalUiUrl,
            archive: options.services.historyArchive,
            team: options.services.team,
          });
          await garden.register(staffActionRoutes);
          await garden.register(gardenPagesRoutes);
          await garden.register(consentRoutes);
          await garden.register(memberDataExportRoutes, {
            commands: options.services.temporal
              ? createMemberDataExportCommands(options.services.temporal)
              : undefined,
          });
          await garden.register(memberErasureRoutes);
          await garden.register(retentionReportRoutes);
        },
      });
    },
    { prefix: '/api' },
  );

  const webDist = options.webDist;
  const serveWeb = webDist !== undefined && existsSync(`${webDist}/index.html`);
  if (serveWeb) {
    await serveWebApp(app, webDist);
  }

  app.setNotFoundHandler((request, reply) => {
    // The web app routes in the browser: any other page gets index.html. A missing file
    // (a name with an extension) stays a 404, so a browser never runs HTML as a script.
    const path = request.url.split('?')[0] ?? '';
    const isPage = !/\.[a-z0-9]+$/i.test(path);
    if (serveWeb && request.method === 'GET' && isPage && !path.startsWith('/api/')) {
      return sendWebAppPage(reply);
    }
    return reply.status(404).send({
      error: 'not_found',
      message: request.locale === 'fr' ? "Cette adresse n'existe pas." : 'This address does not exist.',
      requestId: request.id,
    });
  });

  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;
