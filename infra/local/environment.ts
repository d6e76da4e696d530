import { join } from 'node:path';
import { chromiumPath } from './chromium.ts';
import { dataDir, fluxCrdsDir, goBin, infraVenvBin, rootDir, venvBin } from './paths.ts';
import { localPorts, type LocalPorts } from './ports.ts';

/**
 * Credentials of the local stack: versitygw's root user; moto accepts any; DynamoDB Local
 * accepts any made of letters and digits only (it rejects "-" or "_").
 */
export const localCredentials = {
  accessKeyId: 'cocagnelocal',
  secretAccessKey: 'cocagnelocalsecret',
} as const;

export const localRegion = 'eu-west-3';
export const localNamespace = 'cocagne';
export const keycloakRealm = 'cocagne';
export const keycloakAdmin = { username: 'admin', password: 'admin' } as const;
/** Keycloak's sender (realm smtpServer.from): the application's, a verified identity in SES. */
export const keycloakMailFrom = 'ne-pas-repondre@cocagne.local';
/**
 * Bearer tokens of the local Kubernetes API server (its static token file): the admin's
 * (group system:masters) applies the provisioner's role; the application acts as the
 * provisioner, with only that role (infra/k8s/provisioner-rbac).
 */
export const kubernetesTokens = {
  admin: { token: 'cocagne-local-admin', user: 'cocagne-local-admin', groups: ['system:masters'] },
  provisioner: { token: 'cocagne-local-provisioner', user: 'cocagne-provisioner', groups: [] },
} as const;
/** Where the local API server keeps its token file, keys and self-signed certificate. */
export const kubernetesDir = join(dataDir, 'kubernetes');
export const kubernetesCertificate = join(kubernetesDir, 'certs', 'apiserver.crt');
/** stripe-mock accepts any key that looks like a test key. */
const stripeMockKey = 'sk_test_123';
/** With stripe-mock: the browser's key, and the secret webhooks are signed with (by tests). */
const stripeMockPublishableKey = 'pk_test_cocagne_local';
const localWebhookSecret = 'whsec_cocagne_local';

/**
 * The environment variables the application processes (API, worker, tests) need to talk to
 * the local stack. Merge it over process.env when starting them.
 */
export function localEnvironment(
  ports: LocalPorts = localPorts(),
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const ownStripeKey = env.STRIPE_SECRET_KEY?.trim();
  return {
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    TEMPORAL_NAMESPACE: localNamespace,
    // The local stack's own payload key (temporal/payload-codec.ts): workflow payloads are sealed
    // here as in production, so nothing works locally that would not there. Known to anyone who
    // reads this file: it protects nothing but the habit; production's come from Secrets Manager.
    TEMPORAL_PAYLOAD_KEYS: 'local-1:U0+fMl28NEhabH2+w9J3TVexAUZY9kPQUy0l8xe0X0g=',
    TEMPORAL_PAYLOAD_KEY_ID: 'local-1',
    TEMPORAL_PAYLOAD_KEYS_REQUIRED: 'true',
    TEMPORAL_UI_URL: `http://127.0.0.1:${ports.temporalUi}`,
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
    DYNAMODB_TABLE_PREFIX: 'cocagne',
    S3_ENDPOINT: `http://127.0.0.1:${ports.s3}`,
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: 'cocagne-documents',
    SES_ENDPOINT: `http://127.0.0.1:${ports.moto}`,
    SNS_ENDPOINT: `http://127.0.0.1:${ports.moto}`,
    // Custom metrics go to moto's CloudWatch only when METRICS_CLOUDWATCH=true (tests that check them).
    CLOUDWATCH_ENDPOINT: `http://127.0.0.1:${ports.moto}`,
    MAIL_FROM: 'Jardin de Cocagne <ne-pas-repondre@cocagne.local>',
    STRIPE_API_BASE: ownStripeKey ? '' : `http://127.0.0.1:${ports.stripe}`,
    STRIPE_SECRET_KEY: ownStripeKey || stripeMockKey,
    STRIPE_PUBLISHABLE_KEY:
      env.STRIPE_PUBLISHABLE_KEY?.trim() || (ownStripeKey ? '' : stripeMockPublishableKey),
    // With a real test key, `stripe listen` prints the secret to set here.
    STRIPE_WEBHOOK_SECRET: env.STRIPE_WEBHOOK_SECRET?.trim() || localWebhookSecret,
    OIDC_ISSUER: `http://localhost:${ports.keycloak}/realms/${keycloakRealm}`,
    OIDC_AUDIENCE: 'cocagne-api',
    OIDC_WEB_CLIENT_ID: 'cocagne-web',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(ports.app),
    PUBLIC_URL: `http://localhost:${ports.app}`,
    WEB_DIST: join(rootDir, 'web', 'dist'),
    TEMPORAL_TEST_SERVER_PATH: venvBin('temporal-test-server'),
    SCHEMATHESIS_PATH: venvBin('schemathesis'),
    // The production infrastructure's checkers (installed by `npm test` and `cocagne install`).
    CFN_LINT_PATH: infraVenvBin('cfn-lint'),
    CHECKOV_PATH: infraVenvBin('checkov'),
    HADOLINT_PATH: infraVenvBin('hadolint'),
    SHELLCHECK_PATH: infraVenvBin('shellcheck'),
    KUSTOMIZE_PATH: goBin('kustomize'),
    ACTIONLINT_PATH: goBin('actionlint'),
    FLUX_CRDS_DIR: fluxCrdsDir,
    CHROMIUM_PATH: chromiumPath(env),
    KEYCLOAK_REALM: keycloakRealm,
    KEYCLOAK_ADMIN_URL: `http://localhost:${ports.keycloak}`,
    KEYCLOAK_ADMIN_USERNAME: keycloakAdmin.username,
    KEYCLOAK_ADMIN_PASSWORD: keycloakAdmin.password,
    MOTO_URL: `http://127.0.0.1:${ports.moto}`,
    // The built-in route optimiser (VROOM), for gardens without Circuit and as its fallback.
    VROOM_URL: `http://127.0.0.1:${ports.vroom}`,
    // Keycloak sends its emails (password reset, address verification) to this SMTP relay,
    // which hands them to SES (moto) like the application's own.
    SMTP_RELAY_HOST: '127.0.0.1',
    SMTP_RELAY_PORT: String(ports.smtp),
    // The Kubernetes API server the provisioning workflow applies each garden's objects to.
    KUBERNETES_API_URL: `https://127.0.0.1:${ports.kubernetes}`,
    KUBERNETES_TOKEN: kubernetesTokens.provisioner.token,
    KUBERNETES_CA_FILE: kubernetesCertificate,
    /** For tests only: what a controller would do (a Deployment's status, a namespace's finalizer). */
    KUBERNETES_LOCAL_ADMIN_TOKEN: kubernetesTokens.admin.token,
    GARDEN_DEPLOYMENT_PROFILE: join(rootDir, 'infra', 'local', 'garden-deployment-profile.json'),
    LOG_LEVEL: 'info',
  };
}
