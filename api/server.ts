// The API process.
import { Client, Connection } from '@temporalio/client';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentStore } from '../activities/store/documents.ts';
import { createStore } from '../activities/store/index.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { connectionOptions } from '../temporal/settings.ts';
import { stripeConfigFrom } from '../temporal/payment-gateway.ts';
import { buildApp } from './app.ts';
import { createTokenVerifier } from './auth/token-verifier.ts';
import { createApiServices } from './plugins/services.ts';
import { ApiSettings, rateLimitsOf } from './settings.ts';

const settings = readConfiguration(ApiSettings, process.env);

const store = createStore({
  region: settings.AWS_REGION,
  endpoint: settings.DYNAMODB_ENDPOINT,
  tablePrefix: settings.DYNAMODB_TABLE_PREFIX,
});
const connection = await Connection.connect(connectionOptions(settings));
const client = new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE });

const app = await buildApp({
  services: createApiServices(
    store,
    client,
    createDocumentStore(
      new S3Client({
        region: settings.AWS_REGION,
        ...(settings.S3_ENDPOINT ? { endpoint: settings.S3_ENDPOINT } : {}),
        forcePathStyle: settings.S3_FORCE_PATH_STYLE,
      }),
      settings.S3_BUCKET,
    ),
    stripeConfigFrom(settings),
  ),
  verifyToken: createTokenVerifier({ issuer: settings.OIDC_ISSUER, audience: settings.OIDC_AUDIENCE }),
  oidcIssuer: settings.OIDC_ISSUER,
  webClientId: settings.OIDC_WEB_CLIENT_ID,
  webDist: settings.WEB_DIST,
  publicUrl: settings.PUBLIC_URL,
  map: { tileUrl: settings.MAP_TILE_URL, attribution: settings.MAP_ATTRIBUTION },
  logLevel: settings.LOG_LEVEL,
  rateLimits: rateLimitsOf(settings),
  trustProxyHops: settings.TRUST_PROXY_HOPS,
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(async () => {
      await connection.close();
      store.close();
    });
  });
}

await app.listen({ host: settings.HTTP_HOST, port: settings.HTTP_PORT });
