// The API process.
import { Client, Connection } from '@temporalio/client';
import { documentStoreFrom, s3ClientFrom, storeFrom } from '../adapters/aws.ts';
import { createHistoryArchive } from '../adapters/store/history-archive.ts';
import { metricsPublisherFrom } from '../adapters/metrics/cloudwatch-metrics.ts';
import { extensionServicesFrom } from '../temporal/extension-services.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { connectionOptions, dataConverterFrom } from '../temporal/settings.ts';
import { stripeConfigFrom } from '../adapters/stripe/stripe-settings.ts';
import { keycloakAdminFrom } from '../adapters/keycloak/keycloak-settings.ts';
import { createKeycloakTeam } from '../adapters/keycloak/keycloak-team.ts';
import { createProvisioningCommands } from '../temporal/provisioning-client.ts';
import { buildApp } from './app.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { createApiServices } from './plugins/services.ts';
import { ApiSettings, rateLimitsOf } from './settings.ts';

const settings = readConfiguration(ApiSettings, process.env);

const store = storeFrom(settings);
const metrics = metricsPublisherFrom(settings);
const connection = await Connection.connect(connectionOptions(settings));
const client = new Client({
  connection,
  namespace: settings.TEMPORAL_NAMESPACE,
  dataConverter: dataConverterFrom(settings),
});

const adminUrl = settings.KEYCLOAK_ADMIN_URL;
const app = await buildApp({
  services: {
    ...createApiServices(
      store,
      client,
      documentStoreFrom(settings),
      stripeConfigFrom(settings),
      extensionServicesFrom(settings, store, metrics),
    ),
    team: adminUrl
      ? createKeycloakTeam(
          keycloakAdminFrom({
            ...settings,
            KEYCLOAK_ADMIN_URL: adminUrl,
            KEYCLOAK_REALM: settings.KEYCLOAK_REALM ?? 'cocagne',
          }),
        )
      : undefined,
    // Creating and retiring gardens: workflows on the network's task queue, which the worker
    // process serves (temporal/worker-main.ts).
    provisioning: createProvisioningCommands(client, store.gardens),
    // The closed histories the network worker archived: the journals read them once Temporal's
    // retention deleted them.
    historyArchive: createHistoryArchive(s3ClientFrom(settings), settings.S3_BUCKET),
  },
  verifyToken: createTokenVerifier({ issuer: settings.OIDC_ISSUER, audience: settings.OIDC_AUDIENCE }),
  oidcIssuer: settings.OIDC_ISSUER,
  webClientId: settings.OIDC_WEB_CLIENT_ID,
  webDist: settings.WEB_DIST,
  publicUrl: settings.PUBLIC_URL,
  map: { tileUrl: settings.MAP_TILE_URL, attribution: settings.MAP_ATTRIBUTION },
  logLevel: settings.LOG_LEVEL,
  rateLimits: rateLimitsOf(settings),
  trustProxyHops: settings.TRUST_PROXY_HOPS,
  temporalUiUrl: settings.TEMPORAL_UI_URL,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(async () => {
      await connection.close();
      await metrics.close();
      store.close();
    });
  });
}

await app.listen({ host: settings.HTTP_HOST, port: settings.HTTP_PORT });
