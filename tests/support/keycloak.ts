import { randomUUID } from 'node:crypto';
import type { Role } from '../../domain/roles.ts';
import { testEnvironment } from './environment.ts';

/**
 * Accounts for tests, made in the real local Keycloak through its admin API, in the test's
 * own garden; tokens come from the local-only `cocagne-local-tests` client (password grant).
 */
const realm = 'cocagne';
const testPassword = 'test-password-1';

function keycloakUrl(): string {
  const url = testEnvironment().KEYCLOAK_ADMIN_URL;
  if (!url) throw new Error('KEYCLOAK_ADMIN_URL is not set: run the tests with `npm test`.');
  return url;
}

async function form(url: string, fields: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * The admin's token, shared by the calls of a worker until shortly before it expires: a
 * password grant on the master realm costs Keycloak 100–125 ms of CPU (an Argon2id hash and a
 * signed token), and one was asked per admin call (three to make an account).
 */
let adminSession: { token: Promise<string>; until: number } | undefined;

/** How long an admin token is reused: the master realm's admin-cli tokens live 60 s. */
const adminTokenReuseMs = 40_000;

function adminToken(): Promise<string> {
  if (adminSession && adminSession.until > Date.now()) return adminSession.token;
  const env = testEnvironment();
  const token = form(`${keycloakUrl()}/realms/master/protocol/openid-connect/token`, {
    grant_type: 'password',
    client_id: 'admin-cli',
    username: env.KEYCLOAK_ADMIN_USERNAME ?? 'admin',
    password: env.KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
  }).then((body) => String(body.access_token));
  const session = { token, until: Date.now() + adminTokenReuseMs };
  adminSession = session;
  // A failed login is not kept: the next call asks again.
  token.catch(() => {
    if (adminSession === session) adminSession = undefined;
  });
  return token;
}

async function admin(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${keycloakUrl()}/admin/realms/${realm}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${await adminToken()}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  if (!response.ok)
    throw new Error(`Keycloak admin ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

export interface TestAccount {
  username: string;
  password: string;
  userId: string;
  token: () => Promise<string>;
}

/** Password grant on the local test client: a real access token, signed by Keycloak. */
export async function tokenFor(username: string, password: string): Promise<string> {
  const body = await form(`${keycloakUrl()}/realms/${realm}/protocol/openid-connect/token`, {
    grant_type: 'password',
    client_id: 'cocagne-local-tests',
    username,
    password,
    scope: 'openid',
  });
  return String(body.access_token);
}

/**
 * Creates an account with the given role in a garden (and member record, for members). Without
 * a role nor a garden, it is a person who has just registered and belongs to no garden yet.
 */
export async function createAccount(options: {
  role?: Role;
  gardenId?: string;
  memberId?: string;
  firstName?: string;
  lastName?: string;
}): Promise<TestAccount> {
  const username = `test-${options.role ?? 'newcomer'}-${randomUUID().slice(0, 8)}`;
  const attributes: Record<string, string[]> = {};
  if (options.gardenId) attributes.garden = [options.gardenId];
  if (options.memberId) attributes.member = [options.memberId];
  const created = await admin('/users', {
    method: 'POST',
    body: JSON.stringify({
      username,
      enabled: true,
      emailVerified: true,
      email: `${username}@example.org`,
      firstName: options.firstName ?? 'Test',
      lastName: options.lastName ?? options.role ?? 'Newcomer',
      attributes,
      credentials: [{ type: 'password', value: testPassword, temporary: false }],
    }),
  });
  const userId = created.headers.get('location')?.split('/').pop() ?? '';
  if (options.role) {
    const role = (await (await admin(`/roles/${options.role}`)).json()) as { id: string; name: string };
    await admin(`/users/${userId}/role-mappings/realm`, { method: 'POST', body: JSON.stringify([role]) });
  }
  let cached: { token: string; until: number } | undefined;
  return {
    username,
    password: testPassword,
    userId,
    token: async () => {
      if (!cached || cached.until < Date.now()) {
        cached = { token: await tokenFor(username, testPassword), until: Date.now() + 60_000 };
      }
      return cached.token;
    },
  };
}

/** The claims of an access token (read, not verified: the API verifies them). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Removes test accounts (best effort: a leftover account in the local realm harms nothing). */
export async function deleteAccounts(accounts: readonly TestAccount[]): Promise<void> {
  await Promise.all(
    accounts.map((account) => admin(`/users/${account.userId}`, { method: 'DELETE' }).catch(() => undefined)),
  );
}

/**
 * Deletes every account of a test's garden (its `garden` attribute): the ones a test made
 * through the API (a team invitation), which it holds no TestAccount for.
 */
export async function deleteGardenAccounts(gardenId: string): Promise<void> {
  const found = await admin(`/users?q=${encodeURIComponent(`garden:${gardenId}`)}&max=1000`);
  const users = (await found.json()) as Array<{ id: string }>;
  await Promise.all(
    users.map((user) => admin(`/users/${user.id}`, { method: 'DELETE' }).catch(() => undefined)),
  );
}

/**
 * An account someone was invited to (required actions pending, no password yet), as if its
 * owner had followed the invitation: a password set, nothing left to do. For API tests; the
 * browser test follows the real email.
 */
export async function acceptInvitation(email: string): Promise<TestAccount> {
  const found = (await (
    await admin(`/users?email=${encodeURIComponent(email)}&exact=true`)
  ).json()) as Array<{
    id: string;
    username: string;
  }>;
  const user = found[0];
  if (!user) throw new Error(`No account has the address ${email}.`);
  await admin(`/users/${user.id}/reset-password`, {
    method: 'PUT',
    body: JSON.stringify({ type: 'password', value: testPassword, temporary: false }),
  });
  await admin(`/users/${user.id}`, {
    method: 'PUT',
    body: JSON.stringify({ requiredActions: [], emailVerified: true }),
  });
  return {
    username: user.username,
    password: testPassword,
    userId: user.id,
    token: () => tokenFor(user.username, testPassword),
  };
}

/** The web app's client in the local realm, as Keycloak's admin API gives it. */
async function webClient(): Promise<{ id: string; redirectUris?: string[] } | undefined> {
  const clientId = testEnvironment().OIDC_WEB_CLIENT_ID ?? 'cocagne-web';
  const found = await admin(`/clients?clientId=${encodeURIComponent(clientId)}`);
  const [client] = (await found.json()) as Array<{ id: string; redirectUris?: string[] }>;
  return client;
}

/** The redirect URIs of the web app's client in the local realm (sign-in return addresses). */
export async function webClientRedirectUris(): Promise<string[]> {
  return (await webClient())?.redirectUris ?? [];
}

/** Takes a test garden's host out of the web client's redirect URIs (best effort). */
export async function forgetSiteHost(hostName: string): Promise<void> {
  const client = await webClient();
  if (!client) return;
  const redirectUris = (client.redirectUris ?? []).filter((uri) => uri !== `https://${hostName}/*`);
  await admin(`/clients/${client.id}`, {
    method: 'PUT',
    body: JSON.stringify({ ...client, redirectUris }),
  }).catch(() => undefined);
}
