// Creates what the application needs in the local stack, idempotently: DynamoDB tables, the
// documents bucket, the sender identity in the email service and the namespace's search
// attributes. The same definitions serve production (see infra/README.md).
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { tableNames } from '../../adapters/store/dynamo-client.ts';
import { ensureTables } from '../../adapters/store/tables.ts';
import { searchAttributes } from '../../temporal/search-attributes.ts';
import { installKeycloakThemes } from './keycloak-themes.ts';
import { applyProvisionerRole } from './kubernetes-access.ts';

/** AWS SDK clients read credentials from process.env: give them the local stack's. */
export function useLocalCredentials(env: Record<string, string>): void {
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
    const value = env[name];
    if (value) process.env[name] = value;
  }
}

function need(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is missing from the local environment`);
  return value;
}

async function ensureBucket(env: Record<string, string>): Promise<void> {
  const s3 = new S3Client({
    region: need(env, 'AWS_REGION'),
    endpoint: need(env, 'S3_ENDPOINT'),
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
  });
  const Bucket = need(env, 'S3_BUCKET');
  try {
    try {
      await s3.send(new HeadBucketCommand({ Bucket }));
    } catch {
      await s3.send(new CreateBucketCommand({ Bucket }));
    }
    // Versioned, as production's bucket is: an overwritten or deleted document keeps its
    // earlier versions, which a member's erasure must delete too (and its tests can see).
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  } finally {
    s3.destroy();
  }
}

async function ensureSenderIdentity(env: Record<string, string>): Promise<void> {
  const ses = new SESv2Client({ region: need(env, 'AWS_REGION'), endpoint: need(env, 'SES_ENDPOINT') });
  const address = /<([^>]+)>/.exec(need(env, 'MAIL_FROM'))?.[1] ?? need(env, 'MAIL_FROM');
  try {
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: address }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'AlreadyExistsException')) throw error;
  } finally {
    ses.destroy();
  }
}

async function ensureSearchAttributes(env: Record<string, string>): Promise<void> {
  const connection = await Connection.connect({ address: need(env, 'TEMPORAL_ADDRESS') });
  try {
    const namespace = need(env, 'TEMPORAL_NAMESPACE');
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {};
    for (const attribute of searchAttributes) {
      if (existing.customAttributes?.[attribute.name] !== undefined) continue;
      const type = attribute.type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
      missing[attribute.name] =
        proto.temporal.api.enums.v1.IndexedValueType[
          `INDEXED_VALUE_TYPE_${type}` as keyof typeof proto.temporal.api.enums.v1.IndexedValueType
        ];
    }
    if (Object.keys(missing).length > 0) {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    }
  } finally {
    await connection.close();
  }
}

/** The realm's settings that `ensureRealmSettings` applies to a running Keycloak. */
export function realmSettings(env: Record<string, string>): Record<string, unknown> {
  const realm = JSON.parse(
    readFileSync(new URL(`../keycloak/realm-${need(env, 'KEYCLOAK_REALM')}.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const pick = (...names: string[]) => Object.fromEntries(names.map((name) => [name, realm[name]]));
  return {
    ...pick(
      'registrationAllowed',
      'loginWithEmailAllowed',
      'resetPasswordAllowed',
      'verifyEmail',
      'internationalizationEnabled',
      'supportedLocales',
      'defaultLocale',
      'loginTheme',
      'emailTheme',
      'passwordPolicy',
    ),
    smtpServer: {
      ...(realm.smtpServer as Record<string, string>),
      host: need(env, 'SMTP_RELAY_HOST'),
      port: need(env, 'SMTP_RELAY_PORT'),
    },
  };
}

/**
 * Realm settings that came after a local realm was first imported (imports only happen into a
 * new database), taken from realm-cocagne.json: people may create their own account, verify
 * their address and reset their password by email (through the SMTP relay, to SES), in French
 * first, on Cocagne's own login and email themes (copied into Keycloak first), with the local
 * realm's cheap password hashing.
 */
async function ensureRealmSettings(env: Record<string, string>): Promise<void> {
  installKeycloakThemes();
  const base = need(env, 'KEYCLOAK_ADMIN_URL');
  const tokenAnswer = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: need(env, 'KEYCLOAK_ADMIN_USERNAME'),
      password: need(env, 'KEYCLOAK_ADMIN_PASSWORD'),
    }),
  });
  if (!tokenAnswer.ok) throw new Error(`Keycloak admin login answered ${tokenAnswer.status}`);
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const realm = await fetch(`${base}/admin/realms/${need(env, 'KEYCLOAK_REALM')}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(realmSettings(env)),
  });
  if (!realm.ok) throw new Error(`Keycloak realm update answered ${realm.status}`);
  await ensureWebRedirects(env, token);
  await ensureDemoUsers(env, token);
}

/**
 * Redirect addresses of the web client added to realm-cocagne.json after a local realm was
 * first imported (the browser tests' second port, for one), and the app's own port: added to
 * the client Keycloak has; the ones it has already are kept.
 */
async function ensureWebRedirects(env: Record<string, string>, token: string): Promise<void> {
  const file = JSON.parse(
    readFileSync(new URL(`../keycloak/realm-${need(env, 'KEYCLOAK_REALM')}.json`, import.meta.url), 'utf8'),
  ) as { clients?: Array<{ clientId: string; redirectUris?: string[] }> };
  const wanted = [...(file.clients?.find((client) => client.clientId === 'cocagne-web')?.redirectUris ?? [])];
  const port = env.HTTP_PORT;
  if (port) wanted.push(`http://localhost:${port}/*`, `http://127.0.0.1:${port}/*`);
  const clients = `${need(env, 'KEYCLOAK_ADMIN_URL')}/admin/realms/${need(env, 'KEYCLOAK_REALM')}/clients`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const found = await fetch(`${clients}?clientId=cocagne-web`, { headers });
  if (!found.ok) throw new Error(`Keycloak clients answered ${found.status}`);
  const [client] = (await found.json()) as Array<{ id: string; redirectUris?: string[] }>;
  if (!client)
    throw new Error('The local realm has no cocagne-web client: remove .data/keycloak to import it again.');
  const missing = [...new Set(wanted)].filter((uri) => !(client.redirectUris ?? []).includes(uri));
  if (missing.length === 0) return;
  const updated = await fetch(`${clients}/${client.id}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ ...client, redirectUris: [...(client.redirectUris ?? []), ...missing] }),
  });
  if (!updated.ok) throw new Error(`Keycloak client update answered ${updated.status}`);
}

interface RealmUser {
  username: string;
  realmRoles?: string[];
  [field: string]: unknown;
}

/**
 * Demo users added to realm-cocagne.json after a local realm was first imported (the second
 * driver of the rounds, for one): created as the file has them, with their realm roles. Users
 * already there are left as they are.
 */
async function ensureDemoUsers(env: Record<string, string>, token: string): Promise<void> {
  const file = JSON.parse(
    readFileSync(new URL(`../keycloak/realm-${need(env, 'KEYCLOAK_REALM')}.json`, import.meta.url), 'utf8'),
  ) as { users?: RealmUser[] };
  const base = `${need(env, 'KEYCLOAK_ADMIN_URL')}/admin/realms/${need(env, 'KEYCLOAK_REALM')}`;
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    if (!response.ok)
      throw new Error(`Keycloak ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  };
  for (const { realmRoles = [], ...user } of file.users ?? []) {
    const found = (await (
      await call(`/users?exact=true&username=${encodeURIComponent(user.username)}`)
    ).json()) as unknown[];
    if (found.length > 0) continue;
    const created = await call('/users', { method: 'POST', body: JSON.stringify(user) });
    const userId = created.headers.get('location')?.split('/').pop() ?? '';
    const roles = [];
    for (const name of realmRoles.filter((role) => !role.startsWith('default-roles-'))) {
      roles.push(await (await call(`/roles/${encodeURIComponent(name)}`)).json());
    }
    if (roles.length > 0) {
      await call(`/users/${userId}/role-mappings/realm`, { method: 'POST', body: JSON.stringify(roles) });
    }
  }
}

/** The provisioner's role on the local Kubernetes API (once it is up). */
export async function provisionKubernetes(env: Record<string, string>): Promise<void> {
  await applyProvisionerRole(Number(new URL(need(env, 'KUBERNETES_API_URL')).port));
}

export async function provisionLocalStack(
  env: Record<string, string>,
  options: { kubernetes: boolean } = { kubernetes: true },
): Promise<void> {
  useLocalCredentials(env);
  const dynamo = new DynamoDBClient({
    region: need(env, 'AWS_REGION'),
    endpoint: need(env, 'DYNAMODB_ENDPOINT'),
  });
  try {
    await ensureTables(dynamo, tableNames(need(env, 'DYNAMODB_TABLE_PREFIX')));
  } finally {
    dynamo.destroy();
  }
  await Promise.all([
    ensureBucket(env),
    ensureSenderIdentity(env),
    ensureSearchAttributes(env),
    ensureRealmSettings(env),
    ...(options.kubernetes ? [provisionKubernetes(env)] : []),
  ]);
}
